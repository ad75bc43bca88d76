"""Personio: the adapter, payload shapes and samples; the API's client, the webhook provisioner and
the completer of its thin events."""

from providers.personio.adapter import EVENT_TYPES, UNMAPPED, PersonioAdapter
from providers.personio.completer import PersonioCompleter, PersonioCredentials
from providers.personio.provisioner import PersonioProvision, PersonioProvisioner
from providers.personio.samples import SAMPLES

adapter = PersonioAdapter(provisioner=PersonioProvisioner(), completer=PersonioCompleter())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "UNMAPPED",
    "PersonioAdapter",
    "PersonioCompleter",
    "PersonioCredentials",
    "PersonioProvision",
    "PersonioProvisioner",
    "adapter",
]
