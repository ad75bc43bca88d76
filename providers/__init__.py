"""Vendor adapters, the adapter contract, the registry and the conformance kit. No I/O."""

from providers._base import BaseAdapter, ProviderAdapter
from providers.errors import NormalizationError, ProviderLoadError, UnknownProvider
from providers.registry import LoadedAdapter, Registry, default_registry, load_registry

__all__ = [
    "BaseAdapter",
    "LoadedAdapter",
    "NormalizationError",
    "ProviderAdapter",
    "ProviderLoadError",
    "Registry",
    "UnknownProvider",
    "default_registry",
    "load_registry",
]
