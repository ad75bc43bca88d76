"""Provisioning at SmartRecruiters: one subscription for the tenant's events, its secret key as
the connection's secret, activated once the connection can answer the handshake.

``provision`` creates the subscription (``inactive``) pointing at the tenant's ingest URL and
generates its secret key; a failure after the subscription exists deletes it. ``activate``
(called once the connection is committed, so unihook can answer) asks SmartRecruiters to
activate it: SmartRecruiters then POSTs its ``X-Hook-Secret`` handshake to unihook, which echoes
it. ``rotate_key`` makes a new key; SmartRecruiters keeps signing with the old one for 24 hours,
so the connection should hold both for that long (``KEY_OVERLAP``).

Setting: ``UNIHOOK_PROVIDER_SMARTRECRUITERS_API_URL`` (default ``https://api.smartrecruiters.com``).
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
)
from providers.client import VendorAPIError, delete_quietly, delete_unless_gone
from providers.smartrecruiters.adapter import EVENT_TYPES, UNMAPPED_TYPES
from providers.smartrecruiters.client import (
    API_URL,
    SmartRecruitersClient,
    SmartRecruitersSubscription,
    credentials_auth,
)

log = logging.getLogger("unihook.providers.smartrecruiters")

KEY_OVERLAP: Final = 24 * 3600
"""Seconds SmartRecruiters keeps signing with a key after a new one is made."""


class SmartRecruitersProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for SmartRecruiters: one of ``api_key`` and ``access_token``."""

    api_key: str | None = None
    """A SmartRecruiters API key (sent as ``X-SmartToken``) allowed to manage webhooks."""
    access_token: str | None = None
    """An OAuth access token with the webhooks scope (sent as ``Authorization: Bearer``)."""
    events: list[str] | None = None
    """Event names to subscribe to (default: every name unihook maps)."""
    alerting_email: str | None = None
    """Where SmartRecruiters e-mails delivery failures (``alertingEmailAddress``)."""


def _summary(subscription: SmartRecruitersSubscription) -> Provisioned:
    """``status`` is SmartRecruiters' own (``inactive`` until activated, then ``active``)."""
    return Provisioned(
        endpoint_id=subscription.id,
        status=subscription.status or "unknown",
        enabled=subscription.status == "active",
        stats={"events": [e.name for e in subscription.events]},
    )


class SmartRecruitersProvisioner(BaseProvisioner):
    request_type = SmartRecruitersProvision
    capabilities = frozenset({"health"})
    subscribable_events = frozenset(EVENT_TYPES) | frozenset(UNMAPPED_TYPES)
    """Every documented event name (the unmapped ones are stored as ``unmapped``, never lost)."""
    default_events = tuple(EVENT_TYPES)
    events_example = "SmartRecruiters event names, e.g. application.created"
    endpoint_key = "subscription_id"
    endpoint_noun = "SmartRecruiters subscription"

    @staticmethod
    def _client(ctx: ProvisionContext, credentials: dict[str, str]) -> SmartRecruitersClient:
        auth = credentials_auth(credentials.get("api_key"), credentials.get("access_token"))
        return SmartRecruitersClient(ctx.http, auth, base_url=ctx.settings.url("api_url", API_URL))

    def _stored(self, ctx: ProvisionContext, vendor: VendorState) -> SmartRecruitersClient:
        if not vendor.credentials:
            raise ProvisioningError(
                "auth",
                "unihook keeps no SmartRecruiters credentials for this connection "
                "(UNIHOOK_FORGET_VENDOR_TOKENS was set when it was provisioned): manage its "
                "subscription through SmartRecruiters' Webhooks API",
            )
        return self._client(ctx, dict(vendor.credentials))

    async def provision(
        self, ctx: ProvisionContext, request: SmartRecruitersProvision
    ) -> ProvisionResult:
        if bool(request.api_key) == bool(request.access_token):
            raise ProvisioningError(
                "invalid", "provision needs exactly one of api_key and access_token"
            )
        events = self.checked_events(request.events)
        credentials = (
            {"api_key": request.api_key}
            if request.api_key
            else {"access_token": request.access_token or ""}
        )
        client = self._client(ctx, credentials)
        try:
            subscription = await client.create(ctx.ingest_url, events, request.alerting_email)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error(
                "creating the SmartRecruiters subscription",
                leftover=exc.leftover(self.endpoint_key, credentials),
            ) from None
        try:
            key = await client.new_secret_key(subscription.id)
        except VendorAPIError as exc:
            await delete_quietly(
                client.delete_subscription,
                subscription.id,
                what=self.endpoint_noun,
                log=log,
            )
            raise exc.as_provisioning_error("generating the subscription's secret key") from None
        return ProvisionResult(
            secrets=[key],
            state={self.endpoint_key: subscription.id, "events": events},
            summary=_summary(subscription),
            credentials=credentials if ctx.store_credentials else {},
        )

    async def activate(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned | None:
        client = self._stored(ctx, vendor)
        subscription_id = self.endpoint_id(vendor)
        try:
            await client.activate(subscription_id)
            return _summary(await client.subscription(subscription_id))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("activating the SmartRecruiters subscription") from None

    async def rotate_key(self, ctx: ProvisionContext, vendor: VendorState) -> str:
        """A new secret key for the subscription. SmartRecruiters signs with the old and the new
        one for ``KEY_OVERLAP`` seconds: add it to the connection with that grace."""
        client = self._stored(ctx, vendor)
        try:
            return await client.new_secret_key(self.endpoint_id(vendor))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("generating a new secret key") from None

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        client = self._stored(ctx, vendor)
        try:
            return _summary(await client.subscription(self.endpoint_id(vendor)))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("reading the SmartRecruiters subscription") from None

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        client = self._stored(ctx, vendor)
        await delete_unless_gone(
            client.delete_subscription,
            self.endpoint_id(vendor),
            doing="deleting the SmartRecruiters subscription",
        )
