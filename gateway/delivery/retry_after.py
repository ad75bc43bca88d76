"""A subscriber's ``Retry-After`` as seconds to wait (pure): RFC 9110's two forms and nothing else.

The header is the subscriber's to write, so any value may arrive: digits the standard library
counts as digits but cannot convert (``"²"``), dates past the calendar's end, years of digits.
Whatever cannot be read as ASCII delta-seconds or an HTTP date is no value at all (None), never an
exception in the code judging the answer.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER = 86400.0  # a subscriber's Retry-After is honoured up to one day

_DELTA_SECONDS = re.compile(r"[0-9]+", re.ASCII)
_LONGEST_DELTA = len(str(int(MAX_RETRY_AFTER)))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date), at most
    ``MAX_RETRY_AFTER``; None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        digits = value.lstrip("0")
        if len(digits) > _LONGEST_DELTA:  # never converts a year's worth of digits
            return MAX_RETRY_AFTER
        return min(float(int(digits or "0")), MAX_RETRY_AFTER)
    if not value.isascii():
        return None
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            return None
        seconds = (when - now).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
