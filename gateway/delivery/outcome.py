"""What an attempt means: the delivery's next state, and what it says of its destination (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.delivery.attempt import AttemptResult
from gateway.delivery.concurrency import Signal
from gateway.delivery.queue import Due, Result
from gateway.delivery.retry import disables_at_once, is_success, outcome_of

OVERLOAD_ERRORS = ("timeout", "connection", "ReadError", "WriteError", "RemoteProtocolError")


def result_of(candidate: Due, attempt: AttemptResult, schedule: Sequence[float]) -> Result:
    """The result to record: succeeded, or retried on ``schedule`` (a ``Retry-After`` of 429 and
    503 honoured), or failed once the schedule is spent; 410 disables the subscription."""
    attempt_number = candidate.attempts + 1
    outcome, next_at = outcome_of(
        attempt.status,
        attempts_made=attempt_number,
        schedule=schedule,
        now=attempt.finished,
        retry_after_header=attempt.retry_after,
    )
    return Result(
        delivery_id=candidate.id,
        subscription_id=candidate.subscription_id,
        attempted_at=attempt.started,
        attempt_number=attempt_number,
        status_code=attempt.status,
        latency_ms=attempt.latency_ms,
        snippet=attempt.snippet,
        error=attempt.error,
        request_headers=attempt.request_headers,
        response_headers=attempt.response_headers,
        outcome=outcome,
        next_attempt_at=next_at,
        gone=disables_at_once(attempt.status),
    )


def signal_of(result: Result) -> Signal:
    """What an attempt says about its destination's capacity."""
    status = result.status_code
    if status is None:
        error = result.error or ""
        return Signal.OVERLOAD if error.startswith(OVERLOAD_ERRORS) else Signal.NEUTRAL
    if status in (429, 503):
        return Signal.OVERLOAD
    return Signal.OK if is_success(status) else Signal.NEUTRAL
