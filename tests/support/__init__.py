"""Test doubles that speak real HTTP: the vendor simulators and loopback servers."""

import pytest

# The modules here are loaded as pytest plugins (``pytest_plugins``) and imported by tests;
# registering first keeps either order free of PytestAssertRewriteWarning.
pytest.register_assert_rewrite(
    "tests.providers.ashby.ashby_sim",
    "tests.providers.breezy.breezy_sim",
    "tests.providers.lever.lever_sim",
    "tests.support.servers",
    "tests.providers.workable.workable_sim",
)
