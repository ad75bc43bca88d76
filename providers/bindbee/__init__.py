"""Bindbee: the adapter, its payload shapes and samples."""

from providers.bindbee.adapter import EVENT_TYPES, BindbeeAdapter, adapter
from providers.bindbee.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "BindbeeAdapter", "adapter"]
