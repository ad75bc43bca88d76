"""How many requests a worker has in flight: per destination, adapted to how it answers (AIMD),
and in all, bounded by what the process's file descriptors allow.

A destination starts at ``INITIAL`` requests in flight and doubles each round trip while its
answers succeed and their latency stays within ``LATENCY_SLACK`` of the fastest seen (slow start),
then grows by one a round trip; a timeout, ``429``, ``503`` or connection error halves it (at most
once a round trip, so one burst of failures is one cut). ``UNIHOOK_PER_DESTINATION_CONNECTIONS``
is the ceiling. Growth only happens while at least half the limit is in use.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import resource
import time
from collections import deque
from enum import Enum

log = logging.getLogger("unihook.delivery")

INITIAL = 8
LATENCY_SLACK = (2.0, 0.025)  # grow while latency <= fastest * 2 + 25 ms
MIN_WINDOW = 30.0  # seconds the fastest latency is remembered before it is measured afresh
RESERVED_FDS = 64  # database, listening sockets, log files, the interpreter's own
MAX_TOTAL = 4096  # in flight per worker at most, whatever the descriptor limit: bounds memory


class Signal(Enum):
    """What an answer says about a destination's capacity."""

    OK = "ok"  # a 2xx
    OVERLOAD = "overload"  # timeout, 429, 503, connection error
    NEUTRAL = "neutral"  # any other answer: says nothing about load


class AdaptiveLimit:
    """Requests in flight to one destination, under a limit adapting between 1 and ``ceiling``."""

    def __init__(self, ceiling: int, initial: int = INITIAL) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = float(min(self.ceiling, max(1, initial)))
        self.in_flight = 0
        self.slow_start = True
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._fastest = math.inf
        self._fastest_at = 0.0
        self._window_fastest = math.inf
        self._last_cut = -math.inf
        self.last_used = time.monotonic()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def idle_for(self, now: float) -> float:
        """Seconds since the last request to the destination ended (0 while one is in flight
        or waiting)."""
        if self.in_flight or self._waiters:
            return 0.0
        return max(0.0, now - self.last_used)

    def idle_seconds(self) -> float:
        """``idle_for`` now, on this limit's own (monotonic) clock."""
        return self.idle_for(time.monotonic())

    async def acquire(self) -> None:
        if self.in_flight < int(self.limit) and not self._waiters:
            self.in_flight += 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.in_flight -= 1  # granted as we were cancelled: hand it on
                self._wake()
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self, signal: Signal, latency: float) -> None:
        """One request is over: adapt the limit to what it said, and let the next one go."""
        # the limit is what holds sends back when at least half of it is in use (as TCP's
        # "cwnd-limited" test): an idle allowance is not grown
        saturated = 2 * self.in_flight >= self.limit or bool(self._waiters)
        self.in_flight -= 1
        now = time.monotonic()
        self.last_used = now
        if signal is Signal.OVERLOAD:
            if now - self._last_cut > max(latency, 0.05):
                self.limit = max(1.0, self.limit / 2)
                self.slow_start = False
                self._last_cut = now
        elif signal is Signal.OK:
            self._observe(latency, now)
            fast = latency <= self._fastest * LATENCY_SLACK[0] + LATENCY_SLACK[1]
            if not fast:
                self.slow_start = False
            elif saturated and self.limit < self.ceiling:
                step = 1.0 if self.slow_start else 1.0 / self.limit
                self.limit = min(float(self.ceiling), self.limit + step)
        self._wake()

    def _observe(self, latency: float, now: float) -> None:
        self._window_fastest = min(self._window_fastest, latency)
        if latency < self._fastest:
            self._fastest = latency
        if now - self._fastest_at > MIN_WINDOW:
            self._fastest, self._window_fastest = self._window_fastest, math.inf
            self._fastest_at = now

    def _wake(self) -> None:
        while self._waiters and self.in_flight < int(self.limit):
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                waiter.set_result(None)


def total_budget(configured: int) -> int:
    """Requests in flight per worker: ``configured`` when set, else what the descriptor limit
    allows with as many idle kept-alive connections again (raising the soft limit to the hard
    one first, as servers do), at most ``MAX_TOTAL``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    wanted = min(wanted, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            log.info("could not raise the open-file limit from %d", soft)
    available = 65536 if soft == resource.RLIM_INFINITY else soft
    derived = max(16, min(MAX_TOTAL, (available - RESERVED_FDS) // 2))
    return min(configured, derived) if configured > 0 else derived
