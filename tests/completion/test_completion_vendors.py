"""Completing thin events end to end for the HRIS vendors: a sample webhook of each vendor,
signed as the vendor signs, ingested to a connection with ``complete: true``; a real worker reads
the records from the vendor's local simulator over real HTTP, and a local subscriber receives the
event with ``completeness: "full"``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.core.settings import Settings
from gateway.runtime import Runtime
from providers.registry import default_registry
from providers.testing import VendorSimulator
from tests.completion.conftest import worker
from tests.conftest import ADMIN
from tests.delivery.conftest import FAST, subscribe
from tests.delivery.receiver import Receiver
from tests.providers.finch.finch_sim import TOKEN as FINCH_TOKEN
from tests.providers.hibob.hibob_sim import SERVICE_USER
from tests.providers.hibob.hibob_sim import TOKEN as BOB_TOKEN
from tests.providers.kombo.kombo_sim import API_KEY as KOMBO_KEY


@dataclass(frozen=True)
class Vendor:
    provider: str
    vendor_type: str
    secret: str
    credentials: dict[str, str]
    prepare: Callable[[Any], None]
    """Give the simulator the credentials (a token, an API client)."""
    employee: Callable[[dict[str, Any]], Any] = lambda data: data["employee"]
    """Where the completed event's ``data`` holds the employee."""


def _nothing(sim: Any) -> None:
    return None


VENDORS = {
    "hibob": Vendor(
        "hibob",
        "employee.updated",
        "bob-e2e-webhook-secret",
        {"service_user_id": SERVICE_USER, "token": BOB_TOKEN},
        _nothing,
    ),
    "personio": Vendor(
        "personio",
        "person.updated",
        "personio-e2e-webhook-token",
        {"client_id": "papi-e2e", "client_secret": "papi-e2e-secret"},
        lambda sim: sim.add_client("papi-e2e", "papi-e2e-secret"),
    ),
    "gusto": Vendor(
        "gusto",
        "employee.updated",
        "gusto-e2e-verification-token",
        {"access_token": "gusto-e2e-company-token"},
        lambda sim: sim.add_token("gusto-e2e-company-token"),
    ),
    "remote": Vendor(
        "remote",
        "employment.details.updated",
        "remote-e2e-signing-key",
        {"token": "remote-e2e-token"},
        lambda sim: sim.add_token("remote-e2e-token"),
    ),
    "finch": Vendor(
        "finch",
        "individual.updated",
        base64.b64encode(b"finch-e2e-webhook-secret-0123456").decode(),
        {"access_token": FINCH_TOKEN},
        _nothing,
    ),
    "kombo": Vendor(
        "kombo",
        "data-changed",
        "kombo-e2e-webhook-secret",
        {"api_key": KOMBO_KEY},
        lambda sim: sim.changed_now(),
        lambda data: data["employees"][0],
    ),
}


@pytest.fixture(params=sorted(VENDORS))
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return VENDORS[request.param]


@pytest.fixture
def sim(request: pytest.FixtureRequest, vendor: Vendor) -> VendorSimulator:
    found: VendorSimulator = request.getfixturevalue(f"{vendor.provider}_sim")
    vendor.prepare(found)
    return found


@pytest.fixture
def settings(settings: Settings, vendor: Vendor, sim: VendorSimulator) -> Settings:
    env = {f"UNIHOOK_PROVIDER_{vendor.provider.upper()}_API_URL": sim.base_url}
    return replace(settings, provider_env=env, **{**FAST, "lease_seconds": 2})


async def test_a_thin_event_reaches_the_subscriber_full(
    client: AsyncTestClient[Any],
    services: Runtime,
    vendor: Vendor,
    sim: VendorSimulator,
    receiver: Receiver,
) -> None:
    body = {
        "provider": vendor.provider,
        "tenant": "acme",
        "secret": vendor.secret,
        "complete": True,
        "credentials": vendor.credentials,
    }
    made = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    assert all(v not in made.text for v in vendor.credentials.values())
    await subscribe(client, receiver.url)

    adapter = default_registry().get(vendor.provider)
    raw = adapter.sample_events()[vendor.vendor_type]
    signed, headers = adapter.sign_request(raw, vendor.secret, now=datetime.now(UTC))
    answer = await client.post(f"/ingest/{vendor.provider}/acme", content=signed, headers=headers)
    assert answer.status_code in (200, 202), answer.text

    async with worker(services):
        (delivery,) = await receiver.wait_for(1, timeout=20)
    event = json.loads(delivery.body)
    assert event["source"]["provider"] == vendor.provider
    assert event["completeness"] == "full"
    assert "completion_error" not in event["source"]
    assert vendor.employee(event["data"])["name"] == "Ada Lovelace"
    assert any(c.status_code == 200 and c.method in ("GET", "POST") for c in sim.calls)
