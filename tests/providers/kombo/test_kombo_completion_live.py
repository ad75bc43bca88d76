"""Kombo's ``data-changed`` completed end to end, twice for one integration: the gateway hands
the completer the first event's receipt, and the second read asks Kombo for what changed since
then (less the margin). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from providers.kombo import adapter
from providers.kombo.client import kombo_time
from providers.kombo.completer import MARGIN
from tests.completion.conftest import worker
from tests.conftest import ADMIN
from tests.delivery.conftest import FAST, subscribe
from tests.delivery.receiver import Receiver
from tests.providers.kombo.kombo_sim import API_KEY, HRIS, KomboSim

SECRET = "kombo-e2e-webhook-secret"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, kombo_sim: KomboSim) -> Settings:
    env = {"UNIHOOK_PROVIDER_KOMBO_API_URL": kombo_sim.base_url}
    return replace(settings, provider_env=env, **{**FAST, "lease_seconds": 2})


async def _post(client: AsyncTestClient[Any], event_id: str) -> None:
    body = json.loads(adapter.sample_events()["data-changed"])
    body["id"] = event_id
    raw = json.dumps(body).encode()
    signed, headers = adapter.sign_request(raw, SECRET, now=datetime.now(UTC))
    answer = await client.post("/ingest/kombo/acme", content=signed, headers=headers)
    assert answer.status_code == 202, answer.text


async def test_the_second_event_reads_what_changed_since_the_first(
    client: AsyncTestClient[Any], services: Runtime, kombo_sim: KomboSim, receiver: Receiver
) -> None:
    kombo_sim.changed_now()
    body = {
        "provider": "kombo",
        "tenant": "acme",
        "secret": SECRET,
        "complete": True,
        "credentials": {"api_key": API_KEY},
    }
    made = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    await subscribe(client, receiver.url)

    await _post(client, "FirstDataChanged0000001")
    async with worker(services):
        (first,) = await receiver.wait_for(1, timeout=20)
    await _post(client, "SecondDataChanged000002")
    async with worker(services):
        (_, second) = await receiver.wait_for(2, timeout=20)

    events = [json.loads(d.body) for d in (first, second)]
    assert [e["completeness"] for e in events] == ["full", "full"]
    assert all(e["subject"] == f"connector/{HRIS}" for e in events)
    assert [e["data"]["employees"][0]["name"] for e in events] == ["Ada Lovelace"] * 2
    received = datetime.fromisoformat(events[0]["source"]["received_at"].replace("Z", "+00:00"))
    reads = [q["updated_after"] for integration, _, q in kombo_sim.reads if integration == HRIS]
    assert len(reads) == 2
    assert reads[1] == kombo_time(received - MARGIN)
    assert reads[0] < reads[1]  # the first had no previous event: the look-back
