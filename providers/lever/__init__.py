"""Lever: the adapter (``providers.lever:adapter``), its payload shapes and samples."""

from providers.lever.adapter import EVENT_TYPES, LeverAdapter, adapter

__all__ = ["EVENT_TYPES", "LeverAdapter", "adapter"]
