"""Quarantine: verified receipts the adapter could not normalise, and reprocessing them."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, services_of
from gateway.ingest.reprocess import ReprocessReport, reprocess
from gateway.services.insights import quarantined

PAGE = 25


@get("/quarantine")
async def quarantine_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    receipts, next_cursor = await quarantined(
        services_of(request), viewer.principal, limit=PAGE, cursor=cursor
    )
    return render(request, "quarantine.html", viewer, receipts=receipts, next_cursor=next_cursor)


@post("/quarantine/reprocess", status_code=303)
async def reprocess_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Redirect:
    """Normalise again one receipt (``receipt_id``) or every quarantined one the viewer sees."""
    form = await checked_form(request)
    services = services_of(request)
    receipt_id = text(form, "receipt_id")
    visible, _ = await quarantined(services, viewer.principal, limit=10_000)
    ids = [r.id for r in visible]
    if receipt_id is not None and receipt_id not in ids:
        raise NotFoundException("receipt not found")
    total = ReprocessReport()
    if viewer.is_admin and receipt_id is None:
        total = await reprocess(services)
    else:
        for one in [receipt_id] if receipt_id else ids:
            report = await reprocess(services, one)
            total.accepted += report.accepted
            total.duplicates += report.duplicates
            total.still_quarantined += report.still_quarantined
            total.lines.extend(report.lines)
    notice = (
        f"Reprocessed: {total.accepted} accepted, {total.duplicates} duplicates, "
        f"{total.still_quarantined} still quarantined."
    )
    if total.still_quarantined and total.lines:
        notice += " " + total.lines[-1]
    return done(request, f"{BASE}/quarantine", notice)


ROUTES = [quarantine_page, reprocess_page]
