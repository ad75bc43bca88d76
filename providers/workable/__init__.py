"""Workable: the adapter, its payload shapes and samples, and its subscriptions API (client and
provisioner)."""

from providers.workable.adapter import EVENT_TYPES, WorkableAdapter
from providers.workable.provisioner import WorkableProvision, WorkableProvisioner
from providers.workable.samples import SAMPLES

adapter = WorkableAdapter(provisioner=WorkableProvisioner())

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "WorkableAdapter",
    "WorkableProvision",
    "WorkableProvisioner",
    "adapter",
]
