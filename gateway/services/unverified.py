"""A connection's unverified receipts: listed, re-verified against its current secrets, expired.

Re-verifying ingests each request that now verifies through the ingest writer, exactly as a
request arriving now would be (the vendor's own checks, dedup, normalisation, fan-out), with the
time it first arrived; the unverified receipt then goes. A request ingested twice (a second
re-verify racing the first) is a duplicate like any vendor retry: nothing is delivered twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from gateway.core.clock import iso, utcnow
from gateway.ingest.pipeline import IngestWriter, prepare
from gateway.ingest.rows import EventRow, ReceiptRow
from gateway.ingest.unverified import open_receipt
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.common import clamp_limit, page
from gateway.services.connections import load_connection
from gateway.services.errors import NotFound
from gateway.storage.models import Receipt

BATCH = 100


@dataclass(frozen=True, slots=True)
class Reverified:
    recovered: int
    still_unverified: int


def _kept_since(runtime: Runtime, now: datetime) -> datetime:
    return now - timedelta(seconds=runtime.settings.unverified_ttl)


def _of_connection(connection_id: str, since: datetime) -> Any:
    return (
        (Receipt.connection_id == connection_id)
        & (Receipt.outcome == "unverified")
        & (Receipt.received_at >= since)
    )


def receipt_out(row: Receipt) -> dict[str, Any]:
    """An unverified receipt as listed: never its body."""
    return {
        "id": row.id,
        "connection_id": row.connection_id,
        "provider": row.provider,
        "tenant": row.tenant,
        "received_at": iso(row.received_at),
        "headers": row.headers,
        "error": row.error,
    }


async def list_unverified(
    runtime: Runtime,
    principal: Principal,
    connection_id: str,
    *,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """The connection's unverified receipts still kept, newest first."""
    row, _ = await load_connection(runtime, principal, connection_id)
    size = clamp_limit(limit, 50)
    query = (
        select(Receipt)
        .where(_of_connection(row.id, _kept_since(runtime, utcnow())))
        .order_by(Receipt.id.desc())
        .limit(size + 1)
    )
    if cursor:
        query = query.where(Receipt.id < cursor)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
    listed = page(rows, size, lambda r: r.id)
    listed["data"] = [receipt_out(r) for r in listed["data"]]
    return listed


async def count_unverified(runtime: Runtime, connection_id: str) -> int:
    """How many unverified receipts the connection keeps."""
    since = _kept_since(runtime, utcnow())
    async with runtime.sessions() as session:
        return int(
            (
                await session.execute(
                    select(func.count())
                    .select_from(Receipt)
                    .where(_of_connection(connection_id, since))
                )
            ).scalar_one()
        )


async def reverify(
    runtime: Runtime, writer: IngestWriter, principal: Principal, connection_id: str
) -> Reverified:
    """Check every kept unverified receipt of the connection against its current secrets, oldest
    first; ingest each that verifies and drop it from the unverified ones."""
    row, _ = await load_connection(runtime, principal, connection_id)
    adapter = runtime.registry.get(row.provider)
    connection = await runtime.fresh_connection(row.provider, row.tenant)
    if connection is None or connection.id != row.id:
        raise NotFound("connection not found")
    now = utcnow()
    since = _kept_since(runtime, now)
    secrets = connection.live_secrets(now)
    settings = runtime.provider_settings(adapter.name)
    recovered = still = 0
    after = ""
    while True:
        async with runtime.sessions() as session:
            rows = list(
                (
                    await session.execute(
                        select(Receipt)
                        .where(_of_connection(row.id, since), Receipt.id > after)
                        .order_by(Receipt.id)
                        .limit(BATCH)
                    )
                ).scalars()
            )
        if not rows:
            break
        after = rows[-1].id
        done: list[str] = []
        ready: list[tuple[ReceiptRow, EventRow | None]] = []
        for kept in rows:
            try:
                request = open_receipt(runtime.box, kept.body)
            except ValueError:
                still += 1  # written under a key this process does not hold
                continue
            verified = adapter.verify(request.body, request.headers, secrets) and (
                adapter.check_request(
                    request.body,
                    request.headers,
                    now=kept.received_at,
                    settings=settings,
                )
                is None
            )
            if not verified:
                still += 1
                continue
            receipt, event = prepare(
                adapter=adapter,
                connection=connection,
                body=request.body,
                headers=request.headers,
                received_at=kept.received_at,
                complete_timeout=runtime.settings.complete_timeout,
            )
            ready.append((receipt, event))
            done.append(kept.id)
        # submitted together, so the writer commits them as one group, in this order
        await asyncio.gather(*(writer.submit(receipt, event) for receipt, event in ready))
        if done:
            recovered += len(done)
            async with runtime.sessions() as session, session.begin():
                await session.execute(delete(Receipt).where(Receipt.id.in_(done)))
    return Reverified(recovered=recovered, still_unverified=still)


async def recent_unverified(
    runtime: Runtime, principal: Principal, *, hours: int = 24
) -> list[dict[str, Any]]:
    """Connections the principal sees that got requests they could not verify in the last
    ``hours``, most first: the sign of a secret mix-up."""
    since = utcnow() - timedelta(hours=hours)
    query = (
        select(
            Receipt.connection_id,
            Receipt.provider,
            Receipt.tenant,
            func.count(),
            func.max(Receipt.received_at),
        )
        .where(Receipt.outcome == "unverified", Receipt.received_at >= since)
        .group_by(Receipt.connection_id, Receipt.provider, Receipt.tenant)
        .order_by(func.count().desc())
        .limit(20)
    )
    if principal.tenant is not None:
        query = query.where(Receipt.tenant == principal.tenant)
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).all()
    return [
        {
            "connection_id": c,
            "provider": p,
            "tenant": t,
            "count": int(n),
            "last_at": iso(last) if isinstance(last, datetime) else last,
        }
        for c, p, t, n, last in rows
    ]
