"""Examplehire passes unihook's conformance kit, and its entry point is wired up."""

from __future__ import annotations

from unihook_example_adapter import adapter

from providers.registry import load_registry
from providers.testing import RECEIVED_AT, get_adapter_test_class

# Every check of the kit (signatures, tampering, mapping, JSON Schema, hostile bytes...).
TestExamplehireConformance = get_adapter_test_class(adapter)


def test_registered_under_its_entry_point() -> None:
    """``pip install`` made the adapter visible to unihook: the gateway will load it."""
    loaded = load_registry().info("example")
    assert loaded.distribution == "unihook-example-adapter"
    assert type(loaded.adapter) is type(adapter)


def test_stage_move_carries_both_stages() -> None:
    """A vendor-specific check beyond the kit: both stages and the recruiter are mapped."""
    body = adapter.sample_events()["application.stage_moved"]
    data = adapter.normalize(body, received_at=RECEIVED_AT).data
    assert data.previous_stage.name == "New"
    assert data.application.stage.name == "Onsite interview"
    assert data.actor.email == "sam.lee@acme.example"
