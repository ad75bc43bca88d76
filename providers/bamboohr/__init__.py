"""BambooHR: the adapter, payload shapes and samples; the webhook API's client and provisioner."""

from providers.bamboohr.adapter import EVENT_TYPES, BambooHRAdapter
from providers.bamboohr.provisioner import BambooHRProvision, BambooHRProvisioner
from providers.bamboohr.samples import SAMPLES

adapter = BambooHRAdapter(provisioner=BambooHRProvisioner())

__all__ = ["EVENT_TYPES", "SAMPLES", "BambooHRAdapter", "BambooHRProvision", "adapter"]
