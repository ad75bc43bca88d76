"""Remote's provisioner: the kit's lifecycle suite against the local Remote, and its own rules
(the signing key only from the registration answer, health read from the callback list,
documented event types only)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from providers import ProvisioningError, VendorState
from providers.registry import default_registry
from providers.remote.provisioner import RemoteProvision, RemoteProvisioner
from providers.testing import (
    FixedHarness,
    get_provisioner_test_class,
    run_provisioner_call,
)
from tests.providers.remote.remote_sim import RemoteSim

TOKEN = "remote-company-token-for-the-kit-0123456789"
EVENTS = ["employment.onboarding.completed", "payslip.released", "timeoff.requested"]
ADAPTER = default_registry().get("remote")


class TestRemoteProvisioner(get_provisioner_test_class(ADAPTER)):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, remote_sim: RemoteSim) -> FixedHarness:
        remote_sim.add_token(TOKEN)
        return FixedHarness(
            settings={"api_url": remote_sim.base_url},
            valid={"token": TOKEN, "events": EVENTS},
            refused={"token": "remote-token-that-is-refused-9876"},
            count=lambda: len(remote_sim.callback_list()),
        )


def run(sim: RemoteSim, call: Any) -> Any:
    return run_provisioner_call(
        call, {"api_url": sim.base_url}, ingest_url="http://127.0.0.1:9/ingest/remote/acme"
    )


def test_the_key_remote_returns_verifies_its_notifications(remote_sim: RemoteSim) -> None:
    remote_sim.add_token(TOKEN)
    provisioner = RemoteProvisioner()
    request = msgspec.convert({"token": TOKEN, "events": EVENTS}, RemoteProvision)
    result = run(remote_sim, lambda ctx: provisioner.provision(ctx, request))
    (callback,) = remote_sim.callback_list()
    assert (callback.url, callback.subscribed_events) == (
        "http://127.0.0.1:9/ingest/remote/acme",
        EVENTS,
    )
    body = ADAPTER.sample_events()["payslip.released"]
    assert ADAPTER.verify(body, remote_sim.headers_for(callback.id, body), result.secrets)
    health = run(
        remote_sim,
        lambda ctx: provisioner.health(ctx, VendorState(result.state, result.credentials)),
    )
    assert health.stats == {"events": EVENTS}


def test_an_unknown_event_type_is_refused_before_calling_remote(remote_sim: RemoteSim) -> None:
    remote_sim.add_token(TOKEN)
    request = msgspec.convert({"token": TOKEN, "events": ["employee.hired"]}, RemoteProvision)
    with pytest.raises(ProvisioningError) as caught:
        run(remote_sim, lambda ctx: RemoteProvisioner().provision(ctx, request))
    assert caught.value.kind == "invalid"
    assert "employee.hired" in caught.value.message
    assert remote_sim.callback_list() == []
