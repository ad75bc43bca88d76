"""Erasure of one person in one tenant: their events reduced to tombstones, the vendor bytes of
those events and the quarantined requests naming them deleted, their pending deliveries
cancelled.

Events are found through ``event_people`` (keyed hashes written at ingest) and, by ``subject``,
through the events' own subject index: no query reads every event. Work goes in batches, each one
short transaction, so ingest (SQLite's single writer above all) is never held up for long.
Re-running finds nothing new: erased events leave the index, and their subject is cleared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import msgspec
from sqlalchemy import Select, Table, Update, and_, bindparam, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import iso, utcnow
from gateway.core.ids import new_id
from gateway.core.payloads import ERASED_BODY
from gateway.core.people import KINDS, normalised
from gateway.ingest.unverified import open_receipt
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.common import valid_tenant
from gateway.services.errors import Invalid, NotFound
from gateway.storage.models import Attempt, Delivery, Erasure, Event, EventPerson, Receipt
from schemas.api import ErasureCounts, ErasureOut, ErasureRequest

BATCH_SIZE = 500
MAX_IDENTIFIER = 1000
NAMING_OUTCOMES = ("quarantined", "unverified", "dismissed")  # receipts that became no event
CANCELLED = "cancelled: the event was erased"

EVENTS = cast(Table, Event.__table__)
RECEIPTS = cast(Table, Receipt.__table__)
DELIVERIES = cast(Table, Delivery.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)
PEOPLE = cast(Table, EventPerson.__table__)

_TOMBSTONE = (
    update(EVENTS)
    .where(EVENTS.c.id == bindparam("b_id"))
    .values(
        payload=bindparam("b_payload"),
        subject=None,
        erased_at=bindparam("b_at"),
        # the console's search columns name the person too
        candidate_id=None,
        candidate_name=None,
        candidate_name_key=None,
        candidate_email=None,
    )
)


@dataclass
class Counts:
    events: int = 0
    receipts: int = 0
    deliveries: int = 0
    batches: int = field(default=0, compare=False)


Identifiers = list[tuple[str, str]]  # (kind, value) pairs


def identifiers_of(data: ErasureRequest) -> Identifiers:
    found: Identifiers = []
    for kind in KINDS:
        value = getattr(data, kind)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_IDENTIFIER:
            raise Invalid(f"{kind} must be a non-empty string of at most {MAX_IDENTIFIER} chars")
        found.append((kind, value))
    if not found:
        raise Invalid("give at least one of subject, email, candidate_id, employee_id")
    return found


def erasure_out(row: Erasure) -> ErasureOut:
    return ErasureOut(
        id=row.id,
        tenant=row.tenant,
        status=row.status,  # type: ignore[arg-type]  # the column holds the three states
        requested_by=row.requested_by,
        identifiers=list(row.kinds),
        trigger_event_id=row.trigger_event_id,
        counts=ErasureCounts(events=row.events, receipts=row.receipts, deliveries=row.deliveries),
        created_at=iso(row.created_at) or "",
        finished_at=iso(row.finished_at),
    )


@audited("erasure.create")
async def request_erasure(
    runtime: Runtime, principal: Principal, data: ErasureRequest
) -> ErasureOut:
    """``POST /v1/erasures``: an admin key, or the tenant's own key (another tenant: 404)."""
    if not isinstance(data.tenant, str):
        raise Invalid("tenant is required")
    tenant = valid_tenant(data.tenant)
    principal.check(tenant, "tenant")
    return await erase(runtime, tenant, identifiers_of(data), requested_by=principal.key_id)


async def get_erasure(runtime: Runtime, principal: Principal, erasure_id: str) -> ErasureOut:
    async with runtime.sessions() as session:
        row = await session.get(Erasure, erasure_id)
    if row is None or not principal.can_see(row.tenant):
        raise NotFound("erasure not found")
    return erasure_out(row)


