"""Breezy HR: the adapter, its payload shapes and samples."""

from providers.breezy.adapter import EVENT_TYPES, BreezyAdapter, adapter
from providers.breezy.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "BreezyAdapter", "adapter"]
