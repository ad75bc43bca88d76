"""What every console route shares: who is signed in, CSRF-checked forms, rendering, notices."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.datastructures.multi_dicts import FormMultiDict
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect, Template

from gateway.http.console.limiter import SignInLimiter
from gateway.http.console.session import (
    CSRF_FIELD,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    Session,
    SessionSigner,
)
from gateway.runtime import Runtime
from gateway.services.access import ADMIN, Principal, principal_of_key

BASE = "/console"
NOTICE_COOKIE = "unihook_console_notice"


class SignInRequired(Exception):
    """A page was asked for without a live session: the answer is the sign-in page."""


@dataclass(frozen=True, slots=True)
class ConsoleState:
    """The console's per-process parts, kept on ``app.state.console``."""

    signer: SessionSigner
    limiter: SignInLimiter


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person: the key's principal, the session, and the forms' CSRF token."""

    principal: Principal
    session: Session
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin


def runtime_of(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def console_state(request: Request[Any, Any, Any]) -> ConsoleState:
    state = getattr(request.app.state, "console", None)
    if state is None:
        runtime = runtime_of(request)
        state = ConsoleState(
            signer=SessionSigner(runtime.box.derive_key("console-session")),
            limiter=SignInLimiter(),
        )
        request.app.state.console = state
    return state


def is_https(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https"


def cookie(request: Request[Any, Any, Any], name: str, value: str, max_age: int) -> Cookie:
    """A console cookie: HttpOnly, SameSite=Strict, Secure on HTTPS, scoped to the console."""
    return Cookie(
        key=name,
        value=value,
        path=BASE,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
    )


def expired(request: Request[Any, Any, Any], name: str) -> Cookie:
    return cookie(request, name, "", 0)


async def current_viewer(request: Request[Any, Any, Any]) -> Viewer | None:
    """The live session's viewer, or None (no cookie, forged, expired, key or token gone)."""
    state = console_state(request)
    session = state.signer.load(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    runtime = runtime_of(request)
    if session.key_id == "admin":
        admin = runtime.settings.admin_token
        if not admin or session.admin_mark != state.signer.admin_mark(admin):
            return None
        principal: Principal | None = ADMIN
    else:
        principal = await principal_of_key(runtime, session.key_id)
    if principal is None:
        return None
    return Viewer(principal, session, state.signer.csrf_token(session.nonce))


async def viewer(request: Request[Any, Any, Any]) -> Viewer:
    """Dependency of every page: the viewer, or a redirect to the sign-in page."""
    found = await current_viewer(request)
    if found is None:
        raise SignInRequired
    return found


async def checked_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The posted form, after its CSRF token matched the session's (or the pre-session
    cookie's, for the sign-in form): 403 otherwise, before anything else happens."""
    form = await request.form()
    state = console_state(request)
    token = form.get(CSRF_FIELD)
    session = state.signer.load(request.cookies.get(SESSION_COOKIE))
    seeds = [request.cookies.get(PRESESSION_COOKIE)]
    if session is not None:
        seeds.insert(0, session.nonce)
    if not any(
        state.signer.csrf_ok(seed, token if isinstance(token, str) else None) for seed in seeds
    ):
        raise PermissionDeniedException("missing or invalid CSRF token: reload the page and retry")
    return form


def render(
    request: Request[Any, Any, Any],
    template: str,
    who: Viewer | None,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Template:
    """A page, with the viewer, its CSRF token and any notice left by the last action."""
    notice = _read_notice(request)
    cookies = list(cookies or [])
    if notice is not None:
        cookies.append(expired(request, NOTICE_COOKIE))
    return Template(
        template_name=template,
        context={
            "viewer": who,
            "csrf": who.csrf if who else context.pop("csrf", ""),
            "notice": notice,
            "base": BASE,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
        cookies=cookies,
    )


def done(request: Request[Any, Any, Any], url: str, notice: str) -> Redirect:
    """After an action: 303 to ``url``, carrying ``notice`` to show there once."""
    signer = console_state(request).signer
    text = base64.urlsafe_b64encode(notice.encode("utf-8")[:500]).decode("ascii")
    value = f"{text}.{signer.csrf_token('notice:' + text)}"
    return Redirect(url, status_code=303, cookies=[cookie(request, NOTICE_COOKIE, value, 60)])


def _read_notice(request: Request[Any, Any, Any]) -> str | None:
    raw = request.cookies.get(NOTICE_COOKIE)
    if not raw or "." not in raw:
        return None
    text, _, mac = raw.partition(".")
    if not console_state(request).signer.csrf_ok("notice:" + text, mac):
        return None
    try:
        return base64.urlsafe_b64decode(text).decode("utf-8", "replace")
    except ValueError:
        return None
