"""Events: filtered list with a live tail, one event's whole story, redelivery, timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.cli.eventview import summary
from gateway.http.common import parse_time_param
from gateway.http.console.forms import text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, services_of
from gateway.http.deliveries import redeliver
from gateway.http.events import list_events
from gateway.http.subscriptions import list_subscriptions
from gateway.services.stories import event_story, find_candidates, timeline
from schemas import CATALOGUE

PAGE = 50
TAIL = 100


def _row(payload: bytes) -> dict[str, Any]:
    event: dict[str, Any] = msgspec.json.decode(payload)
    event["_summary"] = summary(event)
    return event


def _filters(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


def _time(name: str, value: str | None) -> datetime | None:
    """A filter time: RFC 3339, unix seconds, or the browser's ``datetime-local`` (as UTC)."""
    if value and len(value) == 16 and value[10] == "T":
        value += ":00Z"
    return parse_time_param(name, value)


@get("/events")
async def events_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    type: FromQuery[str | None] = None,
    provider: FromQuery[str | None] = None,
    tenant: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    """Newest first, filtered; the first page tails new events while it is open."""
    services = services_of(request)
    filters = _filters(type=type, provider=provider, tenant=tenant, since=since, until=until)
    error = None
    try:
        rows = await list_events(
            services,
            viewer.principal,
            type=type or None,
            provider=provider or None,
            tenant=tenant or None,
            since=_time("since", since),
            until=_time("until", until),
            limit=PAGE + 1,
            cursor=cursor,
        )
    except ValidationException as exc:
        rows, error = [], exc.detail
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    events = [_row(r.payload) for r in rows]
    next_url = (
        f"{BASE}/events?{urlencode({**filters, 'cursor': rows[-1].id})}" if more and rows else None
    )
    newest = rows[0].id if rows else ""
    return render(
        request,
        "events.html",
        viewer,
        events=events,
        filters=filters,
        error=error,
        next_url=next_url,
        tail_url=None if cursor or until else _tail_url(filters, newest),
        types=sorted(CATALOGUE),
        providers=services.registry.names(),
    )


def _tail_url(filters: dict[str, str], after: str) -> str:
    return f"{BASE}/events/tail?{urlencode({**filters, 'after': after})}"


@get("/events/tail")
async def events_tail(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    after: FromQuery[str] = "",
    type: FromQuery[str | None] = None,
    provider: FromQuery[str | None] = None,
    tenant: FromQuery[str | None] = None,
    since: FromQuery[str | None] = None,
) -> Template:
    """The rows newer than ``after`` (an htmx fragment), and the poller that asks again."""
    filters = _filters(type=type, provider=provider, tenant=tenant, since=since)
    rows = await list_events(
        services_of(request),
        viewer.principal,
        type=type or None,
        provider=provider or None,
        tenant=tenant or None,
        since=_time("since", since),
        limit=TAIL,
        after=after or None,
    )
    newest = rows[0].id if rows else after
    return render(
        request,
        "_tail.html",
        viewer,
        events=[_row(r.payload) for r in rows],
        tail_url=_tail_url(filters, newest),
    )


@get("/events/{event_id:str}")
async def event_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Template:
    services = services_of(request)
    story = await event_story(services, viewer.principal, event_id)
    if story is None:
        raise NotFoundException("event not found")
    subscriptions = await list_subscriptions(services, viewer.principal, limit=200)
    return render(
        request,
        "event.html",
        viewer,
        story=story,
        summary=summary(story.event),
        subscriptions=subscriptions["data"],
    )


@get("/events/{event_id:str}/deliveries")
async def event_deliveries_fragment(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Template:
    """The deliveries section alone, which the event page refreshes while it is open."""
    story = await event_story(services_of(request), viewer.principal, event_id)
    if story is None:
        raise NotFoundException("event not found")
    return render(request, "_deliveries.html", viewer, story=story)


@post("/events/{event_id:str}/redeliver", status_code=303)
async def redeliver_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Redirect:
    form = await checked_form(request)
    try:
        out = await redeliver(
            services_of(request), viewer.principal, event_id, text(form, "subscription_id")
        )
    except ValidationException as exc:
        return done(request, f"{BASE}/events/{event_id}", f"Not redelivered: {exc.detail}")
    notice = (
        f"Queued {out.enqueued} new deliver{'y' if out.enqueued == 1 else 'ies'}."
        if out.enqueued
        else "No subscription selects this event: nothing queued."
    )
    return done(request, f"{BASE}/events/{event_id}", notice)


@get("/timeline")
async def timeline_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    subject: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    """Every event about one resource, in order, each with its deliveries; or find one."""
    services = services_of(request)
    entries = await timeline(services, viewer.principal, subject) if subject else []
    found = await find_candidates(services, viewer.principal, q) if q else []
    for entry in entries:
        entry.event["_summary"] = summary(entry.event)
    return render(
        request, "timeline.html", viewer, subject=subject, q=q, entries=entries, found=found
    )


ROUTES = [
    events_page,
    events_tail,
    event_page,
    event_deliveries_fragment,
    redeliver_page,
    timeline_page,
]
