"""Finch (tryfinch.com, unified HRIS and payroll API): adapter, payload shapes, samples, and the
completer of its thin data events."""

from providers.finch.adapter import EVENT_TYPES, FinchAdapter
from providers.finch.completer import FinchCompleter, FinchCredentials
from providers.finch.samples import SAMPLES

adapter = FinchAdapter(completer=FinchCompleter())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "FinchAdapter",
    "FinchCompleter",
    "FinchCredentials",
    "adapter",
]
