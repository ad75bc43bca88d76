"""BambooHR: the adapter, payload shapes and samples."""

from providers.bamboohr.adapter import EVENT_TYPES, BambooHRAdapter
from providers.bamboohr.samples import SAMPLES

adapter = BambooHRAdapter()

__all__ = ["EVENT_TYPES", "SAMPLES", "BambooHRAdapter", "adapter"]
