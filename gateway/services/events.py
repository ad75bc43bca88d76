"""Events: the normalised events a caller may see, filtered and paged, as stored JSON."""

from __future__ import annotations

from sqlalchemy import select

from gateway.core.payloads import with_raw
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.common import clamp_limit, parse_time_param
from gateway.services.errors import NotFound
from gateway.storage.models import Event, Receipt


async def list_events(
    runtime: Runtime,
    principal: Principal,
    *,
    type: str | None = None,
    provider: str | None = None,
    tenant: str | None = None,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> bytes:
    """``{"data": [...], "next_cursor": ...}`` as JSON bytes, newest first; ``since``/``until``
    bound the time unihook received the event. ``type`` may be a prefix glob (``ats.*``)."""
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
    if subject is not None:
        query = query.where(Event.subject == subject)
    if (start := parse_time_param("since", since)) is not None:
        query = query.where(Event.received_at >= start)
    if (end := parse_time_param("until", until)) is not None:
        query = query.where(Event.received_at < end)
    if cursor:
        query = query.where(Event.id < cursor)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    more = len(rows) > n
    rows = rows[:n]
    next_cursor = f'"{rows[-1].id}"'.encode() if more and rows else b"null"
    body = b'{"data":[' + b",".join(r.payload for r in rows) + b'],"next_cursor":'
    return body + next_cursor + b"}"


async def get_event(runtime: Runtime, principal: Principal, event_id: str) -> bytes:
    """One event's JSON with ``raw``: the vendor payload exactly as it verified."""
    async with runtime.sessions() as session:
        row = (
            await session.execute(
                select(Event.tenant, Event.payload, Receipt.body)
                .join(Receipt, Receipt.id == Event.receipt_id)
                .where(Event.id == event_id)
            )
        ).first()
    if row is None or not principal.can_see(row.tenant):
        raise NotFound("event not found")
    return with_raw(row.payload, row.body)


async def event_for(runtime: Runtime, principal: Principal, event_id: str) -> Event:
    """The event row, when the caller may see it."""
    async with runtime.sessions() as session:
        event: Event | None = await session.get(Event, event_id)
    if event is None or not principal.can_see(event.tenant):
        raise NotFound("event not found")
    return event
