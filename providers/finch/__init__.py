"""Finch (tryfinch.com, unified HRIS and payroll API): adapter, payload shapes, samples."""

from providers.finch.adapter import EVENT_TYPES, FinchAdapter, adapter
from providers.finch.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "FinchAdapter", "adapter"]
