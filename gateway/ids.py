"""Gateway-made identifiers: a prefix and 26 characters of a 128-bit, time-ordered id.

48 bits of milliseconds then 80 random bits (ULID's layout), written in Crockford base32 so ids
sort as text in the order they were made. Within one millisecond the random part increments, so
ids made by one process are strictly increasing.
"""

from __future__ import annotations

import base64
import os
import threading
import time

_RFC4648 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_CROCKFORD = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # ascending in ASCII, so text order = time order
_TO_CROCKFORD = bytes.maketrans(_RFC4648, _CROCKFORD)
_RANDOM_MASK = (1 << 80) - 1
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def _encode(value: int) -> str:
    # 26 base32 characters hold 130 bits: the 128 of the value, then two zero bits
    raw = base64.b32encode(value.to_bytes(16, "big") + b"\0")[:26]
    return raw.translate(_TO_CROCKFORD).decode("ascii")


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