async def erase(
    runtime: Runtime,
    tenant: str,
    identifiers: Identifiers,
    *,
    requested_by: str,
    trigger_event_id: str | None = None,
    batch_size: int = BATCH_SIZE,
) -> ErasureOut:
    """Erase everyone ``identifiers`` names in ``tenant``, recorded as one erasure."""
    row = Erasure(
        id=new_id("era"),
        tenant=tenant,
        requested_by=requested_by,
        kinds=sorted({kind for kind, _ in identifiers}),
        trigger_event_id=trigger_event_id,
        status="running",
        events=0,
        receipts=0,
        deliveries=0,
        created_at=utcnow(),
        finished_at=None,
    )
    async with runtime.sessions() as session, session.begin():
        session.add(row)
    hashes = [(k, runtime.people.hash(tenant, k, v)) for k, v in identifiers]
    counts = Counts()
    try:
        while ids := await _next_events(runtime, tenant, hashes, identifiers, batch_size):
            async with runtime.sessions() as session, session.begin():
                await _secure_delete(session)
                await _erase_events(session, ids, counts, utcnow())
        await _erase_naming_receipts(runtime, tenant, identifiers, counts, batch_size)
        status = "completed"
    except Exception:
        status = "failed"
        raise
    finally:
        async with runtime.sessions() as session, session.begin():
            stored = await session.get(Erasure, row.id)
            if stored is not None:
                stored.status = status
                stored.events, stored.receipts = counts.events, counts.receipts
                stored.deliveries = counts.deliveries
                stored.finished_at = utcnow()
                row = stored
        await _checkpoint(runtime)
    return erasure_out(row)


async def _next_events(
    runtime: Runtime,
    tenant: str,
    hashes: Sequence[tuple[str, str]],
    identifiers: Identifiers,
    limit: int,
) -> list[str]:
    """The next batch of the person's events not yet erased."""
    if not hashes:
        return []
    named = or_(*(and_(PEOPLE.c.kind == k, PEOPLE.c.value_hash == h) for k, h in hashes))
    subjects = [v for k, v in identifiers if k == "subject"]
    async with runtime.sessions() as session:
        ids = set(
            (
                await session.execute(
                    select(PEOPLE.c.event_id)
                    .where(PEOPLE.c.tenant == tenant, named)
                    .distinct()
                    .limit(limit)
                )
            ).scalars()
        )
        if subjects and len(ids) < limit:
            # events stored before the index existed are still found by their subject
            more = subject_events(tenant, subjects, limit - len(ids))
            ids.update((await session.execute(more)).scalars())
    return sorted(ids)


def subject_events(tenant: str, subjects: Sequence[str], limit: int) -> Select[tuple[str]]:
    """The tenant's events about ``subjects``, read through the subject's index. The tenant is
    compared as ``tenant || ''`` so that SQLite, which keeps no statistics, does not pick the
    tenant's index instead and walk every event of the tenant."""
    return (
        select(EVENTS.c.id)
        .where(EVENTS.c.subject.in_(subjects), EVENTS.c.tenant.concat("") == tenant)
        .limit(limit)
    )


def receipts_erased(ids: Sequence[str]) -> Update:
    """Empty the receipts of events ``ids``: the request that made each, and its duplicates."""
    return (
        update(RECEIPTS)
        .where(RECEIPTS.c.event_id.in_(ids), RECEIPTS.c.body != ERASED_BODY)
        .values(body=ERASED_BODY, headers={}, error=None)
    )


def _tombstone(event: Any, now: datetime) -> bytes:
    return msgspec.json.encode(
        {
            "id": event.id,
            "type": event.type,
            "timestamp": iso(event.occurred_at),
            "tenant": event.tenant,
            "source": {"provider": event.provider},
            "erased_at": iso(now),
        }
    )


