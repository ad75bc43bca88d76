"""Test doubles that speak real HTTP: the vendor simulators and loopback servers."""

import pytest

# The modules here are loaded as pytest plugins (``pytest_plugins``) and imported by tests;
# registering first keeps either order free of PytestAssertRewriteWarning.
pytest.register_assert_rewrite(
    "tests.support.ashby_sim",
    "tests.support.breezy_sim",
    "tests.support.lever_sim",
    "tests.support.servers",
    "tests.support.workable_sim",
)
