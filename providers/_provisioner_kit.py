"""The provisioner half of the conformance kit: the lifecycle checks any provisioner must pass,
run against the vendor simulator its package ships.

The test module supplies a ``provisioner_harness`` fixture (a ``ProvisionerHarness``): the
settings that point the provisioner at a running simulator, a request that works and one whose
credentials the vendor refuses, and a way to count the endpoints the simulator holds. Every check
calls the provisioner as the gateway does, with a real ``httpx.AsyncClient`` over loopback.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import httpx
import msgspec
import pytest

from providers._base import ProviderAdapter
from providers.client import tls_context
from providers.provisioning import (
    ProviderSettings,
    ProvisionContext,
    Provisioner,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)

TENANT = "acme"
CAPABILITIES = frozenset({"health", "update", "pause", "resume", "renew"})
_T = TypeVar("_T")


class ProvisionerHarness(Protocol):
    """What a provisioner's tests hand the kit; the simulator is running and freshly reset."""

    settings: Mapping[str, str]
    """The provider's settings (``{"api_url": ...}``) pointing the provisioner at the simulator."""

    def valid_request(self) -> dict[str, Any]:
        """A ``provision`` block the simulator accepts."""
        ...

    def bad_credentials_request(self) -> dict[str, Any]:
        """A ``provision`` block whose credentials the simulator refuses."""
        ...

    def endpoint_count(self) -> int:
        """How many webhook endpoints (or subscriptions) the simulator holds now."""
        ...


@dataclass
class FixedHarness:
    """A ``ProvisionerHarness`` made of values: the requests are fixed and ``count`` asks the
    simulator how many endpoints it holds."""

    settings: Mapping[str, str]
    valid: Mapping[str, Any]
    refused: Mapping[str, Any]
    count: Callable[[], int]

    def valid_request(self) -> dict[str, Any]:
        return dict(self.valid)

    def bad_credentials_request(self) -> dict[str, Any]:
        return dict(self.refused)

    def endpoint_count(self) -> int:
        return self.count()


