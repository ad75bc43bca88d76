"""Adaptive concurrency per destination, the worker's total, and rate-limit pacing."""

from __future__ import annotations

import asyncio
import itertools
import resource
import time

import pytest

from gateway.delivery.concurrency import MAX_TOTAL, AdaptiveLimit, Signal, total_budget
from gateway.delivery.pacing import Pacer, interval


async def _round(limit: AdaptiveLimit, signal: Signal, latency: float = 0.01) -> None:
    """Fill the limit, then finish every request with ``signal``."""
    n = int(limit.limit)
    for _ in range(n):
        await limit.acquire()
    for _ in range(n):
        limit.release(signal, latency)


async def test_slow_start_doubles_then_overload_halves_once_a_round() -> None:
    limit = AdaptiveLimit(ceiling=100, initial=8)
    await _round(limit, Signal.OK)
    assert limit.limit >= 11  # grown by each answer while at least half the limit was in use
    for _ in range(3):
        await _round(limit, Signal.OK)
    assert limit.limit >= 20
    before = limit.limit
    await _round(limit, Signal.OVERLOAD)
    assert limit.limit == before / 2  # a whole round of failures: one cut
    assert not limit.slow_start
    before = limit.limit
    await _round(limit, Signal.OK)
    assert before < limit.limit <= before + 1  # now additive: at most one a round
    for _ in range(200):
        await _round(limit, Signal.OK)
    assert limit.limit == 100  # the ceiling


async def test_no_growth_while_latency_rises_or_the_limit_is_not_what_holds() -> None:
    limit = AdaptiveLimit(ceiling=100, initial=8)
    await _round(limit, Signal.OK, latency=0.1)
    grown = limit.limit
    assert grown > 8
    await _round(limit, Signal.OK, latency=0.5)  # five times the fastest: queueing somewhere
    assert limit.limit == grown
    assert not limit.slow_start
    for _ in range(20):
        await limit.acquire()
        limit.release(Signal.OK, 0.1)  # one at a time: a dozen allowed, one used
    assert limit.limit == grown
    await _round(limit, Signal.NEUTRAL)
    assert limit.limit == grown


async def test_acquire_waits_at_the_limit_and_cancellation_hands_on() -> None:
    limit = AdaptiveLimit(ceiling=2, initial=2)
    await limit.acquire()
    await limit.acquire()
    third = asyncio.ensure_future(limit.acquire())
    fourth = asyncio.ensure_future(limit.acquire())
    await asyncio.sleep(0)
    assert not third.done()
    assert limit.waiting == 2
    third.cancel()
    limit.release(Signal.OK, 0.01)
    await asyncio.sleep(0)
    assert fourth.done()
    assert limit.in_flight == 2


def test_total_budget() -> None:
    assert total_budget(10) == 10
    derived = total_budget(0)
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert 16 <= derived <= MAX_TOTAL
    assert derived <= soft // 2


class SharedRow:
    """The subscription row's ``rate_next_at``, as the database keeps it for every worker."""

    def __init__(self) -> None:
        self.next_at: float | None = None
        self.taken = 0

    async def take(self, sub: str, count: int, step: float, now: float) -> float:
        await asyncio.sleep(0.001)
        start = now if self.next_at is None or self.next_at < now else self.next_at
        self.next_at = start + count * step
        self.taken += count
        return self.next_at


async def test_two_workers_share_one_limit() -> None:
    row = SharedRow()
    workers = [Pacer(row.take), Pacer(row.take)]
    starts: list[float] = []

    async def send(pacer: Pacer) -> None:
        await pacer.wait("sub_1", 10)
        starts.append(time.time())

    began = time.time()
    await asyncio.gather(*(send(workers[i % 2]) for i in range(25)))
    starts.sort()
    worst = max(sum(1 for t in starts[i:] if t < s + 1.0) for i, s in enumerate(starts))
    assert worst <= 10
    assert time.time() - began >= 14 * interval(10)  # 25 sends, 10 a second at most
    assert workers[0].waiting("sub_1") == workers[1].waiting("sub_1") == 0


async def test_a_missed_slot_is_given_up_not_bunched() -> None:
    row = SharedRow()
    pacer = Pacer(row.take)
    starts: list[float] = []

    async def send() -> None:
        await pacer.wait("sub_1", 20)
        starts.append(time.time())

    tasks = [asyncio.ensure_future(send()) for _ in range(10)]
    await asyncio.sleep(0.12)
    time.sleep(0.3)  # the event loop stalls: the slots in this gap must not all fire at once
    await asyncio.gather(*tasks)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert sum(1 for g in gaps if g < interval(20) / 2) <= 1
    assert row.taken > 10  # the missed slots were replaced by new ones


async def test_a_cancelled_wait_leaves_the_lane() -> None:
    pacer = Pacer(SharedRow().take)
    first = asyncio.ensure_future(pacer.wait("sub_1", 1))
    second = asyncio.ensure_future(pacer.wait("sub_1", 1))
    await asyncio.sleep(0.05)
    assert first.done()
    assert pacer.waiting("sub_1") == 1
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second
    assert pacer.waiting("sub_1") == 0
    await pacer.close()


async def test_a_failing_database_holds_sends_back_then_lets_them_go() -> None:
    row = SharedRow()
    failures = [RuntimeError("database is locked")] * 2

    async def take(sub: str, count: int, step: float, now: float) -> float:
        if failures:
            raise failures.pop()
        return await row.take(sub, count, step, now)

    pacer = Pacer(take)
    began = time.monotonic()
    await asyncio.wait_for(pacer.wait("sub_1", 5), 5)
    assert time.monotonic() - began >= 0.9  # two failed grants, half a second apart
    await pacer.close()
