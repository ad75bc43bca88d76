"""Lever: the adapter (``providers.lever:adapter``), its payload shapes, samples, API client,
provisioner and completer."""

from providers.lever.adapter import LeverAdapter
from providers.lever.completer import LeverCompleter, LeverCredentials
from providers.lever.events import EVENT_TYPES
from providers.lever.provisioner import LeverProvision, LeverProvisioner

adapter = LeverAdapter(provisioner=LeverProvisioner(), completer=LeverCompleter())

__all__ = [
    "EVENT_TYPES",
    "LeverAdapter",
    "LeverCompleter",
    "LeverCredentials",
    "LeverProvision",
    "LeverProvisioner",
    "adapter",
]