async def _erase_events(
    session: AsyncSession, ids: list[str], counts: Counts, now: datetime
) -> None:
    events = (
        await session.execute(
            select(
                EVENTS.c.id,
                EVENTS.c.type,
                EVENTS.c.tenant,
                EVENTS.c.provider,
                EVENTS.c.occurred_at,
                EVENTS.c.erased_at,
            ).where(EVENTS.c.id.in_(ids))
        )
    ).all()
    fresh = [e for e in events if e.erased_at is None]
    if fresh:
        await session.execute(
            _TOMBSTONE,
            [{"b_id": e.id, "b_payload": _tombstone(e, now), "b_at": now} for e in fresh],
        )
    counts.events += len(fresh)
    erased_receipts = await session.execute(receipts_erased(ids))
    counts.receipts += _rowcount(erased_receipts)
    cancelled = await session.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.event_id.in_(ids), DELIVERIES.c.status == "pending")
        .values(
            status="failed",
            last_error=CANCELLED,
            lease_owner=None,
            lease_expires_at=None,
            updated_at=now,
        )
    )
    counts.deliveries += _rowcount(cancelled)
    # a subscriber's answer may have echoed the event back
    await session.execute(
        update(ATTEMPTS)
        .where(
            ATTEMPTS.c.delivery_id.in_(
                select(DELIVERIES.c.id).where(DELIVERIES.c.event_id.in_(ids))
            ),
            ATTEMPTS.c.response_snippet.is_not(None) | ATTEMPTS.c.response_headers.is_not(None),
        )
        .values(response_snippet=None, response_headers=None)
    )
    await session.execute(delete(PEOPLE).where(PEOPLE.c.event_id.in_(ids)))
    counts.batches += 1


async def _erase_naming_receipts(
    runtime: Runtime,
    tenant: str,
    identifiers: Identifiers,
    counts: Counts,
    batch_size: int,
) -> None:
    """Delete the tenant's quarantined and unverified receipts whose bytes name the person.
    These became no event, so nothing indexed them: their bodies are read (unverified ones
    decrypted), a page at a time."""
    needles = [normalised("email", v).encode() for _, v in identifiers]
    if not needles:
        return
    after = ""
    while True:
        async with runtime.sessions() as session:
            page = (
                await session.execute(
                    select(RECEIPTS.c.id, RECEIPTS.c.outcome, RECEIPTS.c.body)
                    .where(
                        RECEIPTS.c.outcome.in_(NAMING_OUTCOMES),
                        RECEIPTS.c.tenant == tenant,
                        RECEIPTS.c.id > after,
                    )
                    .order_by(RECEIPTS.c.id)
                    .limit(batch_size)
                )
            ).all()
        if not page:
            return
        after = page[-1].id
        naming = [
            r.id
            for r in page
            if any(n in _plain(runtime, r.outcome, r.body).lower() for n in needles)
        ]
        if naming:
            async with runtime.sessions() as session, session.begin():
                await _secure_delete(session)
                gone = await session.execute(delete(RECEIPTS).where(RECEIPTS.c.id.in_(naming)))
                counts.receipts += _rowcount(gone)


def _plain(runtime: Runtime, outcome: str, body: bytes) -> bytes:
    """A receipt's request bytes: unverified ones are stored encrypted."""
    if outcome != "unverified":
        return bytes(body)
    try:
        return open_receipt(runtime.box, bytes(body)).body
    except (ValueError, msgspec.DecodeError):  # written with a key no longer held: unreadable
        return b""


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


async def _secure_delete(session: AsyncSession) -> None:
    """SQLite: overwrite what this connection frees, so erased bytes do not linger in free pages."""
    if session.get_bind().dialect.name == "sqlite":
        await session.execute(text("PRAGMA secure_delete=ON"))


async def _checkpoint(runtime: Runtime) -> None:
    """SQLite: copy the write-ahead log into the database and truncate it, so the erased rows'
    old pages are not left in the ``-wal`` file (best effort: readers may hold it). A truncating
    checkpoint holds writers (ingest) off while it copies, so a passive one, which does not,
    copies the bulk of the log first and the truncating one only what came since."""
    if runtime.engine.dialect.name == "sqlite":
        async with runtime.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
