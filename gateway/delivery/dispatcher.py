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

The pieces it runs: what a claim holds (``claim``), one send (``attempt``), what the answer means
for the delivery and its destination (``outcome``, pure), and the database side (``queue``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from gateway.core import tracing
from gateway.core.metrics import (
    DELIVERY_ATTEMPTS,
    DELIVERY_CONCURRENCY,
    DELIVERY_IN_FLIGHT,
    DELIVERY_LATENCY,
    DELIVERY_ORDERING_HELD,
    DELIVERY_RATE_LIMITED,
)
from gateway.delivery import controls, queue
from gateway.delivery.attempt import Prepared, attempt, prepare_target
from gateway.delivery.claim import (
    MAX_CLAIM,
    Claimed,
    Destination,
    Holdings,
    Picker,
    destination_of,
    host_room,
    paced_room,
    worker_id,
)
from gateway.delivery.concurrency import AdaptiveLimit, Signal, total_budget
from gateway.delivery.destinations import Senders
from gateway.delivery.outcome import result_of, signal_of
from gateway.delivery.pacing import Pacer
from gateway.delivery.queue import Due, Result
from gateway.delivery.retry import is_success
from gateway.runtime import Runtime
from gateway.storage.unverified import purge_unverified

log = logging.getLogger("unihook.delivery")

MAX_RECORD_BATCH = 512
GAUGE_SECONDS = 2.0  # how often this worker reports what it holds
EXPIRY_TICKS = 300  # every this many reports (ten minutes), expired unverified requests go
IDLE_DESTINATION_SECONDS = 600.0
"""A destination nothing was sent to for this long is forgotten: its adaptive limit (it starts
afresh next time) and its ``unihook_delivery_concurrency`` series. Destinations are whatever
URLs subscriptions name, so remembering each for good grows memory and ``/metrics`` without end."""
_SUCCEEDED = DELIVERY_ATTEMPTS.labels(outcome="success")
_FAILED = DELIVERY_ATTEMPTS.labels(outcome="failure")


class Dispatcher:
    """Call ``start()`` then, eventually, ``stop()``; or ``run(stop_event)``.

    ``now`` is the one clock it reads: for leases, signatures, attempt times and retries."""

    def __init__(
        self, runtime: Runtime, *, now: Callable[[], datetime], owner: str | None = None
    ) -> None:
        self.runtime = runtime
        self.now = now
        self.settings = runtime.settings
        self.owner = owner or worker_id()
        self.concurrency = total_budget(self.settings.worker_concurrency)
        self.ceiling = max(1, self.settings.per_destination_connections)
        self._senders: Senders | None = None
        # SQLite has one writer: this process's claim, record and renew transactions take turns
        # here, in asyncio, instead of colliding in SQLite's busy handler (which sleeps 1 to
        # 100 ms per retry while the lock is held). PostgreSQL needs no such turn-taking.
        self._writes: contextlib.AbstractAsyncContextManager[Any] = (
            asyncio.Lock()
            if runtime.settings.database_url.startswith("sqlite")
            else contextlib.nullcontext()
        )
        self._slots = asyncio.Semaphore(self.concurrency)
        self._limits: dict[Destination, AdaptiveLimit] = {}
        self._pacer = Pacer(self._take_slots)
        self._sending: dict[str, int] = defaultdict(int)  # subscription -> requests in flight
        self._holdings = Holdings()
        self._targets: dict[str, Prepared] = {}
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
        # HTTP requests go straight to a pinned transport: deliveries need none of
        # httpx.AsyncClient's cookie jar, auth, redirect or event-hook handling, which cost more
        # CPU per delivery than the transport itself. Redirects are never followed.
        self._senders = Senders(
            allow_insecure=self.settings.allow_insecure_destinations,
            per_destination=self.ceiling,
            total=self.concurrency,
        )
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
        self.runtime.wake_dispatcher.set()
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
        if self._holdings.by_id:
            try:
                await queue.release(self.runtime.sessions, self.owner, list(self._holdings.by_id))
            except Exception:
                log.exception("could not release leases; they lapse in %ss", self._lease)
        with contextlib.suppress(Exception):
            await controls.forget(self.runtime.sessions, self.owner)
        if self._timer is not None:
            self._timer.cancel()
        if self._senders is not None:
            await self._senders.aclose()
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
        wake = self.runtime.wake_dispatcher
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
        return 2 * self.concurrency - len(self._holdings)

    async def _claim(self) -> None:
        room = min(self._room(), MAX_CLAIM)
        pick = Picker(room, self._holdings, self._host_room, self._paced_room)
        saturated = [
            sub
            for sub, n in self._holdings.by_subscription.items()
            if n > 0 and self._is_saturated(sub)
        ]
        now = self.now()
        async with self._writes:
            leased, found = await queue.claim(
                self.runtime.sessions,
                owner=self.owner,
                now=now,
                lease_seconds=self._lease,
                limit=room,
                pick=pick,
                exclude=saturated,
            )
        # Saturated subscriptions were left out of the query, so "found nothing" does not mean
        # "nothing is due": keep claiming as their sends finish instead of sleeping a poll.
        self._backlog = found >= room or pick.skipped > 0 or bool(saturated)
        # Nothing claimable now (everything due is for saturated destinations): wait for a send
        # to finish or new work to be woken for, rather than asking the database again at once.
        self._found_nothing = found == 0
        if not leased:
            return
        lease_until = self.now() + timedelta(seconds=self._lease * 0.9)
        work = [Claimed(c, destination_of(c.url), lease_until) for c in leased]
        for item in work:
            self._holdings.hold(item)
        try:
            bodies = await self._prepare(work)
        except Exception:
            for item in work:
                self._unhold(item)
            await queue.release(self.runtime.sessions, self.owner, [c.id for c in leased])
            raise
        for item in work:
            task = asyncio.create_task(self._send(item, bodies))
            self._sends.add(task)
            task.add_done_callback(self._sends.discard)

    def _host_room(self, dest: Destination) -> int:
        return host_room(self._limits.get(dest), self.ceiling)

    def _paced_room(self, subscription_id: str) -> int | None:
        prepared = self._targets.get(subscription_id)
        return None if prepared is None else paced_room(prepared.target.rate_limit)

    def _is_saturated(self, subscription_id: str) -> bool:
        prepared = self._targets.get(subscription_id)
        if prepared is None:
            return False
        paced = self._paced_room(subscription_id)
        if paced is not None and self._holdings.by_subscription.get(subscription_id, 0) >= paced:
            return True
        # Hysteresis: a destination takes new claims again only once half its allowance is free,
        # so each claim brings a batch worth a transaction rather than one or two deliveries.
        dest = destination_of(prepared.target.url)
        return self._holdings.by_destination.get(dest, 0) > self._host_room(dest) // 2

    def _unhold(self, item: Claimed) -> None:
        """Forget a claim: its result is recorded, or it was never sent."""
        if self._holdings.forget(item):
            self._release_destination(item)

    def _release_destination(self, item: Claimed) -> None:
        """The send is over: the destination's and subscription's share of the claim limits is
        free again. The claim itself stays held (lease renewed) until its result commits."""
        if not self._holdings.sent(item):
            return
        if self._backlog and (
            len(self._holdings) <= self.concurrency
            or self._holdings.by_destination.get(item.destination, 0)
            == self._host_room(item.destination) // 2
            or self._paced_room(item.candidate.subscription_id) is not None
        ):
            self.runtime.wake_dispatcher.set()

    async def _prepare(self, work: list[Claimed]) -> dict[tuple[str, bool], bytes]:
        """Load changed subscriptions and the events' bodies for a claimed batch."""
        stale = {
            w.candidate.subscription_id
            for w in work
            if (p := self._targets.get(w.candidate.subscription_id)) is None
            or p.target.version != w.candidate.version
        }
        if stale:
            loaded = await queue.load_targets(self.runtime.sessions, self.runtime.box, stale)
            for sub_id, target in loaded.items():
                self._targets[sub_id] = prepare_target(target)
        raw_events = {
            w.candidate.event_id
            for w in work
            if (p := self._targets.get(w.candidate.subscription_id)) is not None
            and p.target.include_raw
        }
        event_ids = {w.candidate.event_id for w in work}
        if tracing.enabled():
            parents = await queue.load_trace_parents(self.runtime.sessions, event_ids)
            for w in work:
                w.trace_parent = parents.get(w.candidate.event_id)
        return await queue.load_bodies(self.runtime.sessions, event_ids, raw_events)

    # ---- sending -----------------------------------------------------------------------------

    async def _send(self, item: Claimed, bodies: dict[tuple[str, bool], bytes]) -> None:
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
                    if self.now() > item.lease_until:
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
                            result = await self._attempt(c, bodies)
                            tracing.delivery_outcome(
                                span, result.outcome, result.status_code, result.error
                            )
                    finally:
                        DELIVERY_IN_FLIGHT.dec()
                        self._sending[sub] -= 1
                        if self._sending[sub] <= 0:
                            del self._sending[sub]
                    signal, latency = signal_of(result), result.latency_ms / 1000
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

    async def _attempt(self, c: Due, bodies: dict[tuple[str, bool], bytes]) -> Result:
        """Send one delivery and count it; its result is recorded later, in a batch."""
        assert self._senders is not None
        prepared = self._targets.get(c.subscription_id)  # as it is now, after any wait
        body = (
            prepared.body(bodies.get((c.event_id, prepared.target.include_raw)))
            if prepared is not None
            else None
        )
        sent = await attempt(
            self._senders, c, prepared, body, now=self.now, within=self.settings.delivery_timeout
        )
        try:
            result = result_of(c, sent, self.settings.retry_schedule)
        except Exception as exc:  # judging the answer failed: a failed attempt, on the schedule
            log.exception("delivery %s: unexpected error judging the answer", c.id)
            failed = replace(
                sent,
                status=None,
                retry_after=None,
                error=f"unexpected error: {type(exc).__name__}: {exc}",
            )
            result = result_of(c, failed, self.settings.retry_schedule)
        (_SUCCEEDED if is_success(result.status_code) else _FAILED).inc()
        DELIVERY_LATENCY.observe(sent.latency_ms / 1000)
        return result

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
                item = self._holdings.by_id.get(result.delivery_id)
                if item is not None:
                    self._unhold(item)

    async def _record_batch(self, batch: list[Result]) -> None:
        for tries in range(5):
            try:
                async with self._writes:
                    disabled = await queue.record(
                        self.runtime.sessions,
                        batch,
                        owner=self.owner,
                        now=self.now(),
                        disable_after=self.settings.disable_after,
                    )
                break
            except Exception:
                log.exception("recording %d delivery results failed (try %d)", len(batch), tries)
                await asyncio.sleep(0.2 * 2**tries)
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
            self.runtime.wake_dispatcher.set()

    async def _drain_results(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self._results.join()

    def _wake_at(self, when: datetime) -> None:
        """Claim again when the earliest retry this process scheduled falls due."""
        loop = asyncio.get_running_loop()
        delay = max(0.0, (when - self.now()).total_seconds()) + 0.005
        at = loop.time() + delay
        if self._timer is not None and self._timer_at <= at and self._timer_at > loop.time():
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at

        def fire() -> None:
            self._backlog = True
            self.runtime.wake_dispatcher.set()

        self._timer = loop.call_at(at, fire)

    # ---- rate limits and visibility ----------------------------------------------------------

    async def _take_slots(
        self, subscription_id: str, count: int, step: float, now: float
    ) -> float | None:
        async with self._writes:
            return await controls.take_slots(
                self.runtime.sessions, subscription_id, count, step, now
            )

    def gauges(self) -> dict[str, controls.Gauge]:
        """What this worker holds now, by subscription: in flight, rate-limited, concurrency."""
        waiting = self._pacer.waiting_by_subscription()
        out: dict[str, controls.Gauge] = {}
        for sub_id in set(self._sending) | set(waiting) | set(self._holdings.by_subscription):
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
            self._forget_idle_destinations()
            for dest, limit in self._limits.items():
                DELIVERY_CONCURRENCY.labels(f"{dest[0]}://{dest[1]}:{dest[2]}").set(limit.limit)
            waiting = {s: g.rate_limited for s, g in current.items() if g.rate_limited}
            for sub_id in rate_labels - set(waiting):
                DELIVERY_RATE_LIMITED.labels(sub_id).set(0)
            for sub_id, n in waiting.items():
                DELIVERY_RATE_LIMITED.labels(sub_id).set(n)
            rate_labels |= set(waiting)
            try:
                if tick % EXPIRY_TICKS == 1:
                    await purge_unverified(
                        self.runtime.sessions,
                        now=self.now(),
                        ttl=self.settings.unverified_ttl,
                    )
                async with self._writes:
                    await controls.report(self.runtime.sessions, self.owner, current, self.now())
                if tick % 5 == 1 and self._targets:
                    async with self.runtime.sessions() as session:
                        held = await controls.ordering_held(session, list(self._targets))
                    for sub_id in held_labels - set(held):
                        DELIVERY_ORDERING_HELD.labels(sub_id).set(0)
                    for sub_id, n in held.items():
                        DELIVERY_ORDERING_HELD.labels(sub_id).set(n)
                    held_labels |= set(held)
            except Exception:
                log.exception("reporting delivery gauges failed")

    def _forget_idle_destinations(self) -> None:
        for dest, limit in list(self._limits.items()):
            if (
                limit.idle_seconds() >= IDLE_DESTINATION_SECONDS
                and not self._holdings.by_destination.get(dest)
            ):
                del self._limits[dest]
                with contextlib.suppress(KeyError):
                    DELIVERY_CONCURRENCY.remove(f"{dest[0]}://{dest[1]}:{dest[2]}")

    # ---- leases ------------------------------------------------------------------------------

    async def _renew_loop(self) -> None:
        """Extend the leases of deliveries this process still holds (queued or in flight)."""
        every = self._lease / 3
        while True:
            await asyncio.sleep(every)
            ids = list(self._holdings.by_id)
            if not ids:
                continue
            now = self.now()
            try:
                async with self._writes:
                    await queue.renew(
                        self.runtime.sessions,
                        self.owner,
                        ids,
                        now=now,
                        until=now + timedelta(seconds=self._lease),
                    )
            except Exception:
                log.exception("renewing %d leases failed", len(ids))
                continue
            until = now + timedelta(seconds=self._lease * 0.9)
            for delivery_id in ids:
                item = self._holdings.by_id.get(delivery_id)
                if item is not None:
                    item.lease_until = until
