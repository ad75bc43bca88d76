"""Gusto: the adapter, payload shapes and samples."""

from providers.gusto.adapter import EVENT_TYPES, UNMAPPED, GustoAdapter
from providers.gusto.samples import SAMPLES

adapter = GustoAdapter()

__all__ = ["EVENT_TYPES", "SAMPLES", "UNMAPPED", "GustoAdapter", "adapter"]
