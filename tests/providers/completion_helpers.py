"""What every vendor completer's tests share: the thin event a sample webhook makes, a
``CompletionContext`` whose client reaches the vendor's simulator over real HTTP, and the
completion of a sample that must fail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from providers import CompletionContext, ProviderAdapter, ProviderSettings, VendorAPIError
from schemas import EventData

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def thin(adapter: ProviderAdapter, vendor_type: str) -> tuple[str, EventData]:
    """The canonical type and data of the adapter's sample ``vendor_type``, as its webhook
    path maps it (``completeness: "reference"``)."""
    body = adapter.sample_events()[vendor_type]
    parts = adapter.normalize_request(body, {}, received_at=NOW)
    assert parts.completeness == "reference", parts
    return parts.type, parts.data


@asynccontextmanager
async def context(
    base_url: str, credentials: Any, settings: Mapping[str, str] | None = None
) -> AsyncIterator[CompletionContext]:
    """A context on the simulator at ``base_url`` (its ``api_url`` setting)."""
    async with httpx.AsyncClient(timeout=10) as http:
        yield CompletionContext(
            http=http,
            settings=ProviderSettings({"api_url": base_url, **(settings or {})}),
            credentials=credentials,
            now=NOW,
        )


async def completion_failure(
    adapter: ProviderAdapter,
    vendor_type: str,
    base_url: str,
    credentials: Any,
    settings: Mapping[str, str] | None = None,
) -> VendorAPIError:
    """The ``VendorAPIError`` the adapter's completer raises completing its sample
    ``vendor_type`` against the simulator at ``base_url``."""
    assert adapter.completer is not None
    event_type, data = thin(adapter, vendor_type)
    async with context(base_url, credentials, settings) as ctx:
        try:
            await adapter.completer.complete(ctx, event_type, data)
        except VendorAPIError as exc:
            return exc
    raise AssertionError(f"completing {vendor_type} did not fail")
