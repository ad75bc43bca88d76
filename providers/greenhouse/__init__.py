"""Greenhouse Recruiting: the adapter, its payload shapes and samples (from Greenhouse's docs)."""

from providers.greenhouse.adapter import EVENT_TYPES, GreenhouseAdapter, adapter

__all__ = ["EVENT_TYPES", "GreenhouseAdapter", "adapter"]
