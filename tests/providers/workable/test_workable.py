"""Workable's rejections and hires: reported only as fields of the candidate a move carries."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec

from providers.registry import default_registry

WORKABLE = default_registry().get("workable")
RECEIVED_AT = datetime(2025, 4, 1, tzinfo=UTC)


def _moved(**candidate: Any) -> bytes:
    payload = json.loads(WORKABLE.sample_events()["candidate_moved"])
    payload["data"].update(candidate)
    return json.dumps(payload).encode()


def _as_dict(value: Any) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(msgspec.json.encode(value))
    return decoded


def test_a_disqualification_also_emits_a_rejection_with_its_reason() -> None:
    parts = WORKABLE.normalize(
        _moved(
            stage="Interview",
            disqualified=True,
            disqualification_reason="Went with another candidate",
            disqualified_at="2025-03-20T10:00:00.000Z",
        ),
        received_at=RECEIVED_AT,
    )
    assert parts.type == "ats.application.stage_changed"
    [rejected] = parts.also
    assert rejected.type == "ats.application.rejected"
    application = _as_dict(rejected.data)["application"]
    assert application["rejection_reason"] == "Went with another candidate"
    # a later move of the same disqualified candidate is the same rejection
    again = WORKABLE.normalize(
        _moved(
            stage="Offer",
            disqualified=True,
            disqualification_reason="Went with another candidate",
            disqualified_at="2025-03-20T10:00:00.000Z",
        ),
        received_at=RECEIVED_AT,
    )
    assert again.also[0].event_id == rejected.event_id


def test_a_hire_also_emits_a_hire() -> None:
    parts = WORKABLE.normalize(
        _moved(stage="Hired", hired_at="2025-03-28T16:30:00.000Z"), received_at=RECEIVED_AT
    )
    [hired] = parts.also
    assert hired.type == "ats.candidate.hired"
    data = _as_dict(hired.data)
    assert data["candidate"]["id"]
    assert data["application"]["id"] == data["candidate"]["id"]


def test_a_plain_move_emits_nothing_else() -> None:
    assert WORKABLE.normalize(_moved(), received_at=RECEIVED_AT).also == ()
