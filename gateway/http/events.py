"""``/v1/events``: the normalised events, filtered and paged, each with its raw vendor body."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from sqlalchemy import select

from gateway.http.auth import Principal
from gateway.http.common import AUTH, clamp_limit, parse_time_param
from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt

JSON = "application/json"


def with_raw(payload: bytes, raw_body: bytes) -> bytes:
    """The canonical event JSON with ``raw`` (the vendor body that verified) spliced in."""
    return payload[:-1] + b',"raw":' + raw_body + b"}"


class EventController(Controller):
    path = "/v1/events"
    dependencies = AUTH
    tags = ["events"]

    @get("/")
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        type: FromQuery[str | None] = None,
        provider: FromQuery[str | None] = None,
        tenant: FromQuery[str | None] = None,
        since: FromQuery[str | None] = None,
        until: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Newest first; ``since``/``until`` bound the time unihook received the event."""
        services: Runtime = request.app.state.services
        n = clamp_limit(limit)
        query = select(Event.id, Event.payload).order_by(Event.id.desc()).limit(n + 1)
        if principal.tenant is not None:
            query = query.where(Event.tenant == principal.tenant)
        if tenant is not None:
            query = query.where(Event.tenant == tenant)
        if type is not None:
            if type.endswith(".*"):
                query = query.where(Event.type.startswith(type[:-1], autoescape=True))
            else:
                query = query.where(Event.type == type)
        if provider is not None:
            query = query.where(Event.provider == provider)
        if (start := parse_time_param("since", since)) is not None:
            query = query.where(Event.received_at >= start)
        if (end := parse_time_param("until", until)) is not None:
            query = query.where(Event.received_at < end)
        if cursor:
            query = query.where(Event.id < cursor)
        async with services.sessions() as session:
            rows = (await session.execute(query)).all()
        more = len(rows) > n
        rows = rows[:n]
        next_cursor = f'"{rows[-1].id}"'.encode() if more and rows else b"null"
        body = b'{"data":[' + b",".join(r.payload for r in rows) + b'],"next_cursor":'
        return Response(body + next_cursor + b"}", media_type=JSON)

    @get("/{event_id:str}")
    async def get_event(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        event_id: FromPath[str],
    ) -> Response[bytes]:
        """One event, with ``raw``: the vendor payload exactly as it verified."""
        services: Runtime = request.app.state.services
        async with services.sessions() as session:
            row = (
                await session.execute(
                    select(Event.tenant, Event.payload, Receipt.body)
                    .join(Receipt, Receipt.id == Event.receipt_id)
                    .where(Event.id == event_id)
                )
            ).first()
        if row is None or not principal.can_see(row.tenant):
            raise NotFoundException("event not found")
        return Response(with_raw(row.payload, row.body), media_type=JSON)
