"""Personio: the adapter, payload shapes and samples."""

from providers.personio.adapter import EVENT_TYPES, UNMAPPED, PersonioAdapter
from providers.personio.samples import SAMPLES

adapter = PersonioAdapter()

__all__ = ["EVENT_TYPES", "SAMPLES", "UNMAPPED", "PersonioAdapter", "adapter"]
