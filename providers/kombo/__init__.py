"""Kombo: the adapter, its payload shapes and samples, and the completer of its ``data-changed``
events (no webhook API: webhooks are set up in Kombo's dashboard)."""

from providers.kombo.adapter import EVENT_TYPES, KomboAdapter
from providers.kombo.completer import KomboCompleter, KomboCredentials
from providers.kombo.samples import SAMPLES

adapter = KomboAdapter(completer=KomboCompleter())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "KomboAdapter",
    "KomboCompleter",
    "KomboCredentials",
    "adapter",
]
