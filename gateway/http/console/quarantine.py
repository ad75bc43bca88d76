"""Quarantine: verified receipts the adapter could not normalise, and reprocessing them."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services.quarantine import quarantined, reprocess_quarantined

PAGE = 25


@get("/quarantine")
async def quarantine_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    receipts, next_cursor = await quarantined(
        runtime_of(request), viewer.principal, limit=PAGE, cursor=cursor
    )
    return render(request, "quarantine.html", viewer, receipts=receipts, next_cursor=next_cursor)


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


ROUTES = [quarantine_page, reprocess_page]
