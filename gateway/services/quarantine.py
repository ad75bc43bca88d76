"""Quarantine: verified receipts the adapter could not normalise, seen and reprocessed per
tenant (a tenant key sees and reprocesses only its own tenant's receipts)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from gateway.ingest.reprocess import ReprocessReport, reprocess
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.errors import NotFound
from gateway.storage.models import Receipt

DISMISSED = "dismissed"
"""The outcome of a quarantined receipt someone looked at and let go: kept (erasure still finds
it) but no longer listed or reprocessed."""
REASON_MAX_LENGTH = 200


async def quarantined(
    runtime: Runtime,
    principal: Principal,
    *,
    limit: int = 50,
    cursor: str | None = None,
    provider: str | None = None,
    tenant: str | None = None,
    reason: str | None = None,
) -> tuple[list[Receipt], str | None]:
    """Receipts that verified but did not normalise, newest first, with the next cursor; only
    ``provider``'s, ``tenant``'s, or those whose error contains ``reason`` (any case)."""
    query = (
        select(Receipt)
        .where(Receipt.outcome == "quarantined")
        .order_by(Receipt.id.desc())
        .limit(limit + 1)
    )
    if principal.tenant is not None:
        query = query.where(Receipt.tenant == principal.tenant)
    elif tenant:
        query = query.where(Receipt.tenant == tenant)
    if provider:
        query = query.where(Receipt.provider == provider)
    if reason:
        query = query.where(Receipt.error.icontains(reason[:REASON_MAX_LENGTH], autoescape=True))
    if cursor:
        query = query.where(Receipt.id < cursor)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more and rows else None


@audited("receipt.reprocess", target="receipt_id")
async def reprocess_quarantined(
    runtime: Runtime, principal: Principal, receipt_id: str | None = None
) -> ReprocessReport:
    """Normalise again one quarantined receipt, or every one the principal may see."""
    if principal.tenant is None:
        if receipt_id is not None:
            await _visible_receipt(runtime, principal, receipt_id)
        return await reprocess(runtime, receipt_id)
    if receipt_id is not None:
        await _visible_receipt(runtime, principal, receipt_id)
        return await reprocess(runtime, receipt_id)
    total = ReprocessReport()
    query = select(Receipt.id).where(
        Receipt.outcome == "quarantined", Receipt.tenant == principal.tenant
    )
    async with runtime.sessions() as session:
        ids = list((await session.execute(query)).scalars())
    for one in ids:
        report = await reprocess(runtime, one)
        total.accepted += report.accepted
        total.duplicates += report.duplicates
        total.still_quarantined += report.still_quarantined
        total.lines.extend(report.lines)
    return total


@dataclass(frozen=True, slots=True)
class Dismissed:
    id: str
    tenant: str


@audited("receipt.dismiss")
async def dismiss_quarantined(runtime: Runtime, principal: Principal, receipt_id: str) -> Dismissed:
    """Take one quarantined receipt off the list without reprocessing it (its bytes are kept)."""
    tenant = await _visible_receipt(runtime, principal, receipt_id)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Receipt)
            .where(Receipt.id == receipt_id, Receipt.outcome == "quarantined")
            .values(outcome=DISMISSED)
        )
    return Dismissed(receipt_id, tenant)


async def _visible_receipt(runtime: Runtime, principal: Principal, receipt_id: str) -> str:
    """The tenant of quarantined receipt ``receipt_id``; 404 when missing or not visible."""
    async with runtime.sessions() as session:
        row = await session.get(Receipt, receipt_id)
    if row is None or row.outcome != "quarantined" or not principal.can_see(row.tenant):
        raise NotFound("receipt not found")
    tenant: str = row.tenant
    return tenant
