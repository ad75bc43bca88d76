"""Signing in and out of the console, and the overview it opens on."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from gateway.http.console.charts import bars
from gateway.http.console.session import (
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    SESSION_SECONDS,
    new_presession_seed,
)
from gateway.http.console.web import (
    BASE,
    checked_form,
    console_state,
    cookie,
    current_viewer,
    expired,
    read_cookie,
    render,
    runtime_of,
    safe_next,
)
from gateway.services import audit
from gateway.services.access import authenticate
from gateway.services.insights import overview
from gateway.services.signouts import sign_out
from gateway.services.unverified import recent_unverified

SIGN_IN_FORM_SECONDS = 3600


def sign_in_page(
    request: Request[Any, Any, Any],
    status_code: int = 200,
    error: str | None = None,
    next_page: str | None = None,
) -> Template:
    """The form, with a fresh pre-session cookie its CSRF token is tied to."""
    signer = console_state(request).signer
    seed = new_presession_seed()
    return render(
        request,
        "signin.html",
        None,
        status_code=status_code,
        cookies=[cookie(request, PRESESSION_COOKIE, seed, SIGN_IN_FORM_SECONDS)],
        csrf=signer.csrf_token(seed),
        error=error,
        next_page=safe_next(next_page),
    )


@get("/", name="console-home")
async def home(
    request: Request[Any, Any, Any],
    next_page: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Template:
    """The overview when signed in, the sign-in form otherwise (``next``: the page asked for,
    opened once signed in)."""
    who = await current_viewer(request)
    if who is None:
        return sign_in_page(request, next_page=next_page)
    stats = await overview(runtime_of(request), who.principal)
    charts = {
        "events": bars(stats.events_by_hour, "events received per hour, last 24 hours"),
        "attempts": bars(
            stats.attempts_by_hour,
            "delivery attempts per hour, last 24 hours (failed in red)",
            failures=stats.failures_by_hour,
        ),
    }
    unverifying = await recent_unverified(runtime_of(request), who.principal)
    return render(
        request,
        "overview.html",
        who,
        stats=stats,
        charts=charts,
        unverifying=unverifying,
        health=stats.health,
        attempts_day=stats.attempts_day,
        chart=charts["attempts"],
    )


@post("/login", status_code=303)
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Exchange the admin token or an API key for a session cookie."""
    form = await checked_form(request, sign_in=True)
    state = console_state(request)
    address = request.client.host if request.client else "unknown"
    delay = state.limiter.delay(address)
    if delay > 0:
        if not state.limiter.begin_wait(address):
            page = sign_in_page(
                request, 429, "Another sign-in from your address is waiting: try again shortly."
            )
            page.headers["retry-after"] = str(round(delay))
            return page
        try:
            await asyncio.sleep(delay)  # after repeated failures every try waits its turn
        finally:
            state.limiter.end_wait(address)
    token = form.get("token")
    token = token.strip() if isinstance(token, str) else ""
    wanted = form.get("next")
    next_page = safe_next(wanted if isinstance(wanted, str) else None)
    principal = await authenticate(runtime_of(request), token) if token else None
    if principal is None:
        state.limiter.failed(address)
        await audit.record(runtime_of(request), "unknown", "console.sign_in_failed")
        return sign_in_page(request, 401, "That is not a valid admin token or API key.", next_page)
    await audit.record(
        runtime_of(request), principal.key_id, "console.sign_in", tenant=principal.tenant
    )
    admin = runtime_of(request).settings.admin_token
    session = state.signer.new_session(
        principal.key_id,
        principal.tenant,
        admin_mark=state.signer.admin_mark(admin) if principal.is_admin and admin else None,
    )
    return Redirect(
        next_page or f"{BASE}/",
        status_code=303,
        cookies=[
            cookie(request, SESSION_COOKIE, state.signer.dump(session), SESSION_SECONDS),
            expired(request, PRESESSION_COOKIE),
        ],
    )


@post("/logout", status_code=303)
async def logout(request: Request[Any, Any, Any]) -> Redirect:
    """End the session: its cookie is refused from now on, wherever a copy of it is kept."""
    await checked_form(request)
    session = console_state(request).signer.load(read_cookie(request, SESSION_COOKIE))
    if session is not None:
        await sign_out(runtime_of(request), session.nonce, session.expires)
    return Redirect(f"{BASE}/", status_code=303, cookies=[expired(request, SESSION_COOKIE)])
