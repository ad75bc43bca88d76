"""Gusto: the adapter, payload shapes and samples; the API's client, the subscription provisioner
and the completer of its thin events."""

from providers.gusto.adapter import EVENT_TYPES, UNMAPPED, GustoAdapter
from providers.gusto.completer import GustoCompleter, GustoCredentials
from providers.gusto.provisioner import GustoProvision, GustoProvisioner
from providers.gusto.samples import SAMPLES

adapter = GustoAdapter(provisioner=GustoProvisioner(), completer=GustoCompleter())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "UNMAPPED",
    "GustoAdapter",
    "GustoCompleter",
    "GustoCredentials",
    "GustoProvision",
    "GustoProvisioner",
    "adapter",
]
