"""Provisioning at Deel: one webhook subscription for the tenant's events, its ``signing_key``
as the connection's secret.

``provision`` creates the subscription (``enabled``) pointing at the tenant's ingest URL; Deel
returns the signing key only in that answer, and a creation whose answer has no key is deleted
again. ``pause``/``resume`` set the subscription's ``status`` to ``disabled``/``enabled``;
``deprovision`` deletes it (one already gone is fine).

Setting: ``UNIHOOK_PROVIDER_DEEL_API_URL`` (default ``https://api.letsdeel.com``; the sandbox is
``https://api-sandbox.demo.deel.com``).
"""

from __future__ import annotations

import logging
from typing import Final

import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
    kept_credential,
)
from providers.client import VendorAPIError, delete_quietly, delete_unless_gone
from providers.deel.adapter import EVENT_TYPES
from providers.deel.client import DeelClient, DeelSubscription

log = logging.getLogger("unihook.providers.deel")

NAME_LIMIT: Final = 100


class DeelProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Deel."""

    token: str
    """A Deel API token (organisation or personal) or OAuth access token."""
    events: list[str] | None = None
    """Event types to subscribe to (default: every type unihook maps)."""
    name: str | None = None
    """The subscription's name in Deel (default ``unihook <tenant>``)."""


def _valid_events(events: list[str] | None) -> list[str]:
    if events is None:
        return list(EVENT_TYPES)
    if not events:
        raise ProvisioningError("invalid", "provision.events must name at least one event")
    if len(set(events)) != len(events):
        raise ProvisioningError("invalid", "provision.events names an event twice")
    # Deel lists 100+ types (GET /rest/v2/webhooks/events); ones unihook does not map are stored
    # as unmapped, so any well-formed name is accepted and Deel judges it.
    bad = [e for e in events if not e or len(e) > 200 or not e.isascii() or " " in e]
    if bad:
        raise ProvisioningError("invalid", "provision.events holds a malformed event type")
    return list(events)


def _summary(subscription: DeelSubscription) -> Provisioned:
    """``status`` is Deel's own (``enabled`` or ``disabled``)."""
    return Provisioned(
        endpoint_id=subscription.id,
        status=subscription.status or "unknown",
        enabled=subscription.status == "enabled",
        stats={"events": list(subscription.events)},
    )


class DeelProvisioner(BaseProvisioner):
    request_type = DeelProvision
    capabilities = frozenset({"health", "pause", "resume"})
    endpoint_key = "webhook_id"
    endpoint_noun = "Deel webhook"

    @staticmethod
    def _stored(ctx: ProvisionContext, vendor: VendorState) -> DeelClient:
        token = kept_credential(
            vendor,
            "token",
            what="Deel token",
            manage="manage its webhook in Deel's Developer Center",
        )
        return DeelClient.configured(ctx.http, ctx.settings, token)

    async def provision(self, ctx: ProvisionContext, request: DeelProvision) -> ProvisionResult:
        if not request.token:
            raise ProvisioningError("invalid", "provision.token is required")
        events = _valid_events(request.events)
        name = (request.name or f"unihook {ctx.tenant}")[:NAME_LIMIT]
        credentials = {"token": request.token}
        client = DeelClient.configured(ctx.http, ctx.settings, request.token)
        try:
            subscription = await client.create(ctx.ingest_url, events, name)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error(
                "creating the Deel webhook", leftover=exc.leftover(self.endpoint_key, credentials)
            ) from None
        if not subscription.signing_key:
            await delete_quietly(
                client.delete_subscription, subscription.id, what=self.endpoint_noun, log=log
            )
            raise ProvisioningError("rejected", "Deel created the webhook without a signing_key")
        summary = msgspec.structs.replace(subscription, signing_key=None)
        return ProvisionResult(
            secrets=[subscription.signing_key],
            state={self.endpoint_key: subscription.id, "events": events},
            summary=_summary(summary),
            credentials=credentials if ctx.store_credentials else {},
        )

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        client = self._stored(ctx, vendor)
        try:
            return _summary(await client.subscription(self.endpoint_id(vendor)))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("reading the Deel webhook") from None

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        return await self._set_status(ctx, vendor, "disabled")

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        return await self._set_status(ctx, vendor, "enabled")

    async def _set_status(
        self, ctx: ProvisionContext, vendor: VendorState, status: str
    ) -> Provisioned:
        client = self._stored(ctx, vendor)
        try:
            return _summary(await client.set_status(self.endpoint_id(vendor), status))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error(f"setting the Deel webhook {status}") from None

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        client = self._stored(ctx, vendor)
        await delete_unless_gone(
            client.delete_subscription, self.endpoint_id(vendor), doing="deleting the Deel webhook"
        )
