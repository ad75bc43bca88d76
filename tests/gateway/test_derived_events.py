"""A body that implies a second event (``also_emits``) is stored and delivered as two events,
and a rejection reported by two payloads of one change is one event."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Delivery, Event
from providers.registry import default_registry
from tests.conftest import ADMIN

SECRET = "ashby-secret-token"
ARCHIVED = Path(__file__).resolve().parents[1] / "providers" / "ashby"
ASHBY = default_registry().get("ashby")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, allow_insecure_destinations=True)


async def _post(client: Any, payload: dict[str, Any]) -> Any:
    body, headers = ASHBY.sign_request(json.dumps(payload).encode(), SECRET, now=utcnow())
    return await client.post("/ingest/ashby/acme", content=body, headers=headers)


async def test_an_archive_is_an_update_and_a_rejection_delivered_once(
    client: Any, services: Runtime
) -> None:
    made = await client.post(
        "/v1/connections",
        json={"provider": "ashby", "tenant": "acme", "secret": SECRET},
        headers=ADMIN,
    )
    assert made.status_code == 201
    subscription = await client.post(
        "/v1/subscriptions",
        json={"url": "http://127.0.0.1:9/hook", "events": ["ats.application.*"]},
        headers=ADMIN,
    )
    assert subscription.status_code == 201
    update = json.loads((ARCHIVED / "applicationUpdate.archived.body.json").read_bytes())
    first = await _post(client, update)
    assert first.status_code == 202
    assert first.json()["status"] == "accepted"
    stage_change = {**update, "action": "candidateStageChange"}
    assert (await _post(client, stage_change)).json()["status"] == "accepted"
    assert (await _post(client, update)).json()["status"] == "duplicate"

    events = (await client.get("/v1/events", headers=ADMIN)).json()["data"]
    assert sorted(e["type"] for e in events) == [
        "ats.application.rejected",
        "ats.application.stage_changed",
        "ats.application.updated",
    ]
    [rejected] = [e for e in events if e["type"] == "ats.application.rejected"]
    assert rejected["data"]["application"]["rejection_reason"]
    assert rejected["subject"] == f"application/{update['data']['application']['id']}"
    async with services.sessions() as session:
        deliveries = (await session.execute(select(func.count()).select_from(Delivery))).scalar()
        stored = (await session.execute(select(func.count()).select_from(Event))).scalar()
    assert stored == 3
    assert deliveries == 3  # one per event, the rejection once
