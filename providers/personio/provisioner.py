"""Provisioning at Personio: one webhook for the chosen events, authenticated by a token unihook
makes.

Personio signs nothing: a webhook created with ``auth_type: TOKEN`` sends the ``token`` given at
creation, verbatim, in ``Authorization``. unihook makes that token (32 random bytes from the
operating system's CSPRNG, as hex), registers it as ``Bearer <token>`` and stores the token as the
connection's secret. ``status`` is set to ``ENABLED`` (Personio's default is ``DISABLED``).

Setting: ``UNIHOOK_PROVIDER_PERSONIO_API_URL`` (default ``https://api.personio.de``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)
from providers.client import VendorAPIError
from providers.personio.adapter import EVENT_TYPES, UNMAPPED
from providers.personio.client import API_URL, PersonioClient, PersonioWebhookSetting

SECRET_BYTES: Final = 32
DESCRIPTION: Final = "unihook"


class PersonioProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Personio."""

    client_id: str
    client_secret: str
    """API credentials with the ``personio:webhooks:write`` scope (``:read`` for health)."""
    events: list[str] | None = None
    """Personio event names (default: every name unihook maps to a canonical type)."""
    description: str | None = None


def new_token() -> str:
    return secrets.token_hex(SECRET_BYTES)


def _summary(webhook: PersonioWebhookSetting) -> Provisioned:
    return Provisioned(
        endpoint_id=str(webhook.id),
        status=webhook.status or None,
        enabled=webhook.status == "ENABLED",
        stats={"enabled_events": list(webhook.enabled_events)},
    )


class PersonioProvisioner(BaseProvisioner):
    request_type = PersonioProvision
    capabilities = frozenset({"health", "update", "pause", "resume"})
    subscribable_events = frozenset(EVENT_TYPES) | frozenset(UNMAPPED)
    """Every documented event name (mapped or stored as unmapped)."""
    default_events = tuple(sorted(EVENT_TYPES))
    events_example = "Personio event names"
    endpoint_noun = "Personio webhook"

    @staticmethod
    async def _client(ctx: ProvisionContext, client_id: str, client_secret: str) -> PersonioClient:
        base = ctx.settings.url("api_url", API_URL)
        return await PersonioClient.connect(ctx.http, client_id, client_secret, base_url=base)

    async def _vendor_client(self, ctx: ProvisionContext, vendor: VendorState) -> PersonioClient:
        credentials = vendor.credentials or {}
        client_id, client_secret = credentials.get("client_id"), credentials.get("client_secret")
        if not client_id or not client_secret:
            raise ProvisioningError("auth", "no Personio API credentials are kept")
        return await self._client(ctx, client_id, client_secret)

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        assert isinstance(request, PersonioProvision)
        events = self.checked_events(request.events)
        token = new_token()
        body = {
            "url": ctx.ingest_url,
            "description": request.description or DESCRIPTION,
            "status": "ENABLED",
            "auth_type": "TOKEN",
            "token": f"Bearer {token}",
            "enabled_events": events,
        }
        try:
            client = await self._client(ctx, request.client_id, request.client_secret)
            webhook = await client.create(body)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("creating the webhook") from None
        credentials = {"client_id": request.client_id, "client_secret": request.client_secret}
        return ProvisionResult(
            secrets=(token,),
            state={self.endpoint_key: str(webhook.id)},
            summary=_summary(webhook),
            credentials=credentials if ctx.store_credentials else {},
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        try:
            await (await self._vendor_client(ctx, vendor)).remove(self.endpoint_id(vendor))
        except VendorAPIError as exc:
            if exc.kind != "not_found":  # already gone is what was asked for
                raise exc.as_provisioning_error("deleting the webhook") from None

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        try:
            client = await self._vendor_client(ctx, vendor)
            return _summary(await client.find(self.endpoint_id(vendor)))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("reading the webhook") from None

    async def _patch(
        self, ctx: ProvisionContext, vendor: VendorState, body: dict[str, Any]
    ) -> Provisioned:
        try:
            client = await self._vendor_client(ctx, vendor)
            return _summary(await client.change(self.endpoint_id(vendor), body))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("changing the webhook") from None

    async def update(
        self,
        ctx: ProvisionContext,
        vendor: VendorState,
        *,
        events: Sequence[str] | None,
        description: str | None,
    ) -> tuple[dict[str, Any], Provisioned]:
        body: dict[str, Any] = {}
        if events is not None:
            body["enabled_events"] = self.checked_events(events)
        if description is not None:
            body["description"] = description
        return dict(vendor.state), await self._patch(ctx, vendor, body)

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        return await self._patch(ctx, vendor, {"status": "DISABLED"})

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        return await self._patch(ctx, vendor, {"status": "ENABLED"})
