"""SmartRecruiters' provisioner: the kit's lifecycle suite against the local SmartRecruiters, and
the whole set-up over real HTTP with a running gateway: the subscription is created, activated by
the handshake SmartRecruiters sends to unihook, its notifications answered ``202``, its key
rotated with both keys live, and deleted on disconnect."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from gateway.core.settings import Settings
from providers import ProvisionContext, VendorState
from providers.registry import default_registry
from providers.smartrecruiters.provisioner import KEY_OVERLAP, SmartRecruitersProvisioner
from providers.testing import get_provisioner_test_class
from tests.providers import provisioning_helpers
from tests.providers.smartrecruiters.smartrecruiters_sim import SmartRecruitersSim
from tests.support.live import LiveGateway, live_gateway

KEY = "sr-api-key-for-the-kit-0123456789"
EVENTS = ["application.created", "application.status.updated", "job.created"]


@dataclass
class SmartRecruitersHarness:
    sim: SmartRecruitersSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {"api_key": KEY, "events": EVENTS}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"api_key": "sr-api-key-that-is-refused-9876"}

    def endpoint_count(self) -> int:
        return len(self.sim.subscription_list())


class TestSmartrecruitersProvisioner(
    get_provisioner_test_class(default_registry().get("smartrecruiters"))  # type: ignore[misc]
):
    @pytest.fixture
    def provisioner_harness(
        self, smartrecruiters_sim: SmartRecruitersSim
    ) -> SmartRecruitersHarness:
        smartrecruiters_sim.add_api_key(KEY)
        return SmartRecruitersHarness(smartrecruiters_sim)


# ---- end to end over real HTTP -----------------------------------------------------------------


Live = LiveGateway[SmartRecruitersSim]


def provision_context(live: Live, http: httpx.AsyncClient) -> ProvisionContext:
    return provisioning_helpers.provision_context(http, live.sim.base_url, live.ingest_url)


@pytest.fixture
async def live(settings: Settings, smartrecruiters_sim: SmartRecruitersSim) -> AsyncIterator[Live]:
    smartrecruiters_sim.add_api_key(KEY)
    async with live_gateway(settings, "smartrecruiters", smartrecruiters_sim) as gateway:
        yield gateway


async def provision(live: Live) -> dict[str, Any]:
    created = await live.connect({"api_key": KEY, "events": EVENTS})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def test_provisioning_creates_and_activates_the_subscription(live: Live) -> None:
    connection = await provision(live)
    (subscription,) = live.sim.subscription_list()
    assert subscription.callback_url == live.ingest_url
    assert [e["name"] for e in subscription.events] == EVENTS
    # SmartRecruiters' handshake reached the gateway and was echoed: the subscription is active.
    (handshake,) = live.sim.handshakes
    assert handshake.status_code == 200
    assert subscription.status == "active"
    assert connection["provisioned"]["endpoint_id"] == subscription.id
    # The handshake is not an event.
    events = await live.events()
    assert events == []


async def test_notifications_are_answered_202_once_and_duplicates_202(live: Live) -> None:
    await provision(live)
    (subscription,) = live.sim.subscription_list()
    body = json.dumps({"job_id": "j-1", "candidate_id": "c-1"}).encode()
    first = await live.sim.deliver(
        subscription.id, "application.status.updated", body, event_id="evt-live-1"
    )
    assert first.status_code == 202, first.response.text if first.response else first.error
    again = await live.sim.deliver(
        subscription.id, "application.status.updated", body, event_id="evt-live-1"
    )
    assert again.status_code == 202
    assert again.response is not None
    assert again.response.json()["status"] == "duplicate"
    events = await live.events()
    assert [(e["type"], e["source"]["event_id"]) for e in events] == [
        ("ats.application.stage_changed", "evt-live-1")
    ]


async def test_a_rotated_key_verifies_alongside_the_old_one(live: Live) -> None:
    connection = await provision(live)
    (subscription,) = live.sim.subscription_list()
    vendor = VendorState({"subscription_id": subscription.id}, {"api_key": KEY})
    async with httpx.AsyncClient(timeout=10) as http:
        new_key = await SmartRecruitersProvisioner().rotate_key(
            provision_context(live, http), vendor
        )
    rotated = await live.api.post(
        f"/v1/connections/{connection['id']}/secrets",
        json={"secret": new_key, "previous_expires_in": KEY_OVERLAP},
    )
    assert rotated.status_code == 200, rotated.text
    body = b'{"id":"job-42"}'
    both = await live.sim.deliver(subscription.id, "job.created", body, event_id="evt-rot-1")
    assert both.headers["smartrecruiters-signature"].count("v1=") == 2
    assert both.status_code == 202
    # A day later SmartRecruiters signs with the new key only; the connection still verifies it.
    now = live.sim.clock()
    live.sim.clock = lambda: now + KEY_OVERLAP + 60
    later = await live.sim.deliver(
        subscription.id, "job.created", body, event_id="evt-rot-2", timestamp=int(now)
    )
    assert later.headers["smartrecruiters-signature"].count("v1=") == 1
    assert later.status_code == 202


async def test_disconnecting_deletes_the_subscription(live: Live) -> None:
    connection = await provision(live)
    assert len(live.sim.subscription_list()) == 1
    deleted = await live.api.delete(f"/v1/connections/{connection['id']}")
    assert deleted.status_code in (200, 204), deleted.text
    assert live.sim.subscription_list() == []
