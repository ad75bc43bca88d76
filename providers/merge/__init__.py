"""Merge: the adapter, its payload shapes and samples."""

from providers.merge.adapter import EVENT_TYPES, MergeAdapter, adapter

__all__ = ["EVENT_TYPES", "MergeAdapter", "adapter"]
