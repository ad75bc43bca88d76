"""Test doubles that speak real HTTP: the vendor simulators and loopback servers."""

import pytest

# imported by tests and by the simulators (which tests/conftest.py loads as pytest plugins):
# registering first keeps its asserts rewritten whichever comes first
pytest.register_assert_rewrite("tests.support.servers")
