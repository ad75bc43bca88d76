"""Knit (getknit.dev, unified HRIS and ATS API): the adapter, its payload shapes and samples."""

from providers.knit.adapter import EVENT_TYPES, KnitAdapter, adapter
from providers.knit.samples import SAMPLES

__all__ = ["EVENT_TYPES", "SAMPLES", "KnitAdapter", "adapter"]
