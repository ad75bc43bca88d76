"""Completing thin events: the step between an event's commit and its fan-out, run by workers.

Ingest holds the thin (``completeness: "reference"``) events of a connection with ``complete``:
their deliveries are queued but not due, and a ``completions`` row names the event
(``gateway.ingest.commit.hold_for_completion``). A ``CompletionWorker`` claims due rows with a
lease (any number of workers; a worker killed mid-fetch leaves its rows to another once the lease
lapses), groups them by connection, has the adapter's completer fetch the records in batches
(``complete_many``) through one HTTP client, and then, in one transaction per event: the stored
event becomes ``completeness: "full"`` with the fetched data (the people index learns whom it
names), and its deliveries become due. A vendor's ``429`` pushes every pending completion of that
connection past its ``Retry-After`` (the rows are shared, so every worker waits); other failures
are retried with backoff until ``UNIHOOK_COMPLETE_TIMEOUT``, after which the event goes out as it
came with ``source.completion_error``. A record the vendor no longer has goes out at once with
``completion_error: "not_found"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

import httpx
import msgspec
from sqlalchemy import Table, delete, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.metrics import COMPLETION_FAILURES, COMPLETION_LATENCY, COMPLETIONS
from gateway.delivery.claim import worker_id
from gateway.ingest.pipeline import candidate_columns
from gateway.runtime import Runtime
from gateway.services.provisioning import unseal, vendor_http
from gateway.storage.bulk import insert_rows
from gateway.storage.models import Completion, Connection, Delivery, Event, EventPerson
from providers import Completer, CompletionContext, VendorAPIError
from providers.registry import UnknownProvider
from schemas import EVENT_DECODER, EVENT_ENCODER, EventData

log = logging.getLogger("unihook.completion")

COMPLETIONS_TABLE = cast(Table, Completion.__table__)
CLAIM: Final = 160
"""Completions a worker claims in one transaction at most (``BATCH`` for each connection it
completes for at once)."""
BATCH: Final = 20
"""Events of one connection handed to one ``complete_many`` call, and claimed at a time, at
most."""
CANDIDATES: Final = 1000
"""Due completions a claim looks at to choose ``CLAIM`` of them across connections."""
CONNECTIONS_AT_ONCE: Final = 8  # CLAIM / BATCH
"""Connections a worker completes for at the same time."""
CALL_TIMEOUT: Final = 30.0
"""Seconds one call to a vendor's API may take."""
BACKOFF: Final = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
"""Seconds before the next try after the n-th failure (the last repeats), within the timeout."""
RATE_LIMITED_WAIT: Final = 5.0
"""Seconds to wait after a ``429`` that said no ``Retry-After``."""
NOT_CONFIGURED: Final = "not_configured"
"""The ``completion_error`` of an event whose connection no longer completes, or has no
credentials its completer accepts."""


@dataclass(slots=True)
class _Held:
    """One claimed completion with what completing it needs."""

    event_id: str
    attempts: int
    deadline_at: datetime
    created_at: datetime
    error_kind: str | None
    type: str
    tenant: str
    subject: str | None
    event: Any  # the stored canonical event (a ``schemas.events.Event``), decoded
    erased: bool


@dataclass(frozen=True, slots=True)
class CompletionView:
    """What the console shows of an event's completion."""

    status: str  # pending | completed | failed
    attempts: int
    fetched: list[str]
    error_kind: str | None
    error: str | None
    created_at: datetime
    next_attempt_at: datetime
    deadline_at: datetime
    finished_at: datetime | None


async def completion_view(runtime: Runtime, event_id: str) -> CompletionView | None:
    """An event's completion (None: its connection did not complete it). The caller has checked
    that the viewer may see the event."""
    async with runtime.sessions() as session:
        row = await session.get(Completion, event_id)
    if row is None:
        return None
    return CompletionView(
        status=row.status,
        attempts=row.attempts,
        fetched=list(row.fetched or []),
        error_kind=row.error_kind,
        error=row.error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        deadline_at=row.deadline_at,
        finished_at=row.finished_at,
    )


