"""Pull streams: a server-side cursor per consumer over the events it selects.

A read returns the next events after the acknowledged cursor and a cursor for the last of them;
only an ack moves the stream, so a consumer that dies between read and ack is given the same
events again. Events are read in id order (ids are time-ordered), and only once they are
``SETTLE`` old: an event's id is made before its transaction commits, so a younger one could
still appear behind an id already read.

A cursor is ``<event id>.<tag>``: the tag (an HMAC keyed by the stream's own salt) proves the
cursor came from a read of this stream, so an ack of anything else is refused.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import iso, utcnow
from gateway.core.ids import new_id
from gateway.delivery.fanout import predicate_of, type_clause
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.common import clamp_limit, page
from gateway.services.errors import Invalid, NotFound, QuotaExceeded
from gateway.services.subscriptions import stored_filter, valid_events, valid_filter, valid_tenants
from gateway.storage.models import Completion, Event, Stream
from schemas.api import StreamAck, StreamCreate, StreamOut, StreamRead

SETTLE = timedelta(seconds=1)
MAX_WAIT = 30.0
POLL_INTERVAL = 0.5
MAX_READ = 500  # events a read returns at most
MAX_SCAN = 5000  # events a filtered read looks at, at most, before answering
MAX_NAME = 200
MAX_STREAMS = 100  # per owning key
LAG_BOUND = 1000  # the console counts a stream's lag up to this
MAX_CURSOR = 200


# ---- cursors ----------------------------------------------------------------------------------


def cursor_for(stream: Stream, event_id: str) -> str:
    digest = hmac.new(stream.cursor_salt.encode(), event_id.encode(), hashlib.sha256).digest()
    return f"{event_id}.{base64.urlsafe_b64encode(digest[:12]).decode()}"


def position_of(stream: Stream, cursor: Any) -> str:
    """The event id a cursor issued by ``stream`` stands for; ``Invalid`` for anything else."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > MAX_CURSOR:
        raise Invalid("cursor was not issued for this stream")
    event_id, _, _ = cursor.rpartition(".")
    if not hmac.compare_digest(cursor_for(stream, event_id).encode(), cursor.encode()):
        raise Invalid("cursor was not issued for this stream")
    return event_id


# ---- shapes and lookups -----------------------------------------------------------------------


def stream_out(row: Stream, lag: int | None = None) -> StreamOut:
    return StreamOut(
        id=row.id,
        name=row.name,
        events=list(row.events),
        tenants=row.tenants or ([row.scope_tenant] if row.scope_tenant else None),
        filter=stored_filter(row.filter),
        cursor=cursor_for(row, row.acked or ""),
        created_at=iso(row.created_at) or "",
        updated_at=iso(row.updated_at) or "",
        lag=lag if lag is not None else msgspec.UNSET,
    )


def visible(principal: Principal) -> ColumnElement[bool]:
    if principal.tenant is None:
        return true()
    return Stream.scope_tenant == principal.tenant


async def find_stream(session: AsyncSession, principal: Principal, stream_id: str) -> Stream:
    row = await session.get(Stream, stream_id)
    if row is None or (principal.tenant is not None and row.scope_tenant != principal.tenant):
        raise NotFound("stream not found")
    return row


def selected(row: Stream, after: str | None) -> Select[str, bytes]:
    """The events ``row`` selects after event id ``after``, oldest first."""
    query = select(Event.id, Event.payload).where(type_clause(row.events)).order_by(Event.id)
    if after:
        query = query.where(Event.id > after)
    if row.scope_tenant is not None:
        query = query.where(Event.tenant == row.scope_tenant)
    if row.tenants:
        query = query.where(Event.tenant.in_(row.tenants))
    return query


# ---- routes' work -----------------------------------------------------------------------------


