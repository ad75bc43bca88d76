"""The delivery fixtures (fast retries, the app with its dispatcher) for the privacy tests."""

from __future__ import annotations

from tests.delivery.conftest import gateway, overrides, settings

__all__ = ["gateway", "overrides", "settings"]
