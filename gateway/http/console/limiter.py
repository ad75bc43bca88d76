"""Slows down guessing at the sign-in form: failures per client address earn a growing wait.

Memory is bounded: at most ``capacity`` addresses are remembered (the oldest are forgotten
first), so a flood of distinct addresses cannot grow it. Each process keeps its own.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

FREE_FAILURES = 5
MAX_WAIT = 300.0
FORGET_AFTER = 900.0


@dataclass(slots=True)
class _Record:
    failures: int
    last: float
    blocked_until: float


class SignInLimiter:
    """After ``FREE_FAILURES`` failures an address waits 1 s, then 2, 4... up to ``MAX_WAIT``."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def wait(self, address: str, now: float | None = None) -> float:
        """Seconds this address must wait before its next try (0 when it may try now)."""
        now = time.monotonic() if now is None else now
        record = self._records.get(address)
        if record is None:
            return 0.0
        if now - record.last > FORGET_AFTER:
            del self._records[address]
            return 0.0
        return max(0.0, record.blocked_until - now)

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        record = self._records.pop(address, None)
        if record is None or now - record.last > FORGET_AFTER:
            record = _Record(failures=0, last=now, blocked_until=0.0)
        record.failures += 1
        record.last = now
        over = record.failures - FREE_FAILURES
        if over >= 0:
            record.blocked_until = now + min(MAX_WAIT, 2.0**over)
        self._records[address] = record
        while len(self._records) > self.capacity:
            self._records.popitem(last=False)

    def succeeded(self, address: str) -> None:
        self._records.pop(address, None)
