"""HiBob: the adapter, payload shapes, samples and the completer of its thin events (no webhook
API: webhooks are set up in Bob)."""

from providers.hibob.adapter import EVENT_TYPES, UNMAPPED_TYPES, HiBobAdapter
from providers.hibob.completer import HiBobCompleter, HiBobCredentials
from providers.hibob.samples import SAMPLES

adapter = HiBobAdapter(completer=HiBobCompleter())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "UNMAPPED_TYPES",
    "HiBobAdapter",
    "HiBobCompleter",
    "HiBobCredentials",
    "adapter",
]
