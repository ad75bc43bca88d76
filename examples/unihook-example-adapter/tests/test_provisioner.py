"""Examplehire's provisioner passes the kit's provisioner suite against the local simulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from simulator import API_KEY, ExamplehireSim
from unihook_example_adapter import adapter

from providers.testing import get_provisioner_test_class


@dataclass
class Harness:
    sim: ExamplehireSim

    @property
    def settings(self) -> dict[str, str]:
        return {"api_url": self.sim.base_url}

    def valid_request(self) -> dict[str, Any]:
        return {"api_key": API_KEY}

    def bad_credentials_request(self) -> dict[str, Any]:
        return {"api_key": "exh-refused-api-key-9999"}

    def endpoint_count(self) -> int:
        return len(self.sim.webhooks)


class TestExamplehireProvisioner(get_provisioner_test_class(adapter)):  # type: ignore[misc]
    @pytest.fixture
    def provisioner_harness(self) -> Iterator[Harness]:
        with ExamplehireSim() as sim:
            yield Harness(sim)