def run_provisioner_call(
    make: Callable[[ProvisionContext], Awaitable[_T]],
    settings: Mapping[str, str],
    *,
    ingest_url: str = f"https://hooks.example.test/ingest/x/{TENANT}",
) -> _T:
    """Run one provisioner call (``make(ctx)``) to its end, as the gateway would: a context for
    tenant ``acme`` with the provider ``settings`` and an HTTP client of its own."""

    async def go() -> _T:
        async with httpx.AsyncClient(
            timeout=10.0, follow_redirects=False, verify=tls_context()
        ) as http:
            ctx = ProvisionContext(
                http=http,
                settings=ProviderSettings(settings),
                tenant=TENANT,
                ingest_url=ingest_url,
            )
            return await make(ctx)

    return asyncio.run(go())


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class ProvisionerConformance:
    """Checks for ``adapter.provisioner``; collect through ``get_provisioner_test_class``."""

    adapter: ClassVar[ProviderAdapter]

    @property
    def provisioner(self) -> Provisioner:
        found = self.adapter.provisioner
        assert found is not None, f"{self.adapter.name} has no provisioner"
        return found

    def provision(self, harness: ProvisionerHarness) -> ProvisionResult:
        request = msgspec.convert(harness.valid_request(), type=self.provisioner.request_type)
        return run_provisioner_call(
            lambda ctx: self.provisioner.provision(ctx, request), harness.settings
        )

    def test_declares_its_request_shape_and_capabilities(self) -> None:
        schema = msgspec.json.schema(self.provisioner.request_type)
        assert schema, "the request shape must have a JSON Schema"
        assert self.provisioner.capabilities <= CAPABILITIES

    def test_request_shape_refuses_unknown_fields(self, provisioner_harness: Any) -> None:
        request = {**provisioner_harness.valid_request(), "no_such_field_xyz": 1}
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(request, type=self.provisioner.request_type)

    def test_provision_creates_an_endpoint_with_signing_secrets(
        self, provisioner_harness: Any
    ) -> None:
        before = provisioner_harness.endpoint_count()
        result = self.provision(provisioner_harness)
        assert provisioner_harness.endpoint_count() > before
        assert result.secrets or result.awaits_handshake, (
            "a provisioned endpoint needs a signing secret, now or through a handshake"
        )
        assert all(isinstance(s, str) and s for s in result.secrets)
        assert result.summary.endpoint_id
        json.dumps({"state": dict(result.state), "credentials": dict(result.credentials)})

    def test_credentials_and_secrets_stay_out_of_state_and_summary(
        self, provisioner_harness: Any
    ) -> None:
        result = self.provision(provisioner_harness)
        shown = json.dumps(dict(result.state)) + msgspec.json.encode(result.summary).decode()
        for value in [*result.credentials.values(), *result.secrets]:
            assert value not in shown

    def test_health_shows_the_endpoint(self, provisioner_harness: Any) -> None:
        if "health" not in self.provisioner.capabilities:
            pytest.skip("the vendor's API offers no health check")
        result = self.provision(provisioner_harness)
        vendor = VendorState(result.state, result.credentials)
        seen = run_provisioner_call(
            lambda ctx: self.provisioner.health(ctx, vendor), provisioner_harness.settings
        )
        assert seen.endpoint_id == result.summary.endpoint_id
        assert seen.error is None

    def test_deprovision_deletes_and_tolerates_an_endpoint_already_gone(
        self, provisioner_harness: Any
    ) -> None:
        before = provisioner_harness.endpoint_count()
        result = self.provision(provisioner_harness)
        vendor = VendorState(result.state, result.credentials)
        settings = provisioner_harness.settings
        run_provisioner_call(lambda ctx: self.provisioner.deprovision(ctx, vendor), settings)
        assert provisioner_harness.endpoint_count() == before
        run_provisioner_call(
            lambda ctx: self.provisioner.deprovision(ctx, vendor), settings
        )  # gone: no error

    def test_refused_credentials_are_an_auth_error_without_the_credentials(
        self, provisioner_harness: Any
    ) -> None:
        raw = provisioner_harness.bad_credentials_request()
        request = msgspec.convert(raw, type=self.provisioner.request_type)
        with pytest.raises(ProvisioningError) as caught:
            run_provisioner_call(
                lambda ctx: self.provisioner.provision(ctx, request), provisioner_harness.settings
            )
        assert caught.value.kind == "auth"
        for value in raw.values():
            if isinstance(value, str) and len(value) >= 8:
                assert value not in caught.value.message
                assert value not in repr(caught.value)

    def test_an_unreachable_vendor_is_unreachable(self, provisioner_harness: Any) -> None:
        request = msgspec.convert(
            provisioner_harness.valid_request(), type=self.provisioner.request_type
        )
        settings = {**provisioner_harness.settings, "api_url": _closed_port_url()}
        with pytest.raises(ProvisioningError) as caught:
            run_provisioner_call(lambda ctx: self.provisioner.provision(ctx, request), settings)
        assert caught.value.kind == "unreachable"

    def test_pause_and_resume(self, provisioner_harness: Any) -> None:
        if not {"pause", "resume"} <= self.provisioner.capabilities:
            pytest.skip("the vendor's API cannot pause an endpoint")
        result = self.provision(provisioner_harness)
        vendor = VendorState(result.state, result.credentials)
        settings = provisioner_harness.settings
        paused = run_provisioner_call(lambda ctx: self.provisioner.pause(ctx, vendor), settings)
        resumed = run_provisioner_call(lambda ctx: self.provisioner.resume(ctx, vendor), settings)
        assert paused.endpoint_id == resumed.endpoint_id == result.summary.endpoint_id
        assert paused.enabled is not True or paused.status != resumed.status


def get_provisioner_test_class(adapter: ProviderAdapter) -> type[ProvisionerConformance]:
    """A test class for ``adapter.provisioner``; the module must define ``provisioner_harness``."""
    name = "".join(part.capitalize() for part in adapter.name.replace("-", "_").split("_"))
    return type(f"Test{name}Provisioner", (ProvisionerConformance,), {"adapter": adapter})
