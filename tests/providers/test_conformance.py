"""The built-in adapters pass the conformance kit, the same one plugin packages use."""

from __future__ import annotations

from providers import default_registry
from providers.testing import get_adapter_test_class

TestBreezyConformance = get_adapter_test_class(default_registry().get("breezy"))
TestHatchbeaconConformance = get_adapter_test_class(default_registry().get("hatchbeacon"))
TestBindbeeConformance = get_adapter_test_class(default_registry().get("bindbee"))
TestWorkableConformance = get_adapter_test_class(default_registry().get("workable"))
