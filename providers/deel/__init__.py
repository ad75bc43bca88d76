"""Deel: the adapter, payload shapes and samples."""

from providers.deel.adapter import EVENT_TYPES, DeelAdapter

adapter = DeelAdapter()

__all__ = ["EVENT_TYPES", "DeelAdapter", "adapter"]
