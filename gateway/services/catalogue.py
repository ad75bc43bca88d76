"""The catalogue: the loaded adapters (built-in or plugin) and what each can do."""

from __future__ import annotations

from typing import Any

import msgspec

from providers.registry import LoadedAdapter
from schemas.api import CompletionOut, ProviderOut, ProvisioningOut


def provisioning_out(item: LoadedAdapter) -> ProvisioningOut | None:
    provisioner = item.adapter.provisioner
    if provisioner is None:
        return None
    return ProvisioningOut(
        capabilities=sorted(provisioner.capabilities),
        request_schema=request_schema(provisioner.request_type),
    )


def completion_out(item: LoadedAdapter) -> CompletionOut | None:
    completer = item.adapter.completer
    if completer is None:
        return None
    return CompletionOut(credentials_schema=request_schema(completer.credentials_type))


def request_schema(request_type: type[Any]) -> dict[str, Any]:
    """A provisioner's request shape as a self-contained JSON Schema."""
    schema: dict[str, Any] = msgspec.json.schema(request_type)
    return schema


def provider_out(item: LoadedAdapter) -> ProviderOut:
    return ProviderOut(
        name=item.name,
        display_name=item.adapter.display_name,
        category=item.adapter.category,
        signature_header=item.adapter.signature_header,
        distribution=item.distribution,
        version=item.version,
        event_types=dict(item.adapter.event_types),
        provisioning=provisioning_out(item),
        completion=completion_out(item),
        secret_hint=item.adapter.secret_hint or None,
    )
