"""Ashby's mapping where its docs decide it: the dedup key, the hire's start date, and the
rejection a status change reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from providers.registry import default_registry

ASHBY = default_registry().get("ashby")
RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)
ACTION_ID = "c81b7e2d-5a4f-4e3c-b2a1-9f8e7d6c5b4a"


GOLDEN = Path(__file__).resolve().parent


def _body(action: str, **changes: Any) -> bytes:
    """A sample body, or a golden fixture's (``<action>.<variant>``)."""
    if "." in action:
        payload = json.loads((GOLDEN / f"{action}.body.json").read_bytes())
    else:
        payload = json.loads(ASHBY.sample_events()[action])
    payload.update(changes)
    return json.dumps(payload).encode()


def _data(action: str) -> dict[str, Any]:
    parts = ASHBY.normalize(_body(action), received_at=RECEIVED_AT)
    return json.loads(msgspec.json.encode(parts.data))


def test_the_payloads_of_one_change_are_not_duplicates_of_each_other() -> None:
    """Ashby documents ``webhookActionId`` as shared by the payloads one change fires (a hire
    also fires ``applicationUpdate`` and ``candidateStageChange``): the key is the id and the
    action, so none of the three is dropped as a duplicate, and a retry of one still is."""
    keys = {
        action: ASHBY.normalize(
            _body(action, webhookActionId=ACTION_ID), received_at=RECEIVED_AT
        ).event_id
        for action in ("candidateHire", "applicationUpdate", "candidateStageChange")
    }
    assert len(set(keys.values())) == 3
    retry = ASHBY.normalize(
        _body("candidateHire", webhookActionId=ACTION_ID), received_at=RECEIVED_AT
    )
    assert retry.event_id == keys["candidateHire"]


def test_a_hire_carries_the_offers_start_date_as_a_date() -> None:
    offer = _data("candidateHire")["offer"]
    assert offer["id"] == "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"
    assert offer["start_date"] == "2025-03-03"


def test_an_offers_start_date_is_a_date() -> None:
    """``latestVersion.startDate`` is the first day of work: a date, as every vendor's is."""
    for action in ("offerCreate", "offerUpdate"):
        start = _data(action)["offer"].get("start_date")
        assert start is None or len(start) == 10, (action, start)


def test_an_archive_reported_as_a_status_also_emits_a_rejection() -> None:
    """Ashby reports a rejection only as an application whose status is ``Archived`` with an
    ``archiveReason``: the update is kept, and ``ats.application.rejected`` comes with it, once
    for the two payloads (``applicationUpdate``, ``candidateStageChange``) the archive fires."""
    parts = ASHBY.normalize(_body("applicationUpdate.archived"), received_at=RECEIVED_AT)
    assert parts.type == "ats.application.updated"
    [rejected] = parts.also
    assert rejected.type == "ats.application.rejected"
    data = json.loads(msgspec.json.encode(rejected.data))
    assert data["application"]["rejection_reason"]
    twin = json.loads(_body("applicationUpdate.archived"))
    twin["action"] = "candidateStageChange"
    other = ASHBY.normalize(json.dumps(twin).encode(), received_at=RECEIVED_AT)
    assert other.type == "ats.application.stage_changed"
    assert [p.event_id for p in other.also] == [rejected.event_id]
    assert ASHBY.normalize(_body("applicationUpdate"), received_at=RECEIVED_AT).also == ()