async def create_stream(runtime: Runtime, principal: Principal, data: StreamCreate) -> StreamOut:
    if not isinstance(data.name, str) or not data.name.strip() or len(data.name) > MAX_NAME:
        raise Invalid(f"name must be 1 to {MAX_NAME} characters")
    events = valid_events(data.events)
    tenants = valid_tenants(principal, data.tenants)
    payload_filter = valid_filter(data.filter)
    now = utcnow()
    row = Stream(
        id=new_id("str"),
        owner=principal.key_id,
        scope_tenant=principal.tenant,
        name=data.name,
        events=events,
        tenants=tenants,
        filter=payload_filter,
        acked=None,
        cursor_salt=secrets.token_urlsafe(32),
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session, session.begin():
        owned = await session.scalar(
            select(func.count()).select_from(Stream).where(Stream.owner == principal.key_id)
        )
        if (owned or 0) >= MAX_STREAMS:
            raise QuotaExceeded("Quota exceeded")
        session.add(row)
    return stream_out(row)


async def list_streams(
    runtime: Runtime,
    principal: Principal,
    *,
    limit: int | None = None,
    cursor: str | None = None,
    with_lag: bool = False,
) -> dict[str, Any]:
    n = clamp_limit(limit)
    query = select(Stream).where(visible(principal)).order_by(Stream.id).limit(n + 1)
    if cursor:
        query = query.where(Stream.id > cursor)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
        lags = [await lag_of(session, r) if with_lag else None for r in rows[:n]]
    out = [stream_out(r, lag) for r, lag in zip(rows[:n], lags, strict=True)] + [
        stream_out(r) for r in rows[n:]
    ]
    return page(out, n, lambda s: s.id)


async def lag_of(session: AsyncSession, row: Stream) -> int:
    """Events after the cursor of the stream's types and tenants (before its filter), counted
    up to ``LAG_BOUND + 1``."""
    ids = selected(row, row.acked).with_only_columns(Event.id).limit(LAG_BOUND + 1).subquery()
    return int(await session.scalar(select(func.count()).select_from(ids)) or 0)


async def get_stream(runtime: Runtime, principal: Principal, stream_id: str) -> StreamOut:
    async with runtime.sessions() as session:
        row = await find_stream(session, principal, stream_id)
        return stream_out(row, await lag_of(session, row))


async def delete_stream(runtime: Runtime, principal: Principal, stream_id: str) -> None:
    async with runtime.sessions() as session, session.begin():
        await session.delete(await find_stream(session, principal, stream_id))


async def read_stream(
    runtime: Runtime,
    principal: Principal,
    stream_id: str,
    *,
    limit: int | None = None,
    wait: float | None = None,
) -> StreamRead:
    """The next events after the acknowledged cursor, waiting up to ``wait`` seconds for one.

    No connection is held while waiting: each look is a short session of its own."""
    n = MAX_READ if limit is None else limit
    if not 1 <= n <= MAX_READ:
        raise Invalid(f"limit must be 1 to {MAX_READ}")
    seconds = 0.0 if wait is None else wait
    if not 0 <= seconds <= MAX_WAIT:
        raise Invalid(f"wait must be 0 to {MAX_WAIT:g} seconds")
    deadline = time.monotonic() + seconds
    while True:
        async with runtime.sessions() as session:
            row = await find_stream(session, principal, stream_id)
            found, last = await _next_events(session, row, n)
        if found or last is not None or time.monotonic() >= deadline:
            break
        await asyncio.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))
    position = last if last is not None else row.acked or ""
    return StreamRead(data=found, cursor=cursor_for(row, position))


async def _next_events(
    session: AsyncSession, row: Stream, n: int
) -> tuple[list[msgspec.Raw], str | None]:
    """Up to ``n`` matching events after the cursor, and the id of the last event looked at (a
    filtered read moves past the events its filter refused, so the consumer's ack skips them)."""
    settled = utcnow() - SETTLE
    predicate = predicate_of(row) if row.filter is not None else None
    found: list[msgspec.Raw] = []
    after, last, scanned = row.acked, None, 0
    while len(found) < n and scanned < MAX_SCAN:
        batch = min(MAX_SCAN - scanned, n if predicate is None else max(n, 200))
        query = selected(row, after).where(Event.received_at <= settled).limit(batch)
        rows = (await session.execute(query)).all()
        held = await _held(session, [r[0] for r in rows])
        for event_id, payload in rows:
            if event_id in held:  # waiting for completion: it, and what follows, wait with it
                return found, last
            last = event_id
            if predicate is None or predicate(msgspec.json.decode(payload)):
                found.append(msgspec.Raw(payload))
                if len(found) == n:
                    break
        scanned += len(rows)
        if len(rows) < batch or predicate is None:
            break
        after = last
    return found, last


async def _held(session: AsyncSession, event_ids: list[str]) -> set[str]:
    """Those of ``event_ids`` whose completion is still pending (``services.completion``)."""
    if not event_ids:
        return set()
    query = select(Completion.event_id).where(
        Completion.event_id.in_(event_ids), Completion.status == "pending"
    )
    return set((await session.execute(query)).scalars())


async def ack_stream(
    runtime: Runtime, principal: Principal, stream_id: str, data: StreamAck
) -> StreamOut:
    """Move the cursor forward to ``data.cursor`` (an older cursor leaves it where it is)."""
    async with runtime.sessions() as session, session.begin():
        row = await find_stream(session, principal, stream_id)
        position = position_of(row, data.cursor)
        if position:
            # one statement, so of two racing acks the later cursor wins whatever their order
            await session.execute(
                update(Stream)
                .where(Stream.id == row.id, or_(Stream.acked.is_(None), Stream.acked < position))
                .values(acked=position, updated_at=utcnow())
            )
    async with runtime.sessions() as session:
        return stream_out(await find_stream(session, principal, stream_id))
