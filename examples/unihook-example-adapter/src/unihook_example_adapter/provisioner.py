"""Examplehire's webhook API as a provisioner: proof that a plugin provisions with no gateway
change. Examplehire's (fictional) API, authenticated with ``Authorization: Bearer <api key>``:

- ``POST {api_url}/v1/webhooks`` ``{url, events}`` → ``201 {id, secret, status}``
- ``GET {api_url}/v1/webhooks/{id}`` → ``200 {id, status, url, events}``
- ``DELETE {api_url}/v1/webhooks/{id}`` → ``204`` (``404`` when it is gone)

The I/O goes through ``ctx.http``, the client unihook hands over, by way of ``VendorClient``;
the base URL is the setting ``UNIHOOK_PROVIDER_EXAMPLE_API_URL``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)
from providers.client import BearerAuth, VendorAPIError, VendorClient, path_segment

DEFAULT_API_URL = "https://api.examplehire.example"


class ExamplehireProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Examplehire."""

    api_key: str
    events: list[str] | None = None


class _Webhook(msgspec.Struct):
    id: str
    status: str = "active"
    secret: str | None = None


class ExamplehireClient(VendorClient):
    """Examplehire's webhook calls: the base does auth, errors, redaction and JSON."""

    vendor = "Examplehire"

    async def create(self, url: str, events: list[str]) -> _Webhook:
        answer = await self.post("/v1/webhooks", {"url": url, "events": events})
        return msgspec.convert(answer, _Webhook)

    async def read(self, webhook_id: str) -> _Webhook:
        return msgspec.convert(await self.get(f"/v1/webhooks/{path_segment(webhook_id)}"), _Webhook)

    async def remove(self, webhook_id: str) -> None:
        await self.delete(f"/v1/webhooks/{path_segment(webhook_id)}")


class ExamplehireProvisioner(BaseProvisioner):
    request_type = ExamplehireProvision
    capabilities = frozenset({"health"})

    def __init__(self, event_types: list[str]) -> None:
        self.event_types = event_types

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        events = request.events or self.event_types
        unknown = sorted(set(events) - set(self.event_types))
        if unknown:
            raise ProvisioningError("invalid", f"unknown Examplehire events: {', '.join(unknown)}")
        try:
            hook = await _client(ctx, request.api_key).create(ctx.ingest_url, events)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("creating the webhook") from None
        state = {"webhook_id": hook.id}
        if not hook.secret:
            leftover = VendorState(state, {"api_key": request.api_key})
            raise ProvisioningError("rejected", "no secret in the answer", leftover=leftover)
        return ProvisionResult(
            secrets=[hook.secret],
            state=state,
            credentials={"api_key": request.api_key},
            summary=Provisioned(endpoint_id=hook.id, status=hook.status, enabled=True),
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        try:
            await _client(ctx, _key(vendor)).remove(vendor.state["webhook_id"])
        except VendorAPIError as exc:
            if exc.kind != "not_found":
                raise exc.as_provisioning_error("deleting the webhook") from None

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        try:
            hook = await _client(ctx, _key(vendor)).read(vendor.state["webhook_id"])
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("reading the webhook") from None
        return Provisioned(endpoint_id=hook.id, status=hook.status, enabled=hook.status == "active")


def _client(ctx: ProvisionContext, api_key: str) -> ExamplehireClient:
    base_url = ctx.settings.url("api_url", DEFAULT_API_URL)
    return ExamplehireClient(ctx.http, base_url, BearerAuth(api_key))


def _key(vendor: VendorState) -> str:
    if not vendor.credentials:
        raise ProvisioningError("auth", "no Examplehire API key is kept for this connection")
    return vendor.credentials["api_key"]
