"""Gateway-made identifiers: a prefix and 26 characters of a 128-bit, time-ordered id.

48 bits of milliseconds then 80 random bits (ULID's layout), written in Crockford base32 so ids
sort as text in the order they were made. Within one millisecond the random part increments, so
ids made by one process are strictly increasing.
"""

from __future__ import annotations

import os
import threading
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # ascending in ASCII, so text order = time order
_PAIRS = [high + low for high in _CROCKFORD for low in _CROCKFORD]  # every 10 bits as 2 chars
_SHIFTS = range(120, -1, -10)
_RANDOM_MASK = (1 << 80) - 1
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def _encode(value: int) -> str:
    # 26 base32 characters hold 130 bits: the 128 of the value, then two zero bits
    bits = value << 2
    return "".join([_PAIRS[(bits >> shift) & 1023] for shift in _SHIFTS])


def ulid(now_ms: int | None = None) -> str:
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
    return _encode(value)


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"


def ulid_floor(ms: int) -> str:
    """The smallest id of millisecond ``ms``: for id-range queries by time."""
    return _encode(ms << 80)
