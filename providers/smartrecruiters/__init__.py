"""SmartRecruiters: the adapter, payload shape and samples."""

from providers.smartrecruiters.adapter import EVENT_TYPES, SmartRecruitersAdapter

adapter = SmartRecruitersAdapter()

__all__ = ["EVENT_TYPES", "SmartRecruitersAdapter", "adapter"]
