"""Events: filtered list with a live tail, one event's whole story, redelivery, timelines."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import browser_time, text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services.completion import completion_view
from gateway.services.deliveries import redeliver_event
from gateway.services.errors import Invalid, NotFound
from gateway.services.events import delivery_counts, list_events
from gateway.services.stories import (
    TIMELINE_PAGE,
    event_story,
    find_candidates,
    summary,
    timeline,
)
from gateway.services.subscriptions import list_subscriptions
from schemas import CATALOGUE

PAGE = 50
TAIL = 100


def _rows(body: bytes) -> tuple[list[dict[str, Any]], str | None]:
    """The events of a ``list_events`` answer, each with its one-line summary."""
    page: dict[str, Any] = msgspec.json.decode(body)
    for event in page["data"]:
        event["_summary"] = summary(event)
    return page["data"], page["next_cursor"]


def _filters(**values: str | None) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


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
    delivery: FromQuery[str | None] = None,
    subscription: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    """Newest first, filtered (by delivery state and subscription too: "what failed?"), each
    with its deliveries' states; the first page tails new events while it is open."""
    runtime = runtime_of(request)
    filters = _filters(
        type=type,
        provider=provider,
        tenant=tenant,
        since=since,
        until=until,
        delivery=delivery,
        subscription=subscription,
        q=q,
    )
    error = None
    events: list[dict[str, Any]] = []
    next_cursor = None
    try:
        events, next_cursor = _rows(
            await list_events(
                runtime,
                viewer.principal,
                type=type or None,
                provider=provider or None,
                tenant=tenant or None,
                since=browser_time(since),
                until=browser_time(until),
                limit=PAGE,
                cursor=cursor,
                delivery_status=delivery or None,
                subscription_id=subscription or None,
                q=q or None,
            )
        )
    except Invalid as exc:
        error = exc.detail
    counts = await delivery_counts(runtime, viewer.principal, [e["id"] for e in events])
    for event in events:
        event["_deliveries"] = counts.get(event["id"], {})
    subscriptions = await list_subscriptions(runtime, viewer.principal, limit=200)
    tailing = not (cursor or until or error or delivery or subscription or q)
    next_url = (
        f"{BASE}/events?{urlencode({**filters, 'cursor': next_cursor})}" if next_cursor else None
    )
    newest = events[0]["id"] if events else ""
    return render(
        request,
        "events.html",
        viewer,
        events=events,
        filters=filters,
        error=error,
        next_url=next_url,
        tail_url=_tail_url(filters, newest) if tailing else None,
        types=sorted(CATALOGUE),
        subscriptions=subscriptions["data"],
        providers=runtime.registry.names(),
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
    events, _ = _rows(
        await list_events(
            runtime_of(request),
            viewer.principal,
            type=type or None,
            provider=provider or None,
            tenant=tenant or None,
            since=browser_time(since),
            limit=TAIL,
            after=after or None,
        )
    )
    counts = await delivery_counts(runtime_of(request), viewer.principal, [e["id"] for e in events])
    for event in events:
        event["_deliveries"] = counts.get(event["id"], {})
    newest = events[0]["id"] if events else after
    return render(request, "_tail.html", viewer, events=events, tail_url=_tail_url(filters, newest))


@get("/events/{event_id:str}")
async def event_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Template:
    runtime = runtime_of(request)
    story = await event_story(runtime, viewer.principal, event_id)
    if story is None:
        raise NotFound("event not found")
    subscriptions = await list_subscriptions(runtime, viewer.principal, limit=200)
    return render(
        request,
        "event.html",
        viewer,
        story=story,
        summary=summary(story.event),
        subscriptions=subscriptions["data"],
        completion=await completion_view(runtime, event_id),
    )


@get("/events/{event_id:str}/deliveries")
async def event_deliveries_fragment(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Template:
    """The deliveries section alone, which the event page refreshes while it is open."""
    story = await event_story(runtime_of(request), viewer.principal, event_id)
    if story is None:
        raise NotFound("event not found")
    return render(request, "_deliveries.html", viewer, story=story)


@post("/events/{event_id:str}/redeliver", status_code=303)
async def redeliver_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    event_id: FromPath[str],
) -> Redirect:
    form = await checked_form(request)
    try:
        out = await redeliver_event(
            runtime_of(request), viewer.principal, event_id, text(form, "subscription_id")
        )
    except Invalid as exc:
        return done(
            request, f"{BASE}/events/{event_id}", f"Not redelivered: {exc.detail}", failed=True
        )
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
    tenant: FromQuery[str | None] = None,
    before: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    """Every event about one resource (per tenant), in the order things happened, each with its
    deliveries; or find one."""
    runtime = runtime_of(request)
    story = await timeline(runtime, viewer.principal, subject, tenant, before) if subject else None
    search = await find_candidates(runtime, viewer.principal, q) if q else None
    by_tenant = story.by_tenant if story else {}
    for entries in by_tenant.values():
        for entry in entries:
            entry.event["_summary"] = summary(entry.event)
    return render(
        request,
        "timeline.html",
        viewer,
        subject=subject,
        tenant=tenant,
        q=q,
        before=before,
        by_tenant=by_tenant,
        earlier=story.earlier if story else None,
        page_size=TIMELINE_PAGE,
        found=search.found if search else [],
        more_found=search.more if search else False,
    )


ROUTES = [
    events_page,
    events_tail,
    event_page,
    event_deliveries_fragment,
    redeliver_page,
    timeline_page,
]
