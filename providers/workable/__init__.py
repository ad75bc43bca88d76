"""Workable: the adapter, its payload shapes and samples."""

from providers.workable.adapter import EVENT_TYPES, WorkableAdapter, adapter
from providers.workable.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "WorkableAdapter", "adapter"]
