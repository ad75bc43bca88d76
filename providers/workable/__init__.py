"""Workable: the adapter, its payload shapes and samples, and its subscriptions API (client and
provisioner)."""

from providers.workable.adapter import EVENT_TYPES, WorkableAdapter, adapter
from providers.workable.provisioner import WorkableProvision, WorkableProvisioner, provisioner
from providers.workable.samples import SAMPLES

WorkableAdapter.provisioner = provisioner

__all__ = [
    "EVENT_TYPES",
    "SAMPLES",
    "WorkableAdapter",
    "WorkableProvision",
    "WorkableProvisioner",
    "adapter",
]
