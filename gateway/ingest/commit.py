"""Writing a batch of ingested requests in one transaction: the duplicate check, receipts,
new events and their deliveries, and the trim of unverified receipts. Runs wherever the batch is
committed: the ingest writer's thread, the SQLite commit process
(``gateway.ingest.commit_process``), or PostgreSQL's async engine."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from msgspec.structs import asdict, replace
from sqlalchemy import Connection, bindparam, delete, select

from gateway.core.payloads import ERASED_BODY
from gateway.delivery.fanout import HOLD_GRACE, queue_deliveries
from gateway.ingest.rows import EventRow, IngestOutcome, IngestRows
from gateway.storage.bulk import bulk_insert
from gateway.storage.models import Completion, Event, EventPerson, Receipt

DEFAULT_UNVERIFIED_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class IngestResult:
    status: IngestOutcome
    receipt_id: str
    event_id: str | None = None


EXISTING_EVENTS = select(
    Event.connection_id, Event.source_event_id, Event.id, Event.erased_at.is_not(None)
).where(
    Event.connection_id == bindparam("connection_id"),
    Event.source_event_id.in_(bindparam("source_event_ids", expanding=True)),
)
"""The stored events of one connection among vendor event ids; one query per connection in a
batch (SQLite cannot use the unique index for a row-value ``IN ((?, ?), ...)``)."""

_NEWEST_UNVERIFIED = (
    select(Receipt.id)
    .where(Receipt.connection_id == bindparam("c"), Receipt.outcome == "unverified")
    .order_by(Receipt.id.desc())
    .limit(1)
    .offset(bindparam("keep"))
    .scalar_subquery()
)
TRIM_UNVERIFIED = delete(Receipt).where(
    Receipt.connection_id == bindparam("c"),
    Receipt.outcome == "unverified",
    Receipt.id <= _NEWEST_UNVERIFIED,
)
"""Drop a connection's unverified receipts beyond the newest ``keep``: one walk of at most
``keep`` + 1 entries of ``ix_receipts_connection_outcome``, whatever a flood has sent."""


def existing_events(
    conn: Connection, keys: Iterable[tuple[str, str]], erased: set[str] | None = None
) -> dict[tuple[str, str], str]:
    """Event ids already stored for (connection id, vendor event id) keys; the ids of erased
    ones are added to ``erased``."""
    by_connection: dict[str, list[str]] = {}
    for connection_id, source_event_id in keys:
        by_connection.setdefault(connection_id, []).append(source_event_id)
    found: dict[tuple[str, str], str] = {}
    for connection_id, source_event_ids in by_connection.items():
        params = {"connection_id": connection_id, "source_event_ids": source_event_ids}
        for row in conn.execute(EXISTING_EVENTS, params):
            found[(row[0], row[1])] = row[2]
            if row[3] and erased is not None:
                erased.add(row[2])
    return found


def people_rows(events: Iterable[EventRow]) -> list[dict[str, object]]:
    """The ``event_people`` rows of new events: whom each names, as keyed hashes."""
    return [
        {"event_id": e.id, "kind": kind, "value_hash": value_hash, "tenant": e.tenant}
        for e in events
        for kind, value_hash in e.people
    ]


def _dedup_key(event: EventRow) -> tuple[str, str]:
    return (event.connection_id, event.source_event_id)


EXISTING_QUARANTINED = select(Receipt.body_sha256, Receipt.id).where(
    Receipt.connection_id == bindparam("connection_id"),
    Receipt.body_sha256.in_(bindparam("hashes", expanding=True)),
    Receipt.outcome == "quarantined",
)


def existing_quarantined(
    conn: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Quarantined receipt ids already stored for (connection id, body SHA-256) keys."""
    by_connection: dict[str, list[str]] = {}
    for connection_id, digest in keys:
        by_connection.setdefault(connection_id, []).append(digest)
    found: dict[tuple[str, str], str] = {}
    for connection_id, hashes in by_connection.items():
        rows = conn.execute(
            EXISTING_QUARANTINED, {"connection_id": connection_id, "hashes": hashes}
        )
        for stored_digest, receipt_id in rows:
            if stored_digest is not None:
                found.setdefault((connection_id, stored_digest), receipt_id)
    return found


def _columns(event: EventRow) -> dict[str, Any]:
    row = asdict(event)
    del row["also"], row["complete_within"]
    return row


