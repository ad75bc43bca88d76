"""The built-in adapters pass the conformance kit, the same one plugin packages use; the
provisioners pass its provisioner suite against the simulators in ``tests/support/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from providers.registry import default_registry
from providers.testing import get_adapter_test_class, get_provisioner_test_class
from tests.support.ashby_sim import AshbySim
from tests.support.breezy_sim import BreezySim
from tests.support.lever_sim import LeverSim
from tests.support.workable_sim import WorkableSim

pytest_plugins = [
    "tests.support.ashby_sim",
    "tests.support.breezy_sim",
    "tests.support.lever_sim",
    "tests.support.workable_sim",
]

TestBreezyConformance = get_adapter_test_class(default_registry().get("breezy"))
TestHatchbeaconConformance = get_adapter_test_class(default_registry().get("hatchbeacon"))
TestBindbeeConformance = get_adapter_test_class(default_registry().get("bindbee"))
TestAshbyConformance = get_adapter_test_class(default_registry().get("ashby"))
TestGreenhouseConformance = get_adapter_test_class(default_registry().get("greenhouse"))
TestLeverConformance = get_adapter_test_class(default_registry().get("lever"))
TestWorkableConformance = get_adapter_test_class(default_registry().get("workable"))
TestFinchConformance = get_adapter_test_class(default_registry().get("finch"))
TestKnitConformance = get_adapter_test_class(default_registry().get("knit"))


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
