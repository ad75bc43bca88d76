"""Durable ingest: normalise a verified body into its rows, and commit rows in groups.

The ingest route verifies the request and calls ``prepare`` for its receipt and event rows
(``gateway.ingest.rows``), then hands them to one ``IngestWriter`` per process. The writer takes
everything waiting, writes it in one transaction (receipts, events, deliveries) and resolves every
request's future after the commit: concurrent requests share one fsync, and a 2xx always means
committed. The transaction runs in the SQLite commit process (``gateway.ingest.commit_process``),
in a thread (SQLite, ``UNIHOOK_INGEST_WRITER=thread``) or on the async engine (PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

import msgspec

from gateway.core.clock import utcnow
from gateway.core.ids import new_id
from gateway.core.metrics import INGEST_BATCH, INGEST_DROPPED_FIELDS
from gateway.core.people import PeopleIndex
from gateway.ingest.commit import IngestResult, commit_batch
from gateway.ingest.commit_process import CommitProcess
from gateway.ingest.rows import EventRow, IngestRows, ReceiptRow
from gateway.runtime import LiveConnection, Runtime
from gateway.storage.models import CANDIDATE_FIELD_LENGTH, SOURCE_EVENT_ID_LENGTH
from providers import NormalizationError, ProviderAdapter, format_timestamp, sha256_event_id
from providers.registry import dropped_fields
from schemas import EVENT_ENCODER, Normalized, to_event

log = logging.getLogger("unihook.ingest")

KEPT_HEADERS = ("content-type", "content-length", "user-agent")
MAX_BATCH_BYTES = 16 * 1024 * 1024


@dataclass(slots=True)
class _Pending:
    receipt: ReceiptRow
    event: EventRow | None
    future: asyncio.Future[IngestResult] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class IngestWriter:
    """Group commit: one writer task per process turns waiting requests into one transaction."""

    def __init__(self, runtime: Runtime, max_batch: int = 512) -> None:
        self.runtime = runtime
        self.max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="unihook-writer")
        self.commit_process: CommitProcess | None = None  # SQLite on a file, by default
        settings = runtime.settings
        if settings.ingest_writer == "process" and settings.sqlite_path() is not None:
            self.commit_process = CommitProcess(settings.database_url)

    async def start(self) -> None:
        if self.commit_process is not None:
            await self.commit_process.start()  # it imports while the server finishes starting
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="unihook-ingest-writer")

    async def stop(self) -> None:
        if self._task is not None:
            # let requests already queued commit before stopping
            while not self._queue.empty():  # noqa: ASYNC110 - a queue has no "empty" event
                await asyncio.sleep(0.01)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.commit_process is not None:
            await self.commit_process.close()
        self._executor.shutdown(wait=True)

    async def submit(self, receipt: ReceiptRow, event: EventRow | None) -> IngestResult:
        if self._task is None:
            raise RuntimeError("ingest writer is not running")
        pending = _Pending(receipt=receipt, event=event)
        self._queue.put_nowait(pending)
        return await pending.future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            size = len(batch[0].receipt.body)
            while (
                len(batch) < self.max_batch and size < MAX_BATCH_BYTES and not self._queue.empty()
            ):
                batch.append(self._queue.get_nowait())
                size += len(batch[-1].receipt.body)
            INGEST_BATCH.observe(len(batch))
            try:
                results = await self._commit(batch)
            except Exception:
                # One bad row (or a race with another process) must not fail its neighbours:
                # retry each request in its own transaction.
                log.warning("group commit of %d failed; committing one by one", len(batch))
                results = []
                for pending in batch:
                    try:
                        results.extend(await self._commit([pending]))
                    except Exception as exc:
                        log.exception("ingest commit failed")
                        results.append(exc)  # type: ignore[arg-type]
            accepted = False
            for pending, result in zip(batch, results, strict=True):
                if pending.future.done():
                    continue
                if isinstance(result, BaseException):
                    pending.future.set_exception(result)
                else:
                    accepted = accepted or result.status == "accepted"
                    pending.future.set_result(result)
            if accepted:
                self.runtime.wake_dispatcher.set()

    async def _commit(self, batch: list[_Pending]) -> list[IngestResult]:
        now = utcnow()
        rows: IngestRows = [(pending.receipt, pending.event) for pending in batch]
        keep = self.runtime.settings.unverified_per_connection
        if self.commit_process is not None:  # SQLite: in the commit process, beside the event loop
            return await self.commit_process.commit(rows, now, keep)
        writer_engine = self.runtime.writer_engine
        if writer_engine is not None:  # SQLite in a thread: the whole transaction in one hop

            def run() -> list[IngestResult]:
                with writer_engine.begin() as conn:
                    return commit_batch(conn, rows, now, keep)

            return await asyncio.get_running_loop().run_in_executor(self._executor, run)
        async with self.runtime.engine.begin() as conn:
            return await conn.run_sync(commit_batch, rows, now, keep)


def kept_headers(headers: dict[str, str], extra: Sequence[str] = ()) -> dict[str, str]:
    """The request headers worth keeping with a receipt: content type, agent, vendor headers
    (``x-*`` and the adapter's optional ``kept_headers``)."""
    return {
        name: value
        for name, value in headers.items()
        if name in KEPT_HEADERS or name.startswith("x-") or name in extra
    }


def prepare(
    *,
    adapter: ProviderAdapter,
    connection: LiveConnection,
    body: bytes,
    headers: dict[str, str],
    received_at: datetime,
    receipt_id: str | None = None,
    trace_parent: str | None = None,
    people: PeopleIndex | None = None,
    complete_timeout: float | None = None,
) -> tuple[ReceiptRow, EventRow | None]:
    """Normalise a verified body into its receipt row and event row (None: quarantine).

    ``receipt_id``: the receipt's id when it is already stored (reprocessing), else a new one;
    ``trace_parent``: the ingest span the event's deliveries continue; ``people``: the hasher
    of whom the event names, for erasure's index; ``complete_timeout``: how long a thin event of
    a connection with ``complete`` waits for its records (``UNIHOOK_COMPLETE_TIMEOUT``)."""
    receipt_id = receipt_id or new_id("rcp")
    error: str | None = None
    row: EventRow | None = None
    try:
        with dropped_fields() as dropped:
            parts = adapter.normalize_request(body, headers, received_at=received_at)
        for name in dropped:
            provider, _, field = name.partition(":")
            INGEST_DROPPED_FIELDS.labels(provider, field).inc()
    except NormalizationError as exc:
        error = str(exc)
    except Exception as exc:  # a plugin adapter's bug must not lose the vendor's data
        log.exception("adapter %s raised while normalising", adapter.name)
        error = f"{adapter.name}: adapter error: {type(exc).__name__}: {exc}"
    else:
        row = _with_people(
            event_row(parts, connection, received_at, receipt_id, trace_parent), people
        )
        if row is not None and complete_timeout is not None and held(adapter, connection, parts):
            row = msgspec.structs.replace(row, complete_within=complete_timeout)
        if row is None:
            error = f"{adapter.name}: normalised event does not fit the canonical schema"
        elif parts.also:
            # the events the body implies besides its own (``also_emits``): stored, deduplicated
            # by their own keys and fanned out beside it, only when it is new
            also = [
                _with_people(
                    event_row(more, connection, received_at, receipt_id, trace_parent), people
                )
                for more in parts.also
            ]
            if complete_timeout is not None:
                also = [
                    msgspec.structs.replace(row, complete_within=complete_timeout)
                    if row is not None and held(adapter, connection, more)
                    else row
                    for row, more in zip(also, parts.also, strict=True)
                ]
            if any(more is None for more in also):
                log.warning("adapter %s implied an event that fits no schema", adapter.name)
            row = msgspec.structs.replace(row, also=tuple(m for m in also if m is not None))
    receipt = ReceiptRow(
        id=receipt_id,
        connection_id=connection.id,
        provider=connection.provider,
        tenant=connection.tenant,
        received_at=received_at,
        headers=kept_headers(headers, adapter.kept_headers),
        body=body,
        error=error,
        # A quarantined body's digest: the same body again for the connection is not stored again.
        body_sha256=None if row is not None else hashlib.sha256(body).hexdigest(),
    )
    return receipt, row


def held(adapter: ProviderAdapter, connection: LiveConnection, parts: Normalized) -> bool:
    """Whether an event waits for completion: its connection completes, it names records
    (``reference``) and the adapter's completer can fetch them. Everything else is unchanged."""
    if not connection.complete or parts.completeness != "reference":
        return False
    completer = adapter.completer
    if completer is None:
        return False
    try:
        return completer.completes(parts.type, parts.data)
    except Exception:  # a plugin's bug must not fail the ingest: the event goes out as it came
        log.exception("completer of %s raised in completes()", adapter.name)
        return False


def _with_people(row: EventRow | None, people: PeopleIndex | None) -> EventRow | None:
    """The row with whom it names (erasure's index), when a hasher is given."""
    if row is None or people is None:
        return row
    return msgspec.structs.replace(row, people=tuple(people.of_event(row.tenant, row.payload)))


def dedup_id(vendor_event_id: str) -> str:
    """The vendor's event id as stored for dedup; overlong ids are hashed, never truncated."""
    if len(vendor_event_id) <= SOURCE_EVENT_ID_LENGTH:
        return vendor_event_id
    return sha256_event_id(vendor_event_id.encode("utf-8", "surrogatepass"))


def event_row(
    parts: Normalized,
    connection: LiveConnection,
    received_at: datetime,
    receipt_id: str,
    trace_parent: str | None = None,
) -> EventRow | None:
    """The stored event of normalised ``parts``, or None when they do not make a canonical event."""
    event_id = new_id("evt")
    try:
        event = to_event(
            parts,
            id=event_id,
            tenant=connection.tenant,
            provider=connection.provider,
            connection_id=connection.id,
            received_at=format_timestamp(received_at),
            verified=connection.verify,
        )
        payload = EVENT_ENCODER.encode(event)
        occurred_at = datetime.fromisoformat(parts.timestamp.replace("Z", "+00:00"))
    except (KeyError, ValueError, TypeError, msgspec.EncodeError):
        return None
    return EventRow(
        id=event_id,
        tenant=connection.tenant,
        provider=connection.provider,
        connection_id=connection.id,
        type=parts.type,
        source_event_id=dedup_id(parts.event_id),
        occurred_at=occurred_at,
        received_at=received_at,
        receipt_id=receipt_id,
        subject=event.subject,
        payload=payload,
        trace_parent=trace_parent,
        **candidate_columns(event.data),
    )


class CandidateColumns(TypedDict):
    candidate_id: str | None
    candidate_name: str | None
    candidate_name_key: str | None
    candidate_email: str | None


def candidate_columns(data: Any) -> CandidateColumns:
    """The candidate an event's data names (its own, or its application's), as the indexed
    columns the console searches: the name as sent and casefolded, the email casefolded."""
    candidate = getattr(data, "candidate", None)
    if candidate is None:
        candidate = getattr(getattr(data, "application", None), "candidate", None)

    def field(name: str) -> str | None:
        value = getattr(candidate, name, None)
        return value.strip()[:CANDIDATE_FIELD_LENGTH] or None if isinstance(value, str) else None

    name, email = field("name"), field("email")
    return {
        "candidate_id": field("id"),
        "candidate_name": name,
        "candidate_name_key": name.casefold()[:CANDIDATE_FIELD_LENGTH] if name else None,
        "candidate_email": email.casefold()[:CANDIDATE_FIELD_LENGTH] if email else None,
    }
