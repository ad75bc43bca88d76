"""What one ingested request becomes before it is written: its receipt and its event.

``pipeline.prepare`` makes them, the ingest route adds the trace, and ``commit.commit_batch``
writes them, settling each receipt's outcome against the stored events. They cross a process
boundary (pickled to the SQLite commit process), so they are plain frozen Structs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

IngestOutcome = Literal["accepted", "duplicate", "quarantined", "unverified"]


class ReceiptRow(msgspec.Struct, frozen=True):
    """The request as received, kept byte for byte whatever became of it."""

    id: str
    connection_id: str
    provider: str
    tenant: str
    received_at: datetime
    headers: dict[str, str]
    body: bytes
    outcome: IngestOutcome = "quarantined"
    error: str | None = None  # why it is quarantined, or did not verify
    event_id: str | None = None  # the event it became, or the stored one it duplicates
    body_sha256: str | None = None  # quarantined only: the same body again is not stored again


class EventRow(msgspec.Struct, frozen=True):
    """The canonical event a request normalised into, as stored."""

    id: str
    tenant: str
    provider: str
    connection_id: str
    type: str
    source_event_id: str  # the vendor's event id as stored for dedup (``pipeline.dedup_id``)
    occurred_at: datetime
    received_at: datetime
    receipt_id: str
    subject: str | None
    payload: bytes  # the canonical event's JSON, without raw
    trace_parent: str | None = None  # the ingest span, when tracing
    people: tuple[tuple[str, str], ...] = ()  # (kind, keyed hash) of whom it names
    complete_within: float | None = None
    """Set when the event is held for completion (``gateway.delivery.completion``): its
    deliveries wait for the fetch, at most this many seconds after the commit. Not a column."""
    also: tuple[EventRow, ...] = ()
    """The events the same body implies besides this one (``Normalized.also``): written with
    it, each deduplicated by its own key, only when this one is new. Not a column."""
    # The candidate the event names, as the indexed columns the console searches
    # (``pipeline.candidate_columns``).
    candidate_id: str | None = None
    candidate_name: str | None = None
    candidate_name_key: str | None = None  # the name casefolded
    candidate_email: str | None = None  # casefolded


IngestRows = list[tuple[ReceiptRow, EventRow | None]]
"""A batch as it is written: each request's receipt and event (None: quarantined, or a receipt
whose outcome is already ``unverified``: its ``body`` is then the encrypted request)."""
