"""Completing thin events, end to end."""

# The simulators' assertions are rewritten only when registered before their first import.
import tests.support  # noqa: F401
