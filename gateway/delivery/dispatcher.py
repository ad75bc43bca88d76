"""The dispatcher: claims due deliveries, sends them concurrently, records the results.

One per process (inside ``unihook serve`` or as ``unihook worker``); any number may share a
database. Claims are leases (``UNIHOOK_LEASE_SECONDS``), renewed while this process holds them,
so a killed process's deliveries return to the queue once its leases lapse. Sends go through one
pinned keep-alive transport; the requests in flight per destination (scheme, host, port) adapt to
how it answers, up to ``UNIHOOK_PER_DESTINATION_CONNECTIONS`` (``concurrency``), within a total
derived from the descriptor limit or set by ``UNIHOOK_WORKER_CONCURRENCY``, and a destination is
never handed more claimed work than it can start soon, so one slow subscriber cannot hold the
slots or the claims the others need. A subscription's ``rate_limit`` is paced through slots in the
database (``pacing``), its ``ordering`` is kept by the claim query (``queue``). Results are written
in batches (group commit); what the dispatcher holds is reported for visibility (``controls``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from gateway.core import tracing
from gateway.core.clock import unexpired, utcnow
from gateway.core.metrics import (
    DELIVERY_ATTEMPTS,
    DELIVERY_CONCURRENCY,
    DELIVERY_IN_FLIGHT,
    DELIVERY_LATENCY,
    DELIVERY_ORDERING_HELD,
    DELIVERY_RATE_LIMITED,
)
from gateway.delivery import controls, queue
from gateway.delivery.concurrency import INITIAL, AdaptiveLimit, Signal, total_budget
from gateway.delivery.pacing import Pacer
from gateway.delivery.queue import Due, Result, Target
from gateway.delivery.retry import disables_at_once, is_success, outcome_of
from gateway.delivery.signing import InvalidSecret, secret_key, webhook_headers
from gateway.delivery.ssrf import DestinationRefused, resolve_public, scheme_error
from gateway.delivery.transport import PinnedTransport, Reply
from gateway.runtime import Runtime

log = logging.getLogger("unihook.delivery")

Destination = tuple[str, str, int]
SNIPPET_BYTES = 1024
AHEAD = 8  # claimed work per destination: this many times its connection limit
MAX_RECORD_BATCH = 512
MAX_CLAIM = 1000  # deliveries claimed in one transaction at most
GAUGE_SECONDS = 2.0  # how often this worker reports what it holds
IDLE_DESTINATION_SECONDS = 600.0
"""A destination nothing was sent to for this long is forgotten: its adaptive limit (it starts
afresh next time) and its ``unihook_delivery_concurrency`` series. Destinations are whatever
URLs subscriptions name, so remembering each for good grows memory and ``/metrics`` without end."""
OVERLOAD_ERRORS = ("timeout", "connection", "ReadError", "WriteError", "RemoteProtocolError")
_SUCCEEDED = DELIVERY_ATTEMPTS.labels(outcome="success")
_FAILED = DELIVERY_ATTEMPTS.labels(outcome="failure")


def worker_id() -> str:
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{secrets.token_hex(3)}"


@functools.lru_cache(maxsize=4096)  # a few lookups per delivery, of a few URLs
def destination_of(url: str) -> Destination:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


@dataclass(slots=True)
class _Work:
    candidate: Due
    destination: Destination
    lease_until: float  # monotonic
    sent: bool = False  # answered (or failed); its result waits to be recorded
    trace_parent: str | None = None  # the event's ingest span, when tracing


@dataclass
class _Prepared:
    target: Target
    url: httpx.URL
    keys: list[tuple[bytes, datetime | None]] = field(default_factory=list)

    def live_keys(self, now: datetime) -> list[bytes]:
        return unexpired(self.keys, now)


class Dispatcher:
    """Call ``start()`` then, eventually, ``stop()``; or ``run(stop_event)``."""

    def __init__(self, services: Runtime, *, owner: str | None = None) -> None:
        self.services = services
        self.settings = services.settings
        self.owner = owner or worker_id()
        self.concurrency = total_budget(self.settings.worker_concurrency)
        self.ceiling = max(1, self.settings.per_destination_connections)
        self._transport: PinnedTransport | None = None
        # SQLite has one writer: this process's claim, record and renew transactions take turns
        # here, in asyncio, instead of colliding in SQLite's busy handler (which sleeps 1 to
        # 100 ms per retry while the lock is held). PostgreSQL needs no such turn-taking.
        self._writes: contextlib.AbstractAsyncContextManager[Any] = (
            asyncio.Lock()
            if services.settings.database_url.startswith("sqlite")
            else contextlib.nullcontext()
        )
        self._slots = asyncio.Semaphore(self.concurrency)
        self._limits: dict[Destination, AdaptiveLimit] = {}
        self._pacer = Pacer(self._take_slots)
        self._sending: dict[str, int] = defaultdict(int)  # subscription -> requests in flight
        self._held: dict[Destination, int] = defaultdict(int)
        self._held_subs: dict[str, int] = defaultdict(int)
        self._held_ids: dict[str, _Work] = {}
        self._targets: dict[str, _Prepared] = {}
        self._results: asyncio.Queue[Result] = asyncio.Queue()
        self._sends: set[asyncio.Task[None]] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._backlog = True
        self._found_nothing = False
        self._stopping = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = float("inf")

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        quiet = logging.getLogger("httpx")
        if quiet.level == logging.NOTSET:
            quiet.setLevel(logging.WARNING)  # not a log line per delivery (attempts are stored)
        resolve = None if self.settings.allow_insecure_destinations else resolve_public
        transport = PinnedTransport(
            resolve=resolve,
            max_idle_per_origin=self.ceiling,
            max_idle_total=self.concurrency,
            max_body=64 * 1024,
        )
        # Requests go straight to the transport: deliveries need none of httpx.AsyncClient's
        # cookie jar, auth, redirect or event-hook handling, which cost more CPU per delivery
        # than the transport itself. Redirects are never followed.
        self._transport = transport
        self._tasks = [
            asyncio.create_task(self._claim_loop(), name="unihook-dispatcher"),
            asyncio.create_task(self._record_loop(), name="unihook-recorder"),
            asyncio.create_task(self._renew_loop(), name="unihook-lease-renewal"),
            asyncio.create_task(self._gauge_loop(), name="unihook-delivery-gauges"),
        ]
        log.info("dispatcher %s started", self.owner)

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming, let sends in flight finish (up to ``grace`` s), record, release."""
        self._stopping = True
        self.services.wake_dispatcher.set()
        claim_task, record_task, renew_task, gauge_task = self._tasks or (None, None, None, None)
        if gauge_task is not None:
            gauge_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await gauge_task
        if claim_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await claim_task
        if self._sends:
            _, pending = await asyncio.wait(set(self._sends), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if record_task is not None:
            await self._drain_results()
            record_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await record_task
        if renew_task is not None:
            renew_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renew_task
        await self._pacer.close()
        if self._held_ids:
            try:
                await queue.release(self.services.sessions, self.owner, list(self._held_ids))
            except Exception:
                log.exception("could not release leases; they lapse in %ss", self._lease)
        with contextlib.suppress(Exception):
            await controls.forget(self.services.sessions, self.owner)
        if self._timer is not None:
            self._timer.cancel()
        if self._transport is not None:
            await self._transport.aclose()
        log.info("dispatcher %s stopped", self.owner)

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    @property
    def _lease(self) -> float:
        return float(max(1, self.settings.lease_seconds))

    # ---- claiming ----------------------------------------------------------------------------

    async def _claim_loop(self) -> None:
        wake = self.services.wake_dispatcher
        while not self._stopping:
            if not self._backlog or self._room() <= 0 or self._found_nothing:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.settings.poll_interval)
                if self._stopping:
                    return
            wake.clear()
            if self._room() <= 0:
                continue
            try:
                await self._claim()
            except Exception:
                log.exception("claiming deliveries failed")
                self._backlog = False
                await asyncio.sleep(min(1.0, self.settings.poll_interval))

    def _room(self) -> int:
        return 2 * self.concurrency - len(self._held_ids)

    async def _claim(self) -> None:
        room = min(self._room(), MAX_CLAIM)
        taken: dict[Destination, int] = defaultdict(int)
        taken_subs: dict[str, int] = defaultdict(int)
        skipped = 0

        def pick(candidates: list[Due]) -> list[Due]:
            nonlocal skipped
            chosen: list[Due] = []
            for c in candidates:
                dest = destination_of(c.url)
                sub = c.subscription_id
                paced = self._paced_room(sub)
                if (
                    len(chosen) < room
                    and self._held.get(dest, 0) + taken[dest] < self._host_room(dest)
                    and (paced is None or self._held_subs[sub] + taken_subs[sub] < paced)
                ):
                    taken[dest] += 1
                    taken_subs[sub] += 1
                    chosen.append(c)
                else:
                    skipped += 1
            return chosen

        saturated = [sub for sub, n in self._held_subs.items() if n > 0 and self._is_saturated(sub)]
        now = utcnow()
        async with self._writes:
            leased, found = await queue.claim(
                self.services.sessions,
                owner=self.owner,
                now=now,
                lease_seconds=self._lease,
                limit=room,
                pick=pick,
                exclude=saturated,
            )
        # Saturated subscriptions were left out of the query, so "found nothing" does not mean
        # "nothing is due": keep claiming as their sends finish instead of sleeping a poll.
        self._backlog = found >= room or skipped > 0 or bool(saturated)
        # Nothing claimable now (everything due is for saturated destinations): wait for a send
        # to finish or new work to be woken for, rather than asking the database again at once.
        self._found_nothing = found == 0
        if not leased:
            return
        lease_until = time.monotonic() + self._lease * 0.9
        work = [_Work(c, destination_of(c.url), lease_until) for c in leased]
        for item in work:
            self._hold(item)
        try:
            bodies = await self._prepare(work)
        except Exception:
            for item in work:
                self._unhold(item)
            await queue.release(self.services.sessions, self.owner, [c.id for c in leased])
            raise
        for item in work:
            task = asyncio.create_task(self._send(item, bodies))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)

    def _host_room(self, dest: Destination) -> int:
        """Claimed work a destination may hold: ``AHEAD`` times what it may have in flight."""
        limit = self._limits.get(dest)
        allowed = INITIAL if limit is None else max(INITIAL, int(limit.limit))
        return AHEAD * min(allowed, self.ceiling)

    def _paced_room(self, subscription_id: str) -> int | None:
        """Claimed work a rate-limited subscription may hold: about a second of its limit."""
        prepared = self._targets.get(subscription_id)
        if prepared is None or not prepared.target.rate_limit:
            return None
        return max(2, prepared.target.rate_limit)

    def _is_saturated(self, subscription_id: str) -> bool:
        prepared = self._targets.get(subscription_id)
        if prepared is None:
            return False
        paced = self._paced_room(subscription_id)
        if paced is not None and self._held_subs[subscription_id] >= paced:
            return True
        # Hysteresis: a destination takes new claims again only once half its allowance is free,
        # so each claim brings a batch worth a transaction rather than one or two deliveries.
        dest = destination_of(prepared.target.url)
        return self._held.get(dest, 0) > self._host_room(dest) // 2

    def _hold(self, item: _Work) -> None:
        self._held_ids[item.candidate.id] = item
        self._held[item.destination] += 1
        self._held_subs[item.candidate.subscription_id] += 1

    def _unhold(self, item: _Work) -> None:
        """Forget a claim: its result is recorded, or it was never sent."""
        if self._held_ids.pop(item.candidate.id, None) is None:
            return
        self._release_destination(item)

    def _release_destination(self, item: _Work) -> None:
        """The send is over: the destination's and subscription's share of the claim limits is
        free again. The claim itself stays held (lease renewed) until its result commits."""
        if item.sent:
            return
        item.sent = True
        self._held[item.destination] -= 1
        if self._held[item.destination] <= 0:
            del self._held[item.destination]
        self._held_subs[item.candidate.subscription_id] -= 1
        if self._held_subs[item.candidate.subscription_id] <= 0:
            del self._held_subs[item.candidate.subscription_id]
        if self._backlog and (
            len(self._held_ids) <= self.concurrency
            or self._held.get(item.destination, 0) == self._host_room(item.destination) // 2
            or self._paced_room(item.candidate.subscription_id) is not None
        ):
            self.services.wake_dispatcher.set()

    async def _prepare(self, work: list[_Work]) -> dict[tuple[str, bool], bytes]:
        """Load changed subscriptions and the events' bodies for a claimed batch."""
        stale = {
            w.candidate.subscription_id
            for w in work
            if (p := self._targets.get(w.candidate.subscription_id)) is None
            or p.target.version != w.candidate.version
        }
        if stale:
            loaded = await queue.load_targets(self.services.sessions, self.services.box, stale)
            for sub_id, target in loaded.items():
                self._targets[sub_id] = _prepare_target(target)
        raw_events = {
            w.candidate.event_id
            for w in work
            if (p := self._targets.get(w.candidate.subscription_id)) is not None
            and p.target.include_raw
        }
        event_ids = {w.candidate.event_id for w in work}
        if tracing.enabled():
            parents = await queue.load_trace_parents(self.services.sessions, event_ids)
            for w in work:
                w.trace_parent = parents.get(w.candidate.event_id)
        return await queue.load_bodies(self.services.sessions, event_ids, raw_events)

    # ---- sending -----------------------------------------------------------------------------

    async def _send(self, item: _Work, bodies: dict[tuple[str, bool], bytes]) -> None:
        limit = self._limits.get(item.destination)
        if limit is None:
            limit = self._limits[item.destination] = AdaptiveLimit(self.ceiling)
        sub = item.candidate.subscription_id
        prepared = self._targets.get(sub)
        rate_limit = prepared.target.rate_limit if prepared is not None else None
        queued = False
        try:
            await limit.acquire()
            signal, latency = Signal.NEUTRAL, 0.0
            try:
                async with self._slots:
                    if rate_limit:
                        # After the concurrency slots, so a granted send slot is used at once.
                        await self._pacer.wait(sub, rate_limit)
                    if time.monotonic() > item.lease_until:
                        return  # the lease lapsed while waiting: another worker may own it now
                    self._sending[sub] += 1
                    DELIVERY_IN_FLIGHT.inc()
                    c = item.candidate
                    try:
                        with tracing.delivery_span(
                            item.trace_parent,
                            delivery_id=c.id,
                            event_id=c.event_id,
                            subscription_id=c.subscription_id,
                            attempt=c.attempts + 1,
                        ) as span:
                            result = await self._attempt(item, bodies)
                            tracing.delivery_outcome(
                                span, result.outcome, result.status_code, result.error
                            )
                    finally:
                        DELIVERY_IN_FLIGHT.dec()
                        self._sending[sub] -= 1
                        if self._sending[sub] <= 0:
                            del self._sending[sub]
                    signal, latency = _signal(result), result.latency_ms / 1000
            finally:
                limit.release(signal, latency)
            self._results.put_nowait(result)
            queued = True
            self._release_destination(item)
        finally:
            # A sent delivery stays held (its lease renewed, counted against this worker's room)
            # until its result is committed; ``_record`` releases it. Otherwise a slow commit
            # could let the lease lapse and another worker send it again, and a stuck recorder
            # would not stop this worker from claiming more.
            if not queued:
                self._unhold(item)

    async def _attempt(self, item: _Work, bodies: dict[tuple[str, bool], bytes]) -> Result:
        c = item.candidate
        prepared = self._targets.get(c.subscription_id)
        started = utcnow()
        clock = time.perf_counter()
        status: int | None = None
        snippet: str | None = None
        error: str | None = None
        retry_after: str | None = None
        body = (
            bodies.get((c.event_id, prepared.target.include_raw)) if prepared is not None else None
        )
        if prepared is None or body is None:
            error = "subscription or event no longer exists"
        elif problem := scheme_error(
            prepared.target.url, self.settings.allow_insecure_destinations
        ):
            error = problem
        else:
            keys = prepared.live_keys(started)
            timestamp = int(time.time())
            assert self._transport is not None
            headers = webhook_headers(keys, c.event_id, timestamp, body)
            try:
                # UNIHOOK_DELIVERY_TIMEOUT bounds the whole attempt: connect, send and read.
                reply = await self._transport.post(
                    prepared.url, headers, body, timeout=self.settings.delivery_timeout
                )
                status = reply.status
                snippet = reply.content[:SNIPPET_BYTES].decode("utf-8", "replace") or None
                retry_after = reply.header("retry-after")
                error = _status_error(reply)
            except TimeoutError:
                error = f"timeout: no response within {self.settings.delivery_timeout:g} s"
            except DestinationRefused as exc:
                error = str(exc)
            except httpx.TimeoutException as exc:
                error = f"timeout: {exc}"
            except httpx.HTTPError as exc:
                error = _describe_error(exc)
            except OSError as exc:
                error = f"connection failed: {exc}"
            except Exception as exc:  # recorded as a failed attempt, never a lost send task
                log.exception("delivery %s: unexpected error in the send", c.id)
                error = f"unexpected error: {type(exc).__name__}: {exc}"
        latency = (time.perf_counter() - clock) * 1000
        finished = utcnow()
        try:
            outcome, next_at = outcome_of(
                status,
                attempts_made=c.attempts + 1,
                schedule=self.settings.retry_schedule,
                now=finished,
                retry_after_header=retry_after,
            )
        except Exception as exc:  # judging the answer failed: a failed attempt, on the schedule
            log.exception("delivery %s: unexpected error judging the answer", c.id)
            status, error = None, f"unexpected error: {type(exc).__name__}: {exc}"
            outcome, next_at = outcome_of(
                None,
                attempts_made=c.attempts + 1,
                schedule=self.settings.retry_schedule,
                now=finished,
            )
        (_SUCCEEDED if is_success(status) else _FAILED).inc()
        DELIVERY_LATENCY.observe(latency / 1000)
        return Result(
            delivery_id=c.id,
            subscription_id=c.subscription_id,
            attempted_at=started,
            attempt_number=c.attempts + 1,
            status_code=status,
            latency_ms=latency,
            snippet=snippet,
            error=error,
            outcome=outcome,
            next_attempt_at=next_at,
            gone=disables_at_once(status),
        )

    # ---- recording ---------------------------------------------------------------------------

    async def _record_loop(self) -> None:
        while True:
            batch = [await self._results.get()]
            while len(batch) < MAX_RECORD_BATCH and not self._results.empty():
                batch.append(self._results.get_nowait())
            await self._record(batch)
            for _ in batch:
                self._results.task_done()

    async def _record(self, batch: list[Result]) -> None:
        try:
            await self._record_batch(batch)
        finally:
            for result in batch:
                item = self._held_ids.get(result.delivery_id)
                if item is not None:
                    self._unhold(item)

    async def _record_batch(self, batch: list[Result]) -> None:
        for attempt in range(5):
            try:
                async with self._writes:
                    disabled = await queue.record(
                        self.services.sessions,
                        batch,
                        owner=self.owner,
                        now=utcnow(),
                        disable_after=self.settings.disable_after,
                    )
                break
            except Exception:
                log.exception("recording %d delivery results failed (try %d)", len(batch), attempt)
                await asyncio.sleep(0.2 * 2**attempt)
        else:
            log.error(
                "dropped %d results; their deliveries are sent again after the lease", len(batch)
            )
            return
        for sub_id in disabled:
            log.warning("subscription %s disabled", sub_id)
        due = [r.next_attempt_at for r in batch if r.next_attempt_at is not None]
        if due:
            self._wake_at(min(due))
        if any(
            (p := self._targets.get(r.subscription_id)) is not None and p.target.ordered
            for r in batch
            if r.outcome != "retry"
        ):
            self._backlog = True  # the next delivery of each subject just became claimable
            self.services.wake_dispatcher.set()

    async def _drain_results(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self._results.join()

    def _wake_at(self, when: datetime) -> None:
        """Claim again when the earliest retry this process scheduled falls due."""
        loop = asyncio.get_running_loop()
        delay = max(0.0, (when - utcnow()).total_seconds()) + 0.005
        at = loop.time() + delay
        if self._timer is not None and self._timer_at <= at and self._timer_at > loop.time():
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at

        def fire() -> None:
            self._backlog = True
            self.services.wake_dispatcher.set()

        self._timer = loop.call_at(at, fire)

    # ---- rate limits and visibility ----------------------------------------------------------

    async def _take_slots(
        self, subscription_id: str, count: int, step: float, now: float
    ) -> float | None:
        async with self._writes:
            return await controls.take_slots(
                self.services.sessions, subscription_id, count, step, now
            )

    def gauges(self) -> dict[str, controls.Gauge]:
        """What this worker holds now, by subscription: in flight, rate-limited, concurrency."""
        waiting = self._pacer.waiting_by_subscription()
        out: dict[str, controls.Gauge] = {}
        for sub_id in set(self._sending) | set(waiting) | set(self._held_subs):
            prepared = self._targets.get(sub_id)
            limit = (
                self._limits.get(destination_of(prepared.target.url))
                if prepared is not None
                else None
            )
            out[sub_id] = controls.Gauge(
                in_flight=self._sending.get(sub_id, 0),
                rate_limited=waiting.get(sub_id, 0),
                concurrency=int(limit.limit) if limit is not None else 0,
            )
        return out

    async def _gauge_loop(self) -> None:
        """Report what this worker holds (for the API) and refresh the process's metrics."""
        tick = 0
        rate_labels: set[str] = set()
        held_labels: set[str] = set()
        while True:
            await asyncio.sleep(GAUGE_SECONDS)
            tick += 1
            current = self.gauges()
            self._forget_idle_destinations(time.monotonic())
            for dest, limit in self._limits.items():
                DELIVERY_CONCURRENCY.labels(f"{dest[0]}://{dest[1]}:{dest[2]}").set(limit.limit)
            waiting = {s: g.rate_limited for s, g in current.items() if g.rate_limited}
            for sub_id in rate_labels - set(waiting):
                DELIVERY_RATE_LIMITED.labels(sub_id).set(0)
            for sub_id, n in waiting.items():
                DELIVERY_RATE_LIMITED.labels(sub_id).set(n)
            rate_labels |= set(waiting)
            try:
                async with self._writes:
                    await controls.report(self.services.sessions, self.owner, current, utcnow())
                if tick % 5 == 1 and self._targets:
                    async with self.services.sessions() as session:
                        held = await controls.ordering_held(session, list(self._targets))
                    for sub_id in held_labels - set(held):
                        DELIVERY_ORDERING_HELD.labels(sub_id).set(0)
                    for sub_id, n in held.items():
                        DELIVERY_ORDERING_HELD.labels(sub_id).set(n)
                    held_labels |= set(held)
            except Exception:
                log.exception("reporting delivery gauges failed")

    def _forget_idle_destinations(self, now: float) -> None:
        for dest, limit in list(self._limits.items()):
            if limit.idle_for(now) >= IDLE_DESTINATION_SECONDS and not self._held.get(dest):
                del self._limits[dest]
                with contextlib.suppress(KeyError):
                    DELIVERY_CONCURRENCY.remove(f"{dest[0]}://{dest[1]}:{dest[2]}")

    # ---- leases ------------------------------------------------------------------------------

    async def _renew_loop(self) -> None:
        """Extend the leases of deliveries this process still holds (queued or in flight)."""
        every = self._lease / 3
        while True:
            await asyncio.sleep(every)
            ids = list(self._held_ids)
            if not ids:
                continue
            now = utcnow()
            try:
                async with self._writes:
                    await queue.renew(
                        self.services.sessions,
                        self.owner,
                        ids,
                        now=now,
                        until=now + timedelta(seconds=self._lease),
                    )
            except Exception:
                log.exception("renewing %d leases failed", len(ids))
                continue
            until = time.monotonic() + self._lease * 0.9
            for delivery_id in ids:
                item = self._held_ids.get(delivery_id)
                if item is not None:
                    item.lease_until = until


def _prepare_target(target: Target) -> _Prepared:
    keys: list[tuple[bytes, datetime | None]] = []
    for secret, expires in target.secrets:
        try:
            keys.append((secret_key(secret), expires))
        except InvalidSecret:
            log.error("subscription %s has a malformed secret; skipped", target.id)
    try:
        url = httpx.URL(target.url)
    except httpx.InvalidURL:
        url = httpx.URL("https://invalid.invalid/")
    return _Prepared(target=target, url=url, keys=keys)


def _signal(result: Result) -> Signal:
    """What an attempt says about its destination's capacity."""
    status = result.status_code
    if status is None:
        error = result.error or ""
        return Signal.OVERLOAD if error.startswith(OVERLOAD_ERRORS) else Signal.NEUTRAL
    if status in (429, 503):
        return Signal.OVERLOAD
    return Signal.OK if is_success(status) else Signal.NEUTRAL


def _status_error(reply: Reply) -> str | None:
    status = reply.status
    if is_success(status):
        return None
    if 300 <= status < 400:
        location = reply.header("location") or ""
        return f"HTTP {status}: redirect to {location or '(no Location)'} not followed"
    if disables_at_once(status):
        return "HTTP 410 Gone: subscription disabled"
    retry_after = reply.header("retry-after")
    if status in (429, 503) and retry_after:
        return f"HTTP {status} (Retry-After: {retry_after})"
    return f"HTTP {status}"


def _describe_error(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {text}"
    return f"{type(exc).__name__}: {text}"
