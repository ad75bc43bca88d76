"""Gusto: the adapter, payload shapes and samples; the subscription API's client and provisioner."""

from providers.gusto.adapter import EVENT_TYPES, UNMAPPED, GustoAdapter
from providers.gusto.provisioner import GustoProvision, GustoProvisioner
from providers.gusto.samples import SAMPLES

adapter = GustoAdapter(provisioner=GustoProvisioner())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "UNMAPPED",
    "GustoAdapter",
    "GustoProvision",
    "GustoProvisioner",
    "adapter",
]
