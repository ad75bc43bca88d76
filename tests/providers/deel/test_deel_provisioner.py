"""Deel's provisioner: the kit's lifecycle suite against the local Deel, and its own rules (the
signing key only from the creation answer, pause as ``disabled``, a delivery to the provisioned
URL verified with the key it returned)."""

from __future__ import annotations

import msgspec
import pytest

from providers import ProvisioningError, VendorState
from providers.deel.provisioner import DeelProvision, DeelProvisioner
from providers.registry import default_registry
from providers.testing import FixedHarness, get_provisioner_test_class
from tests.providers.deel.deel_sim import DeelSim
from tests.providers.provisioning_helpers import closed_ingest_url, run_on, token_harness

TOKEN = "deel-api-token-for-the-kit-0123456789"
EVENTS = ["contract.created", "contract.terminated", "time-off.reviewed"]
ADAPTER = default_registry().get("deel")


class TestDeelProvisioner(get_provisioner_test_class(ADAPTER)):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, deel_sim: DeelSim) -> FixedHarness:
        return token_harness(deel_sim, TOKEN, EVENTS, lambda: len(deel_sim.webhook_list()))


def test_the_key_deel_returns_verifies_its_deliveries(deel_sim: DeelSim) -> None:
    deel_sim.add_token(TOKEN)
    provisioner = DeelProvisioner()
    request = msgspec.convert({"token": TOKEN, "events": EVENTS}, DeelProvision)
    result = run_on(deel_sim, "deel", lambda ctx: provisioner.provision(ctx, request))
    (webhook,) = deel_sim.webhook_list()
    assert webhook.url == closed_ingest_url("deel")
    assert webhook.events == EVENTS
    assert (webhook.status, result.summary.enabled) == ("enabled", True)
    body = ADAPTER.sample_events()["contract.created"]
    assert ADAPTER.verify(body, deel_sim.headers_for(webhook.id, body), result.secrets)


def test_pause_disables_and_resume_enables(deel_sim: DeelSim) -> None:
    deel_sim.add_token(TOKEN)
    provisioner = DeelProvisioner()
    request = msgspec.convert({"token": TOKEN}, DeelProvision)
    result = run_on(deel_sim, "deel", lambda ctx: provisioner.provision(ctx, request))
    vendor = VendorState(result.state, result.credentials)
    paused = run_on(deel_sim, "deel", lambda ctx: provisioner.pause(ctx, vendor))
    assert (paused.status, deel_sim.webhook_list()[0].status) == ("disabled", "disabled")
    resumed = run_on(deel_sim, "deel", lambda ctx: provisioner.resume(ctx, vendor))
    assert (resumed.status, resumed.enabled) == ("enabled", True)


def test_an_empty_event_list_is_refused_before_calling_deel(deel_sim: DeelSim) -> None:
    deel_sim.add_token(TOKEN)
    request = msgspec.convert({"token": TOKEN, "events": []}, DeelProvision)
    with pytest.raises(ProvisioningError) as caught:
        run_on(deel_sim, "deel", lambda ctx: DeelProvisioner().provision(ctx, request))
    assert caught.value.kind == "invalid"
    assert deel_sim.webhook_list() == []
