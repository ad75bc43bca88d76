"""What every console route shares: who is signed in, CSRF-checked forms, rendering, notices."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from litestar import Request
from litestar.datastructures import Cookie
from litestar.datastructures.multi_dicts import FormMultiDict
from litestar.exceptions import (
    ClientException,
    HTTPException,
    PermissionDeniedException,
)
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
from gateway.services.signouts import signed_out

BASE = "/console"
NOTICE_COOKIE = "unihook_console_notice"
DONE_MARK, FAILED_MARK = "+", "!"  # the notice's first character: success or failure
HTTPS_COOKIE_PREFIX = "__Host-"
"""On HTTPS every console cookie is ``__Host-`` prefixed: the browser then takes it only with
``Secure``, ``Path=/`` and no ``Domain``, so a sibling subdomain or a plain-HTTP answer cannot
plant or overwrite it (a planted pre-session cookie is how a cross-site post got a valid token)."""

FORM_TYPE = "application/x-www-form-urlencoded"
CLOSE = {"connection": "close"}
ANONYMOUS_POST_DETAIL = "missing or invalid CSRF token: reload the page and retry"
"""Why a form without a valid session or pre-session cookie and token is refused (``403``)."""
MAX_FORM_FIELDS = 256
"""Fields in one console form at most: the subscription form, every event type ticked, is the
largest, well below it."""
SIGN_IN_MAX_BYTES = 2048
SIGN_IN_MAX_FIELDS = 8
"""The sign-in form is a token and its CSRF token: a key is under 100 bytes."""


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


def cookie_name(request: Request[Any, Any, Any], name: str) -> str:
    return f"{HTTPS_COOKIE_PREFIX}{name}" if is_https(request) else name


def read_cookie(request: Request[Any, Any, Any], name: str) -> str | None:
    """The console cookie ``name`` as this scheme names it (never the unprefixed one on HTTPS)."""
    return request.cookies.get(cookie_name(request, name))


def cookie(request: Request[Any, Any, Any], name: str, value: str, max_age: int) -> Cookie:
    """A console cookie: HttpOnly, SameSite=Strict; on HTTPS ``__Host-``, Secure and ``Path=/``
    (as the prefix requires), on plain HTTP scoped to the console."""
    https = is_https(request)
    return Cookie(
        key=cookie_name(request, name),
        value=value,
        path="/" if https else BASE,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=https,
    )


def expired(request: Request[Any, Any, Any], name: str) -> Cookie:
    return cookie(request, name, "", 0)


async def current_viewer(request: Request[Any, Any, Any]) -> Viewer | None:
    """The live session's viewer, or None (no cookie, forged, expired, key or token gone)."""
    state = console_state(request)
    session = state.signer.load(read_cookie(request, SESSION_COOKIE))
    if session is None:
        return None
    runtime = runtime_of(request)
    if await signed_out(runtime, session.nonce):
        return None
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
    request.state.console_viewer = found  # the error page keeps this viewer's navigation
    return found


NEXT_MAX_LENGTH = 500
"""The longest page to return to after signing in: percent-encoded, it still fits the sign-in
form's ``SIGN_IN_MAX_BYTES`` beside a key and the CSRF token."""


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a console page of this site to return to after signing in (a
    path under ``/console/``, nothing that a browser could read as another host), else None."""
    if not target or len(target) > NEXT_MAX_LENGTH or not target.startswith(f"{BASE}/"):
        return None
    if "\\" in target or "//" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path.startswith(f"{BASE}/static/"):
        return None
    return target


def viewer_seen(request: Request[Any, Any, Any]) -> Viewer | None:
    """The viewer this request's ``viewer`` dependency established, if it ran."""
    seen = getattr(request.state, "console_viewer", None)
    return seen if isinstance(seen, Viewer) else None


