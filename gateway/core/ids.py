"""Gateway-made identifiers: a prefix and 26 characters of a 128-bit, time-ordered id.

The 128 bits are 48 bits of unix milliseconds then 80 random bits, written as 26 Crockford
base32 characters with the two spare bits at the end (ULID's canonical text puts them at the
start, so these are not ULIDs and ULID libraries do not read them). Text order is time order.
Within one millisecond the random part increments, so ids made by one process strictly increase.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # ascending in ASCII, so text order = time order
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]  # every 10 bits as 2 chars
_SHIFTS = range(120, -1, -10)
_RANDOM_MASK = (1 << 80) - 1
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def encode_id(value: int) -> str:
    """A 128-bit id as its 26 characters (130 bits: the 128 of the value, then two zero bits)."""
    bits = value << 2
    return "".join([_PAIRS[(bits >> shift) & 1023] for shift in _SHIFTS])


def time_ordered(now_ms: int | None = None) -> str:
    global _last_ms, _last_rand
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            _last_rand = (_last_rand + 1) & _RANDOM_MASK
        else:
            _last_ms = ms
            _last_rand = int.from_bytes(os.urandom(10), "big")
        value = (ms << 80) | _last_rand
    return encode_id(value)


def new_id(prefix: str) -> str:
    return f"{prefix}_{time_ordered()}"


def new_ids(prefix: str, count: int) -> list[str]:
    """``count`` new ids, increasing, for one batch of rows (one clock read, one random draw)."""
    global _last_ms, _last_rand
    ms = time.time_ns() // 1_000_000
    with _lock:
        if ms <= _last_ms:
            ms = _last_ms
            first = _last_rand + 1
        else:
            _last_ms = ms
            first = int.from_bytes(os.urandom(10), "big")
        _last_rand = (first + count - 1) & _RANDOM_MASK
    base = ms << 80
    return [f"{prefix}_{encode_id(base | ((first + i) & _RANDOM_MASK))}" for i in range(count)]


def id_floor(ms: int) -> str:
    """The smallest id of millisecond ``ms``: for id-range queries by time."""
    return encode_id(ms << 80)


def id_at(prefix: str, moment: datetime) -> str:
    """The smallest id a ``new_id(prefix)`` made at ``moment`` can have: ids sort by time, so a
    time range is an id range."""
    return f"{prefix}_{id_floor(int(moment.timestamp() * 1000))}"
