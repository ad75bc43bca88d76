"""Loads every adapter from the ``unihook.providers`` entry-point group, built-ins included."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from providers._base import (
    ProviderAdapter,
    all_samples,
    dropped_fields,
    emitted_types,
)
from providers.errors import ProviderLoadError, UnknownProvider

__all__ = [
    "GROUP",
    "LoadedAdapter",
    "ProviderLoadError",
    "Registry",
    "UnknownProvider",
    "all_samples",
    "default_registry",
    "dropped_fields",
    "emitted_types",
    "load_registry",
]

GROUP = "unihook.providers"


@dataclass(frozen=True, slots=True)
class LoadedAdapter:
    """An adapter and where it came from (distribution and version), for ``unihook providers``."""

    adapter: ProviderAdapter
    distribution: str
    version: str
    entry_point: str

    @property
    def name(self) -> str:
        return self.adapter.name


class Registry:
    """The adapters known to this process, by name."""

    def __init__(self, loaded: Iterable[LoadedAdapter] = ()) -> None:
        self._by_name: dict[str, LoadedAdapter] = {}
        self.longest_name = 0
        """The length of the longest registered name: no longer name can name a provider."""
        for item in loaded:
            self.add(item)

    def add(self, item: LoadedAdapter) -> None:
        existing = self._by_name.get(item.name)
        if existing is not None:
            raise ProviderLoadError(
                f"provider name {item.name!r} is registered twice: by "
                f"{existing.distribution} {existing.version} ({existing.entry_point}) and by "
                f"{item.distribution} {item.version} ({item.entry_point}); uninstall one of them"
            )
        self._by_name[item.name] = item
        self.longest_name = max(self.longest_name, len(item.name))

    def get(self, name: str) -> ProviderAdapter:
        try:
            return self._by_name[name].adapter
        except KeyError:
            raise UnknownProvider(name, list(self._by_name)) from None

    def info(self, name: str) -> LoadedAdapter:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownProvider(name, list(self._by_name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[LoadedAdapter]:
        return iter(sorted(self._by_name.values(), key=lambda item: item.name))

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def detect(self, headers: Mapping[str, str]) -> list[ProviderAdapter]:
        """Adapters whose signature header is present (lower-cased header names)."""
        return [item.adapter for item in self if item.adapter.detect(headers)]

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> list[ProviderAdapter]:
        """Adapters that recognise the body itself (vendors that send no header of their own)."""
        return [item.adapter for item in self if _detects_body(item.adapter, raw_body, headers)]

    def emitters(self, event_type: str) -> list[str]:
        """Names of the providers whose mapping produces ``event_type``."""
        return [
            item.name
            for item in self
            if event_type == "unmapped" or event_type in emitted_types(item.adapter)
        ]


def _detects_body(adapter: ProviderAdapter, raw_body: bytes, headers: Mapping[str, str]) -> bool:
    try:
        return adapter.detect_body(raw_body, headers)
    except Exception:  # a plugin's bug must not turn a vendor's request into a 500
        return False


def _missing_members(obj: object) -> list[str]:
    members = sorted(ProviderAdapter.__protocol_attrs__)  # type: ignore[attr-defined]
    return [name for name in members if not hasattr(obj, name)]


def load_entry_point(ep: EntryPoint) -> LoadedAdapter:
    """Load one entry point; a class is instantiated, an instance is used as is."""
    try:
        obj = ep.load()
    except Exception as exc:
        raise ProviderLoadError(f"cannot load provider entry point {ep.value!r}: {exc}") from exc
    adapter = obj() if isinstance(obj, type) else obj
    if not isinstance(adapter, ProviderAdapter):
        raise ProviderLoadError(
            f"entry point {ep.name} = {ep.value!r} is not a ProviderAdapter (missing: "
            f"{', '.join(_missing_members(adapter))}; subclass providers.BaseAdapter for them)"
        )
    if adapter.name != ep.name:
        raise ProviderLoadError(
            f"entry point {ep.name!r} loads an adapter named {adapter.name!r}; they must agree"
        )
    dist = ep.dist
    return LoadedAdapter(
        adapter=adapter,
        distribution=dist.name if dist is not None else "unknown",
        version=dist.version if dist is not None else "unknown",
        entry_point=ep.value,
    )


def load_registry(group: str = GROUP) -> Registry:
    """A fresh registry from the installed distributions' entry points."""
    registry = Registry()
    seen: set[tuple[str, str]] = set()
    for ep in entry_points(group=group):
        key = (ep.name, ep.value)
        if key in seen:  # the same distribution visible twice on sys.path
            continue
        seen.add(key)
        registry.add(load_entry_point(ep))
    return registry


@cache
def default_registry() -> Registry:
    """The process-wide registry, loaded once."""
    return load_registry()
