"""Personal data: erase one person (a form), and the audit log of management actions."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services.audit import list_audit
from gateway.services.erasure import request_erasure
from schemas.api import ErasureRequest

PAGE = 50


@get("/audit")
async def audit_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    action: FromQuery[str | None] = None,
    actor: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    listing = await list_audit(
        runtime_of(request),
        viewer.principal,
        action=action or None,
        actor=actor or None,
        limit=PAGE,
        cursor=cursor,
    )
    return render(
        request,
        "audit.html",
        viewer,
        entries=listing["data"],
        next_cursor=listing["next_cursor"],
        action=action or "",
        actor=actor or "",
    )


@post("/erasures", status_code=303)
async def erase_page(request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]) -> Redirect:
    """Erase one person of one tenant; the notice shows what went, never the identifier."""
    form = await checked_form(request)
    data = ErasureRequest(
        tenant=text(form, "tenant") or viewer.principal.tenant,
        **{kind: text(form, kind) for kind in ("subject", "email", "candidate_id", "employee_id")},
    )
    result = await request_erasure(runtime_of(request), viewer.principal, data)
    counts = result.counts
    return done(
        request,
        f"{BASE}/audit",
        f"Erasure {result.id} {result.status}: {counts.events} events, {counts.receipts} "
        f"receipts, {counts.deliveries} pending deliveries.",
    )


ROUTES = [audit_page, erase_page]
