"""Quarantine: verified receipts the adapter could not normalise, and reprocessing them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services.errors import NotFound
from gateway.services.quarantine import dismiss_quarantined, quarantined, reprocess_quarantined

PAGE = 25


@get("/quarantine")
async def quarantine_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
    provider: FromQuery[str | None] = None,
    tenant: FromQuery[str | None] = None,
    reason: FromQuery[str | None] = None,
) -> Template:
    runtime = runtime_of(request)
    filters = {
        k: v.strip()
        for k, v in {"provider": provider, "tenant": tenant, "reason": reason}.items()
        if v and v.strip()
    }
    receipts, next_cursor = await quarantined(
        runtime, viewer.principal, limit=PAGE, cursor=cursor, **filters
    )
    next_url = (
        f"{BASE}/quarantine?{urlencode({**filters, 'cursor': next_cursor})}"
        if next_cursor
        else None
    )
    return render(
        request,
        "quarantine.html",
        viewer,
        receipts=receipts,
        next_url=next_url,
        filters=filters,
        providers=runtime.registry.names(),
    )


@post("/quarantine/reprocess", status_code=303)
async def reprocess_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Redirect:
    """Normalise again one receipt (``receipt_id``) or every quarantined one the viewer sees."""
    form = await checked_form(request)
    report = await reprocess_quarantined(
        runtime_of(request), viewer.principal, text(form, "receipt_id")
    )
    notice = (
        f"Reprocessed: {report.accepted} accepted, {report.duplicates} duplicates, "
        f"{report.still_quarantined} still quarantined."
    )
    if report.still_quarantined and report.lines:
        notice += " " + report.lines[-1]
    return done(request, f"{BASE}/quarantine", notice)


@post("/quarantine/dismiss", status_code=303)
async def dismiss_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Redirect:
    """Take one receipt (``receipt_id``) off the quarantine list, without reprocessing it."""
    form = await checked_form(request)
    receipt_id = text(form, "receipt_id")
    if receipt_id is None:
        raise NotFound("receipt not found")
    await dismiss_quarantined(runtime_of(request), viewer.principal, receipt_id)
    return done(request, f"{BASE}/quarantine", f"Dismissed {receipt_id}: its bytes are kept.")


ROUTES = [quarantine_page, reprocess_page, dismiss_page]
