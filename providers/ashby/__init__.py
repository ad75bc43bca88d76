"""Ashby: the adapter, payload shapes and samples; the webhook API's client and provisioner."""

from providers.ashby.adapter import EVENT_TYPES, AshbyAdapter
from providers.ashby.provisioner import AshbyProvision, AshbyProvisioner
from providers.ashby.samples import SAMPLES

adapter = AshbyAdapter(provisioner=AshbyProvisioner())

__all__ = ["EVENT_TYPES", "SAMPLES", "AshbyAdapter", "AshbyProvision", "adapter"]
