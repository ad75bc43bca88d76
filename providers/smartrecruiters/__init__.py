"""SmartRecruiters: the adapter, payload shape and samples; the Webhooks API's client and
provisioner."""

from providers.smartrecruiters.adapter import EVENT_TYPES, SmartRecruitersAdapter
from providers.smartrecruiters.provisioner import (
    SmartRecruitersProvision,
    SmartRecruitersProvisioner,
)

adapter = SmartRecruitersAdapter(provisioner=SmartRecruitersProvisioner())

__all__ = [
    "EVENT_TYPES",
    "SmartRecruitersAdapter",
    "SmartRecruitersProvision",
    "SmartRecruitersProvisioner",
    "adapter",
]
