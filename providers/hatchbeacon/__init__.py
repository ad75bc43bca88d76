"""HatchBeacon: the adapter, its payload shapes and samples."""

from providers.hatchbeacon.adapter import EVENT_TYPES, HatchBeaconAdapter, adapter
from providers.hatchbeacon.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "HatchBeaconAdapter", "adapter"]
