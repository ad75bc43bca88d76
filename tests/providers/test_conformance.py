"""The built-in adapters pass the conformance kit, the same one plugin packages use; the
provisioners pass its provisioner suite against the simulators in ``tests/support/`` and
``tests/providers/<vendor>/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from providers.registry import default_registry
from providers.testing import (
    RECEIVED_AT,
    UNKNOWN_TYPE,
    get_adapter_test_class,
    get_provisioner_test_class,
)
from tests.providers.ashby.ashby_sim import AshbySim
from tests.providers.bamboohr.bamboohr_sim import BambooHRSim
from tests.providers.breezy.breezy_sim import BreezySim
from tests.providers.gusto.gusto_sim import GustoSim
from tests.providers.lever.lever_sim import LeverSim
from tests.providers.personio.personio_sim import PersonioSim
from tests.providers.workable.workable_sim import WorkableSim

TestBreezyConformance = get_adapter_test_class(default_registry().get("breezy"))
TestHatchbeaconConformance = get_adapter_test_class(default_registry().get("hatchbeacon"))
TestBindbeeConformance = get_adapter_test_class(default_registry().get("bindbee"))
TestAshbyConformance = get_adapter_test_class(default_registry().get("ashby"))
TestGreenhouseConformance = get_adapter_test_class(default_registry().get("greenhouse"))
TestLeverConformance = get_adapter_test_class(default_registry().get("lever"))
TestWorkableConformance = get_adapter_test_class(default_registry().get("workable"))
TestFinchConformance = get_adapter_test_class(default_registry().get("finch"))
TestKnitConformance = get_adapter_test_class(default_registry().get("knit"))
TestPersonioConformance = get_adapter_test_class(default_registry().get("personio"))
TestGustoConformance = get_adapter_test_class(default_registry().get("gusto"))
TestBamboohrConformance = get_adapter_test_class(default_registry().get("bamboohr"))
TestHibobConformance = get_adapter_test_class(default_registry().get("hibob"))
TestMergeConformance = get_adapter_test_class(default_registry().get("merge"))
TestKomboConformance = get_adapter_test_class(default_registry().get("kombo"))
TestRecruiteeConformance = get_adapter_test_class(default_registry().get("recruitee"))
TestDeelConformance = get_adapter_test_class(default_registry().get("deel"))
TestRemoteConformance = get_adapter_test_class(default_registry().get("remote"))


class TestSmartrecruitersConformance(
    get_adapter_test_class(default_registry().get("smartrecruiters"))  # type: ignore[misc]
):
    """SmartRecruiters names the event in the ``event-name`` header, never in the body."""

    def test_unknown_vendor_type_is_unmapped(self) -> None:
        body = b'{"id":"5e1d0001-7c3b-4a9f-8e2d-1f0a9b8c7d6e"}'
        headers = {"event-id": "evt-unknown", "event-name": UNKNOWN_TYPE, "event-version": "1.0.0"}
        parts = self.adapter.normalize_request(body, headers, received_at=RECEIVED_AT)
        assert parts.type == "unmapped"
        assert parts.event_type == UNKNOWN_TYPE
        assert parts.completeness == "raw"


@dataclass
class BreezyHarness:
    sim: BreezySim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {"company_id": "co_kit", "api_token": "tok-kit-secret-value"}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"company_id": "co_kit", "api_token": "tok-refused-secret-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.endpoints())


class TestBreezyProvisioner(get_provisioner_test_class(default_registry().get("breezy"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, breezy_sim: BreezySim) -> BreezyHarness:
        breezy_sim.add_customer("co_kit", "tok-kit-secret-value")
        return BreezyHarness(breezy_sim)


@dataclass
class AshbyHarness:
    sim: AshbySim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {"api_key": "ashby-kit-key-value", "events": ["applicationSubmit", "offerCreate"]}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"api_key": "ashby-refused-key-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.webhooks())


class TestAshbyProvisioner(get_provisioner_test_class(default_registry().get("ashby"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, ashby_sim: AshbySim) -> AshbyHarness:
        ashby_sim.add_key("ashby-kit-key-value")
        return AshbyHarness(ashby_sim)


LEVER_KEY = "lever-kit-api-key-value"


@dataclass
class LeverHarness:
    sim: LeverSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.api_url}

    def valid_request(self) -> dict[str, Any]:
        return {"api_key": LEVER_KEY, "events": ["candidateStageChange", "candidateHired"]}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"api_key": "lever-refused-api-key-value", "events": ["candidateHired"]}

    def endpoint_count(self) -> int:
        return len(self.sim.webhooks())


class TestLeverProvisioner(get_provisioner_test_class(default_registry().get("lever"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, lever_sim: LeverSim) -> LeverHarness:
        lever_sim.add_api_key("acct-kit", LEVER_KEY)
        return LeverHarness(lever_sim)


@dataclass
class WorkableHarness:
    sim: WorkableSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.api_url_template}

    def valid_request(self) -> dict[str, Any]:
        return {"subdomain": "kit-co", "api_token": "wk-kit-token-secret-value"}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"subdomain": "kit-co", "api_token": "wk-refused-token-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.subscriptions())


class TestWorkableProvisioner(get_provisioner_test_class(default_registry().get("workable"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, workable_sim: WorkableSim) -> WorkableHarness:
        workable_sim.add_token("kit-co", "wk-kit-token-secret-value")
        workable_sim.rate_interval = 0.5  # the kit provisions often; the limits are Workable's
        return WorkableHarness(workable_sim)


@dataclass
class GustoHarness:
    sim: GustoSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {"api_token": "gusto-kit-token-value", "subscription_types": ["Employee"]}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"api_token": "gusto-refused-token-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.subscriptions())


class TestGustoProvisioner(get_provisioner_test_class(default_registry().get("gusto"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, gusto_sim: GustoSim) -> GustoHarness:
        gusto_sim.add_token("gusto-kit-token-value")
        return GustoHarness(gusto_sim)


@dataclass
class PersonioHarness:
    sim: PersonioSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {
            "client_id": "papi-kit-client",
            "client_secret": "papi-kit-secret-value",
            "events": ["person.created", "employment.started"],
        }

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"client_id": "papi-kit-client", "client_secret": "papi-refused-secret-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.webhooks())


class TestPersonioProvisioner(get_provisioner_test_class(default_registry().get("personio"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, personio_sim: PersonioSim) -> PersonioHarness:
        personio_sim.add_client("papi-kit-client", "papi-kit-secret-value")
        return PersonioHarness(personio_sim)


@dataclass
class BambooHRHarness:
    sim: BambooHRSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.api_url_template}

    def valid_request(self) -> dict[str, Any]:
        return {"company_domain": "kit-co", "api_key": "bhr-kit-api-key-value"}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"company_domain": "kit-co", "api_key": "bhr-refused-api-key-value"}

    def endpoint_count(self) -> int:
        return len(self.sim.webhooks())


class TestBamboohrProvisioner(get_provisioner_test_class(default_registry().get("bamboohr"))):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self, bamboohr_sim: BambooHRSim) -> BambooHRHarness:
        bamboohr_sim.add_key("kit-co", "bhr-kit-api-key-value")
        return BambooHRHarness(bamboohr_sim)
