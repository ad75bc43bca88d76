"""Destinations that misbehave: each becomes a recorded failed attempt, never a lost send."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from gateway.runtime import Runtime
from gateway.storage.models import Subscription
from tests.conftest import ADMIN
from tests.delivery.conftest import ingest, settled, subscribe
from tests.gateway.helpers import connect


@pytest.mark.parametrize(
    "url",
    [
        "https://a..b/x",
        f"https://{'a' * 64}.example.com/x",
        f"https://{'a.' * 127}com/x",
        "https://.example.com/x",
    ],
)
async def test_a_host_that_cannot_be_a_dns_name_is_refused_at_creation(
    gateway: Any, url: str
) -> None:
    body = {"url": url, "events": ["*"]}
    response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == "Invalid URL format"
    made = await gateway.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    response = await gateway.put(
        f"/v1/subscriptions/{made.json()['id']}", json={"url": url}, headers=ADMIN
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid URL format"


async def test_an_exception_in_a_send_is_a_recorded_failed_attempt(
    gateway: Any, services: Runtime
) -> None:
    await connect(gateway, "breezy")
    sub = await subscribe(gateway, "https://hooks.example.com/x")
    async with services.sessions() as session, session.begin():  # as stored before the check
        await session.execute(
            update(Subscription).where(Subscription.id == sub["id"]).values(url="https://a..b/x")
        )
    event_id = await ingest(gateway)
    [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3  # the first try and the two retries of FAST
    assert all(a["error"] for a in delivery["attempts"])
    assert all(a["status_code"] is None for a in delivery["attempts"])