def _same_origin(request: Request[Any, Any, Any]) -> bool:
    """Whether a browser says the post comes from the console's own pages. ``Sec-Fetch-Site``
    must be ``same-origin`` (or ``none``: typed by the user) and ``Origin`` must name this host
    (as the request reached it, or ``UNIHOOK_PUBLIC_URL``); a client sending neither (not a
    browser) is left to the CSRF token."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    netloc = urlsplit(origin.strip()).netloc.lower()
    if not netloc:
        return False  # "null": a sandboxed or privacy-redirected page
    public = urlsplit(runtime_of(request).settings.public_url).netloc.lower()
    return netloc in {request.headers.get("host", "").strip().lower(), public}


async def _capped_body(request: Request[Any, Any, Any], limit: int) -> bytes:
    """The body, read only while it stays within ``limit`` bytes: ``413`` past it."""
    too_large = ClientException(
        status_code=413, detail=f"form larger than {limit} bytes", headers=CLOSE
    )
    declared = request.headers.get("content-length")
    # ASCII digits only: "²".isdigit() is true, and int() then fails
    text = declared.strip() if declared is not None else None
    if text is not None and (not (text.isascii() and text.isdigit()) or int(text) > limit):
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def checked_form(request: Request[Any, Any, Any], *, sign_in: bool = False) -> FormMultiDict:
    """The posted form, once it proved it comes from a console page: the browser's origin
    headers, then a session (or, for ``sign_in`` only, the pre-session cookie) before a byte of
    the body is read, then a capped body, then its CSRF token. ``403``/``413`` otherwise,
    before anything else happens."""
    # refused before the body is read: close the connection rather than read the body on
    denied = PermissionDeniedException(ANONYMOUS_POST_DETAIL, headers=CLOSE)
    if not _same_origin(request):
        raise PermissionDeniedException("cross-site form posts are refused", headers=CLOSE)
    state = console_state(request)
    if sign_in:
        seed = read_cookie(request, PRESESSION_COOKIE)
    else:
        session = state.signer.load(read_cookie(request, SESSION_COOKIE))
        seed = session.nonce if session is not None else None
    if not seed:
        raise denied
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type not in {FORM_TYPE, ""}:  # none: an empty post, a button without fields
        raise HTTPException(status_code=415, detail=f"console forms are {FORM_TYPE}", headers=CLOSE)
    limit = SIGN_IN_MAX_BYTES if sign_in else runtime_of(request).settings.console_max_form_bytes
    body = await _capped_body(request, limit)
    try:
        fields = parse_qsl(
            body.decode("utf-8", "replace"),
            keep_blank_values=True,
            max_num_fields=SIGN_IN_MAX_FIELDS if sign_in else MAX_FORM_FIELDS,
        )
    except ValueError:
        raise ClientException(status_code=413, detail="too many form fields") from None
    form = FormMultiDict(fields)
    token = form.get(CSRF_FIELD)
    if not state.signer.csrf_ok(seed, token if isinstance(token, str) else None):
        raise denied
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
    notice, failed = _read_notice(request)
    cookies = list(cookies or [])
    if notice is not None:
        cookies.append(expired(request, NOTICE_COOKIE))
    return Template(
        template_name=template,
        context={
            "viewer": who,
            "csrf": who.csrf if who else context.pop("csrf", ""),
            "notice": notice,
            "notice_failed": failed,
            "base": BASE,
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
        cookies=cookies,
    )


def done(
    request: Request[Any, Any, Any], url: str, notice: str, *, failed: bool = False
) -> Redirect:
    """After an action: 303 to ``url``, carrying ``notice`` to show there once; ``failed``
    shows it as an error (the action was refused or did not work), not as a success."""
    signer = console_state(request).signer
    marked = (FAILED_MARK if failed else DONE_MARK) + notice
    text = base64.urlsafe_b64encode(marked.encode("utf-8")[:500]).decode("ascii")
    value = f"{text}.{signer.csrf_token('notice:' + text)}"
    return Redirect(url, status_code=303, cookies=[cookie(request, NOTICE_COOKIE, value, 60)])


def _read_notice(request: Request[Any, Any, Any]) -> tuple[str | None, bool]:
    """The notice left by the last action, and whether it says the action failed."""
    raw = read_cookie(request, NOTICE_COOKIE)
    if not raw or "." not in raw:
        return None, False
    text, _, mac = raw.partition(".")
    if not console_state(request).signer.csrf_ok("notice:" + text, mac):
        return None, False
    try:
        marked = base64.urlsafe_b64decode(text).decode("utf-8", "replace")
    except ValueError:
        return None, False
    return marked[1:], marked[:1] == FAILED_MARK