def hold_for_completion(conn: Connection, events: list[EventRow], now: datetime) -> None:
    """Queue the deliveries of events held for completion, not yet due, and their
    ``completions`` rows, which a worker claims (``gateway.delivery.completion``)."""
    by_deadline: dict[datetime, list[EventRow]] = {}
    for event in events:
        assert event.complete_within is not None
        deadline = now + timedelta(seconds=event.complete_within)
        by_deadline.setdefault(deadline, []).append(event)
    template: dict[str, object] = {
        "event_id": "",
        "connection_id": "",
        "provider": "",
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "deadline_at": now,
        "lease_owner": None,
        "lease_expires_at": None,
        "error": None,
        "error_kind": None,
        "fetched": None,
        "created_at": now,
        "finished_at": None,
    }
    rows: list[tuple[object, ...]] = []
    for deadline, held in by_deadline.items():
        queue_deliveries(conn, held, now, due=deadline + HOLD_GRACE)
        rows.extend((e.id, e.connection_id, e.provider, deadline) for e in held)
    bulk_insert(Completion.__table__, conn.dialect).execute_alike(
        conn, template, ("event_id", "connection_id", "provider", "deadline_at"), rows
    )


def commit_batch(
    conn: Connection,
    rows: IngestRows,
    now: datetime,
    unverified_limit: int = DEFAULT_UNVERIFIED_LIMIT,
) -> list[IngestResult]:
    """Write a batch in the caller's transaction: receipts for all, events for the new ones
    (first of each (connection, vendor event id) wins, in the batch and against the table), and
    their deliveries; each connection that got unverified receipts keeps its newest
    ``unverified_limit`` of them. A quarantined body already quarantined for its connection is
    answered with that receipt and not stored again (a vendor retrying it would pile up a
    megabyte a try)."""
    erased: set[str] = set()
    keys = {
        _dedup_key(one) for _, event in rows if event is not None for one in (event, *event.also)
    }
    existing = existing_events(conn, keys, erased)
    quarantine_keys = {
        (receipt.connection_id, receipt.body_sha256)
        for receipt, event in rows
        if event is None and receipt.outcome != "unverified" and receipt.body_sha256
    }
    quarantined = existing_quarantined(conn, quarantine_keys) if quarantine_keys else {}
    results: list[IngestResult] = []
    receipts: list[dict[str, object]] = []
    new_events: list[EventRow] = []
    unverified: set[str] = set()
    for receipt, event in rows:
        if receipt.outcome == "unverified":
            unverified.add(receipt.connection_id)
            results.append(IngestResult("unverified", receipt.id))
            receipts.append(asdict(receipt))
            continue
        if event is None:
            digest = receipt.body_sha256
            first = quarantined.get((receipt.connection_id, digest)) if digest else None
            if first is not None:
                results.append(IngestResult("quarantined", first))
                continue
            if digest:
                quarantined[(receipt.connection_id, digest)] = receipt.id
            results.append(IngestResult("quarantined", receipt.id))
            receipts.append(asdict(receipt))
            continue
        key = _dedup_key(event)
        first = existing.get(key)
        if first is not None:
            results.append(IngestResult("duplicate", receipt.id, first))
            if first in erased:  # a vendor's retry of an erased event keeps none of its bytes
                receipt = replace(receipt, body=ERASED_BODY, headers={})
            receipts.append(asdict(replace(receipt, outcome="duplicate", event_id=first)))
            continue
        existing[key] = event.id
        new_events.append(event)
        for more in event.also:  # implied by a new body: new unless another body implied it
            more_key = _dedup_key(more)
            if more_key not in existing:
                existing[more_key] = more.id
                new_events.append(more)
        results.append(IngestResult("accepted", receipt.id, event.id))
        receipts.append(asdict(replace(receipt, outcome="accepted", event_id=event.id)))
    dialect = conn.dialect
    bulk_insert(Receipt.__table__, dialect).execute(conn, receipts)
    if new_events:
        bulk_insert(Event.__table__, dialect).execute(conn, [_columns(e) for e in new_events])
        bulk_insert(EventPerson.__table__, dialect).execute(conn, people_rows(new_events))
        held = [e for e in new_events if e.complete_within is not None]
        if held:
            queue_deliveries(conn, [e for e in new_events if e.complete_within is None], now)
            hold_for_completion(conn, held, now)
        else:
            queue_deliveries(conn, new_events, now)
    for connection_id in sorted(unverified):
        conn.execute(TRIM_UNVERIFIED, {"c": connection_id, "keep": unverified_limit})
    return results
