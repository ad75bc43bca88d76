"""Remote: the adapter, payload shape and samples; the API client, the webhook-callback
provisioner and the completer of its thin notifications."""

from providers.remote.adapter import EVENT_TYPES, RemoteAdapter
from providers.remote.completer import RemoteCompleter, RemoteCredentials
from providers.remote.provisioner import RemoteProvision, RemoteProvisioner

adapter = RemoteAdapter(provisioner=RemoteProvisioner(), completer=RemoteCompleter())

__all__ = [
    "EVENT_TYPES",
    "RemoteAdapter",
    "RemoteCompleter",
    "RemoteCredentials",
    "RemoteProvision",
    "RemoteProvisioner",
    "adapter",
]
