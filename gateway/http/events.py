"""``/v1/events``: the normalised events, filtered and paged, each with its raw vendor body."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from gateway.http.auth import AUTH, GUARDS
from gateway.services import events
from gateway.services.access import Principal

JSON = "application/json"


class EventController(Controller):
    path = "/v1/events"
    dependencies = AUTH
    guards = GUARDS
    tags = ["events"]

    @get("/")
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        type: FromQuery[str | None] = None,
        provider: FromQuery[str | None] = None,
        tenant: FromQuery[str | None] = None,
        subject: FromQuery[str | None] = None,
        since: FromQuery[str | None] = None,
        until: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
        delivery_status: FromQuery[str | None] = None,
        subscription_id: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Newest first; ``since``/``until`` bound the time unihook received the event;
        ``delivery_status`` (pending, succeeded, failed) and ``subscription_id`` keep the events
        with such a delivery; ``q`` is an event id, the vendor's event id or a subject."""
        body = await events.list_events(
            request.app.state.runtime,
            principal,
            type=type,
            provider=provider,
            tenant=tenant,
            subject=subject,
            since=since,
            until=until,
            limit=limit,
            cursor=cursor,
            delivery_status=delivery_status,
            subscription_id=subscription_id,
            q=q,
        )
        return Response(body, media_type=JSON)

    @get("/{event_id:str}")
    async def get_event(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        event_id: FromPath[str],
    ) -> Response[bytes]:
        """One event, with ``raw``: the vendor payload exactly as it verified."""
        body = await events.get_event(request.app.state.runtime, principal, event_id)
        return Response(body, media_type=JSON)
