"""One mistyped optional field no longer quarantines the event: the field is left out, counted
in ``unihook_ingest_dropped_fields_total``, and the rest normalises."""

from __future__ import annotations

import json
from typing import Any

import pytest
from prometheus_client import REGISTRY

from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, sign


def _sample(provider: str, vendor_type: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        default_registry().get(provider).sample_events()[vendor_type]
    )
    return payload


def _dropped(provider: str, field: str) -> float:
    value = REGISTRY.get_sample_value(
        "unihook_ingest_dropped_fields_total", {"provider": provider, "field": field}
    )
    return value or 0.0


def _breezy_bool_date(p: dict[str, Any]) -> None:
    p["creation_date"] = True


def _breezy_numeric_stage_time(p: dict[str, Any]) -> None:
    p["object"]["entered_stage"] = 1736937000


def _breezy_tags_not_a_list(p: dict[str, Any]) -> None:
    p["object"]["candidate"]["tags"] = "backend"


def _bindbee_string_initial_sync(p: dict[str, Any]) -> None:
    p["data"]["initial_sync"] = "yes"


def _bindbee_categories_not_a_list(p: dict[str, Any]) -> None:
    p["connector"]["categories"] = "HRIS"


@pytest.mark.parametrize(
    ("provider", "vendor_type", "spoil", "field"),
    [
        ("breezy", "candidateStatusUpdated", _breezy_bool_date, "creation_date"),
        ("breezy", "candidateStatusUpdated", _breezy_numeric_stage_time, "entered_stage"),
        ("breezy", "candidateAdded", _breezy_tags_not_a_list, "candidate.tags"),
        ("bindbee", "connector_synced", _bindbee_string_initial_sync, "data.initial_sync"),
        ("bindbee", "connector_synced", _bindbee_categories_not_a_list, "connector.categories"),
    ],
)
async def test_a_mistyped_optional_field_is_left_out(
    client: Any, provider: str, vendor_type: str, spoil: Any, field: str
) -> None:
    await connect(client, provider)
    payload = _sample(provider, vendor_type)
    spoil(payload)
    body = json.dumps(payload).encode()
    before = _dropped(provider, field)
    response = await client.post(
        f"/ingest/{provider}/acme", content=body, headers=sign(provider, body)
    )
    assert response.status_code == 202
    assert response.json()["status"] == "accepted", response.text
    event = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert event["data"]  # the rest of the event normalised
    assert _dropped(provider, field) == before + 1


async def test_a_mistyped_required_field_still_quarantines(client: Any) -> None:
    await connect(client, "breezy")
    payload = _sample("breezy", "candidateAdded")
    payload["type"] = 42
    body = json.dumps(payload).encode()
    response = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert response.json()["status"] == "quarantined"
