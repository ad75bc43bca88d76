"""Named errors of the adapter layer."""

from __future__ import annotations


class UnknownProvider(LookupError):
    """No adapter is registered under this name."""

    def __init__(self, name: str, known: list[str] | None = None) -> None:
        self.name = name
        hint = f"; known providers: {', '.join(sorted(known))}" if known else ""
        super().__init__(f"unknown provider {name!r}{hint}")


class ProviderLoadError(RuntimeError):
    """An entry point in ``unihook.providers`` could not be loaded or is not an adapter."""


class NormalizationError(ValueError):
    """A verified body that cannot be turned into a canonical event; the gateway quarantines it."""

    def __init__(self, provider: str, reason: str) -> None:
        self.provider = provider
        self.reason = reason
        super().__init__(f"{provider}: {reason}")