@dataclass(slots=True)
class _Outcome:
    """How one held event ends: written with the others of its batch in one transaction."""

    item: _Held
    status: str  # completed | failed
    error_kind: str | None
    payload: Any  # the event to store, None to leave it (erased)
    provider: str
    metric: str | None  # the outcome counted in ``unihook_completions_total``
    fetched: list[str] | None = None
    error: str | None = None


def completion_of(credentials_type: type[Any], raw: str) -> Any:
    """Stored credentials (JSON) as the completer's ``credentials_type``."""
    return msgspec.json.decode(raw.encode(), type=credentials_type)


def filled_fields(before: Any, after: Any, prefix: str = "") -> list[str]:
    """The dotted paths of ``after`` (two levels deep) that ``before`` lacked or differs in:
    what a completion fetched, for the console."""
    old = msgspec.to_builtins(before) if not isinstance(before, dict) else before
    new = msgspec.to_builtins(after) if not isinstance(after, dict) else after
    found: list[str] = []
    for key, value in new.items():
        if old.get(key) == value:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(old.get(key), dict) and not prefix:
            found.extend(filled_fields(old[key], value, path + "."))
        else:
            found.append(path)
    return found


class CompletionWorker:
    """Claims and completes held events until stopped. ``start()`` then ``stop()``; or call
    ``run_once()`` (a test, the bench) for one claim."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        now: Callable[[], datetime],
        owner: str | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.runtime = runtime
        self.now = now
        self.owner = owner or worker_id()
        self._sleep = sleep
        self._http: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def _lease(self) -> float:
        return float(max(1, self.runtime.settings.lease_seconds))

    async def start(self) -> None:
        self._http = vendor_http(CALL_TIMEOUT)
        self._task = asyncio.create_task(self._loop(), name="unihook-completion")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):
            await self._release_leases()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _loop(self) -> None:
        poll = self.runtime.settings.poll_interval
        while not self._stopping.is_set():
            try:
                done = await self.run_once()
            except Exception:
                log.exception("completing held events failed")
                done = 0
            if not done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), timeout=poll)

    async def run_once(self) -> int:
        """Claim due completions and complete them; returns how many were claimed."""
        if self._http is None:
            raise RuntimeError("the completion worker is not started")
        now = self.now()
        claimed = await self._claim(now)
        if not claimed:
            return 0
        by_connection: dict[str, list[str]] = {}
        for event_id, connection_id in claimed:
            by_connection.setdefault(connection_id, []).append(event_id)
        turns = asyncio.Semaphore(CONNECTIONS_AT_ONCE)

        async def one(connection_id: str, event_ids: list[str]) -> None:
            async with turns:
                try:
                    await self._complete_connection(connection_id, event_ids)
                except Exception:
                    log.exception("completing events of connection %s failed", connection_id)

        await asyncio.gather(*(one(c, ids) for c, ids in by_connection.items()))
        return len(claimed)

    # ---- the queue ----------------------------------------------------------------------------

    async def _claim(self, now: datetime) -> list[tuple[str, str]]:
        """Lease due completions: the oldest first, at most ``BATCH`` of one connection (so
        connections are completed side by side), ``CLAIM`` in all."""
        c = COMPLETIONS_TABLE.c
        free = or_(c.lease_expires_at.is_(None), c.lease_expires_at <= now)
        query = (
            select(c.event_id, c.connection_id)
            .where(
                c.status == "pending",
                or_(c.next_attempt_at <= now, c.deadline_at <= now),
                free,
            )
            .order_by(c.next_attempt_at)
            .limit(CANDIDATES)
            .with_for_update(skip_locked=True)
        )
        async with self.runtime.sessions() as session, session.begin():
            taken: dict[str, int] = {}
            ids: list[str] = []
            for event_id, connection_id in (await session.execute(query)).all():
                if taken.get(connection_id, 0) < BATCH:
                    taken[connection_id] = taken.get(connection_id, 0) + 1
                    ids.append(event_id)
                    if len(ids) == CLAIM:
                        break
            if not ids:
                return []
            leased = (
                await session.execute(
                    update(COMPLETIONS_TABLE)
                    .where(c.event_id.in_(ids), c.status == "pending", free)
                    .values(
                        lease_owner=self.owner,
                        lease_expires_at=now + timedelta(seconds=self._lease),
                    )
                    .returning(c.event_id, c.connection_id)
                )
            ).all()
        return [(row[0], row[1]) for row in leased]

    async def _release_leases(self) -> None:
        c = COMPLETIONS_TABLE.c
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(
                update(COMPLETIONS_TABLE)
                .where(c.lease_owner == self.owner, c.status == "pending")
                .values(lease_owner=None, lease_expires_at=None)
            )

    # ---- one connection's events --------------------------------------------------------------

    async def _complete_connection(self, connection_id: str, event_ids: list[str]) -> None:
        runtime = self.runtime
        async with runtime.sessions() as session:
            connection = await session.get(Connection, connection_id)
            rows = (
                await session.execute(
                    select(
                        Completion.event_id,
                        Completion.attempts,
                        Completion.deadline_at,
                        Completion.created_at,
                        Completion.error_kind,
                        Event.type,
                        Event.tenant,
                        Event.subject,
                        Event.payload,
                        Event.erased_at,
                    )
                    .join(Event, Event.id == Completion.event_id)
                    .where(Completion.event_id.in_(event_ids))
                    .order_by(Completion.event_id)
                )
            ).all()
        held = [
            _Held(
                event_id=row.event_id,
                attempts=row.attempts,
                deadline_at=row.deadline_at,
                created_at=row.created_at,
                error_kind=row.error_kind,
                type=row.type,
                tenant=row.tenant,
                subject=row.subject,
                event=None if row.erased_at is not None else EVENT_DECODER.decode(row.payload),
                erased=row.erased_at is not None,
            )
            for row in rows
        ]
        gone = set(event_ids) - {h.event_id for h in held}
        if gone:  # purged by retention where the driver does not cascade: nothing to complete
            async with runtime.sessions() as session, session.begin():
                await session.execute(delete(Completion).where(Completion.event_id.in_(gone)))
        now = self.now()
        ended: list[_Outcome] = [
            _Outcome(item, "failed", "erased", None, "", None) for item in held if item.erased
        ]
        held = [h for h in held if not h.erased]
        ended.extend(
            self._give_up(h, h.error_kind or "timeout") for h in held if h.deadline_at <= now
        )
        held = [h for h in held if h.deadline_at > now]
        completer, credentials = (
            (None, None) if connection is None or not held else self._configured(connection)
        )
        if completer is None or connection is None:
            ended.extend(self._give_up(item, NOT_CONFIGURED) for item in held)
            held = []
        await self._finish_all(ended, now)
        if not held or completer is None or connection is None:
            return
        assert self._http is not None
        ctx = CompletionContext(
            http=self._http,
            settings=runtime.provider_settings(connection.provider),
            credentials=credentials,
            now=now,
            previous=await self._previous(connection.id, held),
        )
        for start in range(0, len(held), BATCH):
            chunk = held[start : start + BATCH]
            results = await self._fetch(completer, ctx, connection.provider, chunk)
            pause: float | None = None
            ended = []
            for item, result in zip(chunk, results, strict=True):
                if not isinstance(result, VendorAPIError):
                    ended.append(self._completed(item, connection.provider, result))
                    continue
                COMPLETION_FAILURES.labels(connection.provider, result.kind).inc()
                if result.kind == "not_found":
                    ended.append(
                        self._give_up(item, "not_found", str(result), provider=connection.provider)
                    )
                    continue
                wait = await self._failed(item, result)
                if result.kind == "rate_limited":
                    pause = max(pause or 0.0, wait)
            await self._finish_all(ended, self.now())
            if pause is not None:
                await self._pause_connection(connection.id, self.now() + timedelta(seconds=pause))
                for item in held[start + BATCH :]:  # still leased here: let them wait too
                    await self._retry_at(item, self.now() + timedelta(seconds=pause), None, None)
                return

    async def _previous(
        self, connection_id: str, held: list[_Held]
    ) -> dict[tuple[str, str], datetime]:
        """When the event before each ``(type, subject)`` of ``held`` was received (before the
        first of them: ``held`` is in id order, and ids sort by receipt): one statement, a
        newest-first seek of ``ix_events_subject`` per key."""
        first: dict[tuple[str, str], str] = {}
        for item in held:
            if item.subject:
                first.setdefault((item.type, item.subject), item.event_id)
        if not first:
            return {}
        seeks = [
            select(Event.type, Event.subject, Event.received_at)
            .where(
                Event.subject == subject,
                Event.id < event_id,
                Event.connection_id == connection_id,
                Event.type == event_type,
            )
            .order_by(Event.id.desc())
            .limit(1)
            .subquery()
            for (event_type, subject), event_id in first.items()
        ]
        query = union_all(*(select(s.c.type, s.c.subject, s.c.received_at) for s in seeks))
        async with self.runtime.sessions() as session:
            rows = (await session.execute(query)).all()
        return {(row[0], row[1]): row[2] for row in rows}

    def _configured(self, connection: Connection) -> tuple[Completer | None, Any]:
        """The connection's completer and credentials, or (None, None) when it does not (or
        no longer can) complete."""
        if not connection.complete:
            return None, None
        try:
            completer = self.runtime.registry.get(connection.provider).completer
        except UnknownProvider:
            return None, None
        if completer is None:
            return None, None
        credentials: Any = None
        try:
            if connection.credentials_enc:
                raw = self.runtime.box.decrypt(connection.credentials_enc)
                credentials = completion_of(completer.credentials_type, raw)
            elif connection.vendor_state_enc:
                credentials = completer.credentials_from(
                    unseal(self.runtime, connection.vendor_state_enc)
                )
        except (ValueError, msgspec.ValidationError):
            log.warning("connection %s: stored completion credentials unusable", connection.id)
            return None, None
        return (completer, credentials) if credentials is not None else (None, None)

    async def _fetch(
        self, completer: Completer, ctx: CompletionContext, provider: str, chunk: list[_Held]
    ) -> Sequence[EventData | VendorAPIError]:
        items = [(h.type, h.event.data) for h in chunk]
        try:
            results = await completer.complete_many(ctx, items)
        except VendorAPIError as exc:
            return [exc] * len(chunk)
        except Exception as exc:  # a completer's bug: retried like a failed call, and logged
            log.exception("completer of %s raised", provider)
            return [VendorAPIError("unreachable", f"completer error: {type(exc).__name__}")] * len(
                chunk
            )
        if len(results) != len(chunk):
            log.error("completer of %s answered %d of %d", provider, len(results), len(chunk))
            error = VendorAPIError("rejected", "the completer answered the wrong number of items")
            return [error] * len(chunk)
        checked: list[EventData | VendorAPIError] = []
        for item, result in zip(chunk, results, strict=True):
            if not isinstance(result, VendorAPIError) and type(result) is not type(item.event.data):
                log.error("completer of %s changed the data type of %s", provider, item.event_id)
                result = VendorAPIError("rejected", "the completer changed the event's data type")
            checked.append(result)
        return checked

    # ---- outcomes -----------------------------------------------------------------------------

    def _completed(self, item: _Held, provider: str, data: EventData) -> _Outcome:
        event = msgspec.structs.replace(item.event, data=data, completeness="full")
        fetched = filled_fields(item.event.data, data)
        return _Outcome(
            item, "completed", item.error_kind, event, provider, "completed", fetched=fetched
        )

    async def _failed(self, item: _Held, error: VendorAPIError) -> float:
        """Record a failed fetch to be tried again; returns the seconds the event now waits."""
        now = self.now()
        if error.kind == "rate_limited":
            wait = error.retry_after if error.retry_after is not None else RATE_LIMITED_WAIT
        else:
            wait = BACKOFF[min(item.attempts, len(BACKOFF) - 1)]
        when = min(now + timedelta(seconds=wait), item.deadline_at)
        await self._retry_at(item, when, error.kind, str(error), attempted=True)
        return wait

    def _give_up(
        self, item: _Held, kind: str, message: str | None = None, *, provider: str | None = None
    ) -> _Outcome:
        """The event sent on as it came, with ``source.completion_error``."""
        source = msgspec.structs.replace(item.event.source, completion_error=kind)
        event = msgspec.structs.replace(item.event, source=source)
        name = provider or item.event.source.provider
        metric = "not_found" if kind == "not_found" else "timeout"
        return _Outcome(item, "failed", kind, event, name, metric, error=message)

    async def _retry_at(
        self,
        item: _Held,
        when: datetime,
        kind: str | None,
        message: str | None,
        *,
        attempted: bool = False,
    ) -> None:
        c = COMPLETIONS_TABLE.c
        values: dict[str, Any] = {
            "next_attempt_at": when,
            "lease_owner": None,
            "lease_expires_at": None,
        }
        if attempted:
            values.update(attempts=c.attempts + 1, error_kind=kind, error=message)
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(
                update(COMPLETIONS_TABLE)
                .where(
                    c.event_id == item.event_id, c.lease_owner == self.owner, c.status == "pending"
                )
                .values(**values)
            )

    async def _pause_connection(self, connection_id: str, until: datetime) -> None:
        """Every pending completion of the connection waits until ``until`` (a vendor's
        ``Retry-After`` holds for its whole account, and for every worker)."""
        c = COMPLETIONS_TABLE.c
        async with self.runtime.sessions() as session, session.begin():
            await session.execute(
                update(COMPLETIONS_TABLE)
                .where(
                    c.connection_id == connection_id,
                    c.status == "pending",
                    c.next_attempt_at < until,
                    c.deadline_at > until,
                )
                .values(next_attempt_at=until)
            )

    async def _finish_all(self, ended: list[_Outcome], now: datetime) -> None:
        """Close the completions this worker still holds, store the events' new bodies and make
        their deliveries due, in one transaction; one another worker took over is left alone."""
        if not ended:
            return
        c = COMPLETIONS_TABLE.c
        closed: list[_Outcome] = []
        async with self.runtime.sessions() as session, session.begin():
            for outcome in ended:
                item = outcome.item
                result = await session.execute(
                    update(COMPLETIONS_TABLE)
                    .where(
                        c.event_id == item.event_id,
                        c.lease_owner == self.owner,
                        c.status == "pending",
                    )
                    .values(
                        status=outcome.status,
                        error_kind=outcome.error_kind,
                        error=outcome.error if outcome.error is not None else c.error,
                        fetched=outcome.fetched,
                        finished_at=now,
                        lease_owner=None,
                        lease_expires_at=None,
                    )
                )
                if result.rowcount != 1:
                    continue
                closed.append(outcome)
                if outcome.payload is not None:
                    await self._store(session, item, outcome.payload)
            if closed:
                await session.execute(
                    update(Delivery)
                    .where(
                        Delivery.event_id.in_([o.item.event_id for o in closed]),
                        Delivery.status == "pending",
                        Delivery.attempts == 0,
                    )
                    .values(next_attempt_at=now)
                )
        for outcome in closed:
            if outcome.metric is not None:
                COMPLETIONS.labels(outcome.provider, outcome.metric).inc()
                COMPLETION_LATENCY.labels(outcome.provider).observe(
                    (now - outcome.item.created_at).total_seconds()
                )
        if closed:
            self.runtime.wake_dispatcher.set()

    async def _store(self, session: AsyncSession, item: _Held, event: Any) -> None:
        body = EVENT_ENCODER.encode(event)
        stored = await session.execute(
            update(Event)
            .where(Event.id == item.event_id, Event.erased_at.is_(None))
            .values(payload=body, **candidate_columns(event.data))
        )
        if stored.rowcount != 1:  # type: ignore[attr-defined]
            return  # erased meanwhile: the tombstone stays
        people = self.runtime.people.of_event(item.tenant, body)
        await session.execute(delete(EventPerson).where(EventPerson.event_id == item.event_id))
        rows = [
            {
                "event_id": item.event_id,
                "kind": kind,
                "value_hash": value_hash,
                "tenant": item.tenant,
            }
            for kind, value_hash in people
        ]
        if rows:
            await insert_rows(session, EventPerson.__table__, rows)
