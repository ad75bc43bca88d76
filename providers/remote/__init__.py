"""Remote: the adapter, payload shape and samples."""

from providers.remote.adapter import EVENT_TYPES, RemoteAdapter

adapter = RemoteAdapter()

__all__ = ["EVENT_TYPES", "RemoteAdapter", "adapter"]
