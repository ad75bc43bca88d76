"""Remote's provisioner: the kit's lifecycle suite against the local Remote, and its own rules
(the signing key only from the registration answer, health read from the callback list,
documented event types only)."""

from __future__ import annotations

import msgspec
import pytest

from providers import ProvisioningError, VendorState
from providers.registry import default_registry
from providers.remote.provisioner import RemoteProvision, RemoteProvisioner
from providers.testing import FixedHarness, get_provisioner_test_class
from tests.providers.provisioning_helpers import closed_ingest_url, run_on, token_harness
from tests.providers.remote.remote_sim import RemoteSim

TOKEN = "remote-company-token-for-the-kit-0123456789"
EVENTS = ["employment.onboarding.completed", "payslip.released", "timeoff.requested"]
ADAPTER = default_registry().get("remote")


class TestRemoteProvisioner(get_provisioner_test_class(ADAPTER)):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, remote_sim: RemoteSim) -> FixedHarness:
        return token_harness(remote_sim, TOKEN, EVENTS, lambda: len(remote_sim.callback_list()))


def test_the_key_remote_returns_verifies_its_notifications(remote_sim: RemoteSim) -> None:
    remote_sim.add_token(TOKEN)
    provisioner = RemoteProvisioner()
    request = msgspec.convert({"token": TOKEN, "events": EVENTS}, RemoteProvision)
    result = run_on(remote_sim, "remote", lambda ctx: provisioner.provision(ctx, request))
    (callback,) = remote_sim.callback_list()
    assert (callback.url, callback.subscribed_events) == (
        closed_ingest_url("remote"),
        EVENTS,
    )
    body = ADAPTER.sample_events()["payslip.released"]
    assert ADAPTER.verify(body, remote_sim.headers_for(callback.id, body), result.secrets)
    health = run_on(
        remote_sim,
        "remote",
        lambda ctx: provisioner.health(ctx, VendorState(result.state, result.credentials)),
    )
    assert health.stats == {"events": EVENTS}


def test_an_unknown_event_type_is_refused_before_calling_remote(remote_sim: RemoteSim) -> None:
    remote_sim.add_token(TOKEN)
    request = msgspec.convert({"token": TOKEN, "events": ["employee.hired"]}, RemoteProvision)
    with pytest.raises(ProvisioningError) as caught:
        run_on(remote_sim, "remote", lambda ctx: RemoteProvisioner().provision(ctx, request))
    assert caught.value.kind == "invalid"
    assert "employee.hired" in caught.value.message
    assert remote_sim.callback_list() == []
