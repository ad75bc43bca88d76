"""Recruitee: the adapter, payload shapes and samples. Recruitee has no webhook management API:
webhooks are set up in its settings (``docs/vendors/recruitee.md``)."""

from providers.recruitee.adapter import EVENT_TYPES, RecruiteeAdapter
from providers.recruitee.samples import SAMPLES

adapter = RecruiteeAdapter()

__all__ = ["EVENT_TYPES", "SAMPLES", "RecruiteeAdapter", "adapter"]
