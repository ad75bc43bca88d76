"""Remote: the adapter, payload shape and samples; the webhook-callback client and
provisioner."""

from providers.remote.adapter import EVENT_TYPES, RemoteAdapter
from providers.remote.provisioner import RemoteProvision, RemoteProvisioner

adapter = RemoteAdapter(provisioner=RemoteProvisioner())

__all__ = ["EVENT_TYPES", "RemoteAdapter", "RemoteProvision", "RemoteProvisioner", "adapter"]
