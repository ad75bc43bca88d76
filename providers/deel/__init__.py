"""Deel: the adapter, payload shapes and samples; the webhook API's client and provisioner."""

from providers.deel.adapter import EVENT_TYPES, DeelAdapter
from providers.deel.provisioner import DeelProvision, DeelProvisioner

adapter = DeelAdapter(provisioner=DeelProvisioner())

__all__ = ["EVENT_TYPES", "DeelAdapter", "DeelProvision", "DeelProvisioner", "adapter"]
