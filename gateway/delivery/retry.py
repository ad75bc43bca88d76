"""When to try again, and what an answer means for a delivery and its subscription (pure).

The schedule is seconds between attempts (``UNIHOOK_RETRY_SCHEDULE``): the first attempt is
immediate, attempt ``n + 1`` comes ``schedule[n - 1]`` seconds (±20%) after attempt ``n``, and
after ``len(schedule) + 1`` attempts the delivery is ``failed``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from gateway.delivery.retry_after import MAX_RETRY_AFTER, parse_retry_after

JITTER = 0.2
RETRY_AFTER_STATUSES = frozenset({429, 503})

__all__ = [
    "MAX_RETRY_AFTER",
    "RETRY_AFTER_STATUSES",
    "disables_at_once",
    "failing_too_long",
    "is_success",
    "next_delay",
    "outcome_of",
    "parse_retry_after",
]

AttemptOutcome = Literal["succeeded", "retry", "failed"]


def is_success(status_code: int | None) -> bool:
    """Any 2xx. A 3xx is a failure: redirects are not followed."""
    return status_code is not None and 200 <= status_code < 300


def disables_at_once(status_code: int | None) -> bool:
    """``410 Gone``: the subscriber says the endpoint is gone for good."""
    return status_code == 410


def next_delay(
    schedule: Sequence[float],
    attempts_made: int,
    *,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds until the next attempt after ``attempts_made`` attempts, or None: give up.

    ``rand`` returns a float in [0, 1) (injected so tests can pin the jitter).
    """
    if attempts_made < 1 or attempts_made > len(schedule):
        return None
    base = float(schedule[attempts_made - 1])
    delay = base * (1 - JITTER + 2 * JITTER * rand())
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def outcome_of(
    status_code: int | None,
    *,
    attempts_made: int,
    schedule: Sequence[float],
    now: datetime,
    retry_after_header: str | None = None,
    rand: Callable[[], float] = random.random,
) -> tuple[AttemptOutcome, datetime | None]:
    """The delivery's state after an attempt, and when the next one is due (None if none)."""
    if is_success(status_code):
        return "succeeded", None
    retry_after = (
        parse_retry_after(retry_after_header, now) if status_code in RETRY_AFTER_STATUSES else None
    )
    delay = next_delay(schedule, attempts_made, retry_after=retry_after, rand=rand)
    if delay is None:
        return "failed", None
    return "retry", now + timedelta(seconds=delay)


def failing_too_long(failing_since: datetime | None, now: datetime, disable_after: float) -> bool:
    """Whether failures with no success in between have lasted ``disable_after`` seconds."""
    return failing_since is not None and (now - failing_since).total_seconds() >= disable_after
