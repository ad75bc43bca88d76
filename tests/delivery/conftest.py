"""Delivery fixtures: fast retry settings, the app with its dispatcher running, helpers.

``overrides`` changes settings for one test: ``@pytest.mark.parametrize("overrides", [{...}])``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from tests.conftest import ADMIN
from tests.gateway.helpers import signed
from tests.support.apps import app_on

FAST = {
    "retry_schedule": (0.2, 0.2),
    "allow_insecure_destinations": True,
    "poll_interval": 0.2,
    "delivery_timeout": 5.0,
    "replay_interval": 0.001,  # tests replay back to back; tests/hardening bounds replays
}


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, overrides: dict[str, Any]) -> Settings:
    return replace(settings, **{**FAST, **overrides})


@pytest.fixture
async def gateway(services: Runtime) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app with its in-process dispatcher, as ``unihook serve`` runs it."""
    async with AsyncTestClient(app=app_on(services, run_worker=True)) as client:
        yield client


async def subscribe(
    client: Any, url: str, headers: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    body = {"url": url, "events": ["*"], **extra}
    response = await client.post("/v1/subscriptions", json=body, headers=headers or ADMIN)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def ingest(
    client: Any, provider: str = "breezy", vendor_type: str = "candidateAdded", tenant: str = "acme"
) -> str:
    """Send a vendor sample (made unique) and return its event id."""
    body, _ = signed(provider, vendor_type)
    body = unique(body)
    from tests.gateway.helpers import sign

    response = await client.post(
        f"/ingest/{provider}/{tenant}", content=body, headers=sign(provider, body)
    )
    assert response.status_code == 202, response.text
    event_id: str = response.json()["event_id"]
    return event_id


_counter = 0


def unique(body: bytes) -> bytes:
    """The same vendor payload with a distinct id, so it is not a duplicate."""
    import json

    global _counter
    _counter += 1
    payload = json.loads(body)
    tag = f"u{time.time_ns()}-{_counter}"
    if "_id" in payload:
        payload["_id"] = f"{payload['_id']}-{tag}"
    else:
        payload["unihook_test_nonce"] = tag
    return json.dumps(payload).encode()


async def eventually(
    check: Callable[[], Awaitable[Any]], timeout: float = 10.0, interval: float = 0.05
) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last: {result!r})")
        await asyncio.sleep(interval)


async def deliveries_of(
    client: Any, event_id: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/events/{event_id}/deliveries", headers=headers or ADMIN)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def settled(client: Any, event_id: str, count: int = 1) -> list[dict[str, Any]]:
    """The event's deliveries once ``count`` of them are no longer pending."""

    async def check() -> list[dict[str, Any]] | None:
        data = await deliveries_of(client, event_id)
        done = [d for d in data if d["status"] != "pending"]
        return data if len(done) >= count else None

    result: list[dict[str, Any]] = await eventually(check)
    return result


from tests.support.brokers import nats_server, rabbitmq_server, sqs_server  # noqa: E402

__all__ = ["nats_server", "rabbitmq_server", "sqs_server"]
