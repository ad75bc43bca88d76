"""Breezy HR: the adapter, its payload shapes and samples, and its Webhook Management API
(client and provisioner)."""

from providers.breezy.adapter import EVENT_TYPES, BreezyAdapter
from providers.breezy.provisioner import BreezyProvision, BreezyProvisioner
from providers.breezy.samples import SAMPLES

adapter = BreezyAdapter(provisioner=BreezyProvisioner())

__all__ = ["EVENT_TYPES", "SAMPLES", "BreezyAdapter", "BreezyProvision", "adapter"]
