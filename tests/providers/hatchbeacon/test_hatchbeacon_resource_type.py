"""HatchBeacon audit logs say which resource ``resourceId`` is (``resourceType``): an id is filed
only as the resource it names."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import msgspec
import pytest

from providers.registry import default_registry

ADAPTER = default_registry().get("hatchbeacon")
NOW = datetime(2025, 3, 1, tzinfo=UTC)


def _retyped(event: str, resource_type: str, resource_id: str = "app_77") -> dict[str, object]:
    payload = json.loads(ADAPTER.sample_events()[event])
    payload["data"]["log"]["resourceType"] = resource_type
    payload["data"]["log"]["resourceId"] = resource_id
    body = json.dumps(payload).encode()
    data: dict[str, object] = msgspec.to_builtins(ADAPTER.normalize(body, received_at=NOW).data)
    return data


@pytest.mark.parametrize("resource_type", ["job_application", "jobApplication", "application"])
def test_a_hire_logged_on_an_application_does_not_file_it_as_the_candidate(
    resource_type: str,
) -> None:
    data = _retyped("candidate_hired", resource_type)
    assert data["candidate"].get("id") != "app_77"  # type: ignore[attr-defined]
    # the id is the hired application's: kept where it belongs, not dropped
    assert data["application"] == {"id": "app_77"}


def test_a_note_logged_on_an_application_does_not_file_it_as_the_note() -> None:
    data = _retyped("note_added", "job_application")
    assert data["note"].get("id") != "app_77"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("event", "resource_type", "field"),
    [
        ("candidate_hired", "candidate", "candidate"),
        ("note_added", "note", "note"),
        ("application_status_changed", "job_application", "application"),
        ("interview_scheduled", "interview", "interview"),
    ],
)
def test_an_id_of_the_named_resource_is_kept(event: str, resource_type: str, field: str) -> None:
    data = _retyped(event, resource_type)
    assert data[field]["id"] == "app_77"  # type: ignore[index]
