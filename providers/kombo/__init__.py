"""Kombo: the adapter, its payload shapes and samples."""

from providers.kombo.adapter import EVENT_TYPES, KomboAdapter, adapter
from providers.kombo.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "KomboAdapter", "adapter"]
