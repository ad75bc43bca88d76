"""Lever: the adapter (``providers.lever:adapter``), its payload shapes, samples, API client and
provisioner."""

from providers.lever.adapter import LeverAdapter
from providers.lever.events import EVENT_TYPES
from providers.lever.provisioner import LeverProvision, LeverProvisioner

adapter = LeverAdapter(provisioner=LeverProvisioner())

__all__ = ["EVENT_TYPES", "LeverAdapter", "LeverProvision", "LeverProvisioner", "adapter"]
