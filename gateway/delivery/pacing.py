"""Send slots for subscriptions with a ``rate_limit``, shared by every worker through the database.

A subscription limited to N a second has one send slot every ``(1 + MARGIN) / N`` seconds, and
its row holds the next free one (``rate_next_at``, unix seconds). A worker takes a few slots at a
time with one atomic ``UPDATE ... RETURNING`` (the row lock on PostgreSQL, the single writer on
SQLite, so two workers never get the same slot), sleeps until each and starts one delivery in it.
A slot missed by more than ``LATE`` seconds (a stalled event loop) is given up rather than used,
so sends cannot bunch up: in any one-second window at most
``ceil((1 + LATE + jitter) / interval) <= N`` deliveries start, with ``MARGIN`` covering up to
``MARGIN - LATE`` seconds of network jitter before they arrive. Waiting for a slot is not an
attempt: nothing is recorded until the delivery is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger("unihook.delivery")

MARGIN = 0.05
RETRY_SECONDS = 0.5
LATE = 0.02
GRANT_SECONDS = 0.25  # slots taken per database round trip: this much of the limit's time

# (subscription id, slots wanted, seconds between slots, now) -> end of the slots taken (unix s),
# or None when the subscription is gone
TakeSlots = Callable[[str, int, float, float], Awaitable[float | None]]


def interval(rate_limit: int) -> float:
    """Seconds between two send slots of a subscription limited to ``rate_limit`` a second."""
    return (1.0 + MARGIN) / max(1, rate_limit)


class _Lane:
    def __init__(self) -> None:
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.task: asyncio.Task[None] | None = None


class Pacer:
    """``await pacer.wait(subscription_id, rate_limit)`` returns when a delivery may start."""

    def __init__(self, take: TakeSlots) -> None:
        self._take = take
        self._lanes: dict[str, _Lane] = {}

    def waiting(self, subscription_id: str) -> int:
        """Deliveries of ``subscription_id`` held back by its rate limit in this process."""
        lane = self._lanes.get(subscription_id)
        return sum(1 for w in lane.waiters if not w.done()) if lane is not None else 0

    def waiting_by_subscription(self) -> dict[str, int]:
        return {sub: n for sub in self._lanes if (n := self.waiting(sub))}

    async def wait(self, subscription_id: str, rate_limit: int) -> None:
        lane = self._lanes.get(subscription_id)
        if lane is None:
            lane = self._lanes[subscription_id] = _Lane()
        waiter = asyncio.get_running_loop().create_future()
        lane.waiters.append(waiter)
        if lane.task is None or lane.task.done():
            lane.task = asyncio.create_task(self._run(subscription_id, lane, rate_limit))
        try:
            await waiter
        finally:
            if not waiter.done():
                waiter.cancel()

    async def close(self) -> None:
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for lane in self._lanes.values():
            for waiter in lane.waiters:
                waiter.cancel()
        self._lanes.clear()

    async def _run(self, subscription_id: str, lane: _Lane, rate_limit: int) -> None:
        step = interval(rate_limit)
        while True:
            while lane.waiters and lane.waiters[0].done():
                lane.waiters.popleft()  # cancelled while waiting
            if not lane.waiters:
                if self._lanes.get(subscription_id) is lane:
                    del self._lanes[subscription_id]
                return
            count = min(len(lane.waiters), max(1, math.ceil(rate_limit * GRANT_SECONDS)))
            try:
                end = await self._take(subscription_id, count, step, time.time())
            except Exception:  # the database is away: the deliveries wait, none is sent early
                log.exception("taking send slots for %s failed", subscription_id)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            if end is None:  # the subscription is gone: let them find out when they send
                for waiter in lane.waiters:
                    if not waiter.done():
                        waiter.set_result(None)
                lane.waiters.clear()
                continue
            for slot in (end - (count - i) * step for i in range(count)):
                delay = slot - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if time.time() - slot > LATE:
                    continue  # missed: an unused slot never makes a later window fuller
                while lane.waiters and lane.waiters[0].done():
                    lane.waiters.popleft()
                if not lane.waiters:
                    break
                with contextlib.suppress(asyncio.InvalidStateError):
                    lane.waiters.popleft().set_result(None)
