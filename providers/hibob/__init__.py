"""HiBob: the adapter, payload shapes and samples (no webhook API: webhooks are set up in Bob)."""

from providers.hibob.adapter import EVENT_TYPES, UNMAPPED_TYPES, HiBobAdapter
from providers.hibob.samples import SAMPLES

adapter = HiBobAdapter()

__all__ = ["EVENT_TYPES", "SAMPLES", "UNMAPPED_TYPES", "HiBobAdapter", "adapter"]
