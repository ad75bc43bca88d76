"""Ashby: the adapter, payload shapes and samples; the webhook API's client and provisioner."""

from providers.ashby.adapter import EVENT_TYPES, AshbyAdapter, adapter
from providers.ashby.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "AshbyAdapter", "adapter"]
