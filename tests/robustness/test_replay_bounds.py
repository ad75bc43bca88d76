"""Replay is bounded: one running per subscription, at most ``UNIHOOK_REPLAY_MAX_EVENTS`` events
a replay, and one replay per ``UNIHOOK_REPLAY_INTERVAL`` seconds per subscription."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.storage.models import Delivery
from tests.conftest import ADMIN
from tests.delivery.conftest import unique
from tests.gateway.helpers import connect, sign, signed

EVERYTHING = {"since": "0"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, replay_max_events=3, replay_interval=3600.0)


@pytest.fixture
async def client(services: Runtime) -> AsyncIterator[AsyncTestClient[Any]]:
    # no dispatcher: replayed deliveries stay pending until the test settles them
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def _ingest(client: Any, count: int) -> None:
    await connect(client, "breezy")
    for _ in range(count):
        body = unique(signed("breezy", "candidateAdded")[0])
        response = await client.post(
            "/ingest/breezy/acme", content=body, headers=sign("breezy", body)
        )
        assert response.status_code == 202, response.text


async def _subscription(client: Any) -> str:
    made = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    assert made.status_code == 201, made.text
    sub_id: str = made.json()["id"]
    return sub_id


async def _pending(services: Runtime, sub_id: str) -> int:
    async with services.sessions() as session:
        query = select(func.count()).where(
            Delivery.subscription_id == sub_id, Delivery.status == "pending"
        )
        return int((await session.execute(query)).scalar_one())


async def test_a_replay_while_the_last_one_is_pending_is_409(
    client: Any, services: Runtime
) -> None:
    await _ingest(client, 2)
    sub_id = await _subscription(client)
    async with services.sessions() as session, session.begin():  # fan-out's own deliveries done
        await session.execute(update(Delivery).values(status="succeeded"))
    path = f"/v1/subscriptions/{sub_id}/replay"
    first = await client.post(path, json=EVERYTHING, headers=ADMIN)
    assert first.status_code == 202, first.text
    assert first.json() == {"enqueued": 2}
    again = await client.post(path, json=EVERYTHING, headers=ADMIN)
    assert again.status_code == 409, again.text
    assert await _pending(services, sub_id) == 2


async def test_a_replay_sooner_than_the_interval_is_429(client: Any, services: Runtime) -> None:
    await _ingest(client, 1)
    sub_id = await _subscription(client)
    path = f"/v1/subscriptions/{sub_id}/replay"
    assert (await client.post(path, json=EVERYTHING, headers=ADMIN)).status_code == 202
    async with services.sessions() as session, session.begin():  # the replay was delivered
        await session.execute(update(Delivery).values(status="succeeded"))
    again = await client.post(path, json=EVERYTHING, headers=ADMIN)
    assert again.status_code == 429, again.text
    assert int(again.headers["retry-after"]) > 0
    assert await _pending(services, sub_id) == 0


async def test_a_window_wider_than_the_cap_is_400_and_queues_nothing(
    client: Any, services: Runtime
) -> None:
    await _ingest(client, 4)
    sub_id = await _subscription(client)
    async with services.sessions() as session, session.begin():
        await session.execute(update(Delivery).values(status="succeeded"))
    response = await client.post(
        f"/v1/subscriptions/{sub_id}/replay", json=EVERYTHING, headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert "3" in response.json()["detail"]
    assert await _pending(services, sub_id) == 0
