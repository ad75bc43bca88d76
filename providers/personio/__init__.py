"""Personio: the adapter, payload shapes and samples; the webhook API's client and provisioner."""

from providers.personio.adapter import EVENT_TYPES, UNMAPPED, PersonioAdapter
from providers.personio.provisioner import PersonioProvision, PersonioProvisioner
from providers.personio.samples import SAMPLES

adapter = PersonioAdapter(provisioner=PersonioProvisioner())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "UNMAPPED",
    "PersonioAdapter",
    "PersonioProvision",
    "PersonioProvisioner",
    "adapter",
]
