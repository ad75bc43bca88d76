"""Slows down guessing at the sign-in form: failures per client address earn a growing wait.

After ``FREE_FAILURES`` failures, each further try from the address is answered only after a
wait (1 s, then 2, 4 ... up to ``MAX_WAIT``), one try at a time: a second one arriving while
the first waits is refused at once. A success forgives nothing: failures are counted per
address whatever key signs in from it (else a tenant could sign in with its own key between
guesses at another's and never wait). Memory is bounded: at most
``capacity`` addresses are remembered (the oldest forgotten first), so a flood of distinct
addresses cannot grow it. Each process keeps its own.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

FREE_FAILURES = 5
MAX_WAIT = 10.0
FORGET_AFTER = 900.0


@dataclass(slots=True)
class _Record:
    failures: int
    last: float
    waiting: bool = False


class SignInLimiter:
    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def delay(self, address: str, now: float | None = None) -> float:
        """Seconds the next try from ``address`` waits before it is checked (0: none)."""
        now = time.monotonic() if now is None else now
        record = self._records.get(address)
        if record is None:
            return 0.0
        if now - record.last > FORGET_AFTER:
            del self._records[address]
            return 0.0
        over = record.failures - FREE_FAILURES
        return 0.0 if over < 0 else min(MAX_WAIT, 2.0**over)

    def begin_wait(self, address: str) -> bool:
        """Mark a try from ``address`` as waiting; False when one is waiting already."""
        record = self._records.get(address)
        if record is None:
            return True
        if record.waiting:
            return False
        record.waiting = True
        return True

    def end_wait(self, address: str) -> None:
        record = self._records.get(address)
        if record is not None:
            record.waiting = False

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        record = self._records.pop(address, None)
        if record is None or now - record.last > FORGET_AFTER:
            record = _Record(failures=0, last=now)
        record.failures += 1
        record.last = now
        self._records[address] = record
        while len(self._records) > self.capacity:
            self._records.popitem(last=False)
