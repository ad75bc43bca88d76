"""Provisioning at Remote: one webhook callback for the tenant's events, its ``signing_key`` as
the connection's secret.

``provision`` registers the callback at the tenant's ingest URL; Remote returns the signing key
only in that answer, and a registration whose answer has no key is deleted again. ``health``
finds the callback in Remote's list (there is no call to read one); ``deprovision`` deletes it
(one already gone is fine). Remote cannot pause a callback.

Setting: ``UNIHOOK_PROVIDER_REMOTE_API_URL`` (default ``https://gateway.remote.com``; the sandbox
is ``https://gateway.remote-sandbox.com``).
"""

from __future__ import annotations

import logging

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
from providers.remote.adapter import EVENT_TYPES, UNMAPPED_TYPES
from providers.remote.client import RemoteCallback, RemoteClient

log = logging.getLogger("unihook.providers.remote")


class RemoteProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Remote."""

    token: str
    """A company-scoped Remote access token."""
    events: list[str] | None = None
    """Event types to subscribe to (default: every type unihook maps)."""


def _summary(callback: RemoteCallback) -> Provisioned:
    return Provisioned(
        endpoint_id=callback.id,
        status="registered",
        enabled=True,
        stats={"events": list(callback.subscribed_events)},
    )


class RemoteProvisioner(BaseProvisioner):
    request_type = RemoteProvision
    capabilities = frozenset({"health"})
    subscribable_events = frozenset(EVENT_TYPES) | frozenset(UNMAPPED_TYPES)
    """Every documented event type (the unmapped ones are stored as ``unmapped``, never lost)."""
    default_events = tuple(EVENT_TYPES)
    events_example = "Remote event types, e.g. employment.onboarding.completed"
    endpoint_key = "callback_id"
    endpoint_noun = "Remote webhook callback"

    @staticmethod
    def _stored(ctx: ProvisionContext, vendor: VendorState) -> RemoteClient:
        token = kept_credential(
            vendor, "token", what="Remote token", manage="manage its callback through Remote's API"
        )
        return RemoteClient.configured(ctx.http, ctx.settings, token)

    async def provision(self, ctx: ProvisionContext, request: RemoteProvision) -> ProvisionResult:
        if not request.token:
            raise ProvisioningError("invalid", "provision.token is required")
        events = self.checked_events(request.events)
        credentials = {"token": request.token}
        client = RemoteClient.configured(ctx.http, ctx.settings, request.token)
        try:
            callback = await client.register(ctx.ingest_url, events)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error(
                "registering the Remote webhook callback",
                leftover=exc.leftover(self.endpoint_key, credentials),
            ) from None
        if not callback.signing_key:
            await delete_quietly(
                client.delete_callback, callback.id, what=self.endpoint_noun, log=log
            )
            raise ProvisioningError("rejected", "Remote registered the callback without a key")
        key = callback.signing_key
        return ProvisionResult(
            secrets=[key],
            state={self.endpoint_key: callback.id, "events": events},
            summary=_summary(msgspec.structs.replace(callback, signing_key=None)),
            credentials=credentials if ctx.store_credentials else {},
        )

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        client = self._stored(ctx, vendor)
        callback_id = self.endpoint_id(vendor)
        try:
            callbacks = await client.callbacks()
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("listing the Remote webhook callbacks") from None
        for callback in callbacks:
            if callback.id == callback_id:
                return _summary(callback)
        raise ProvisioningError("not_found", "the Remote webhook callback no longer exists")

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        client = self._stored(ctx, vendor)
        await delete_unless_gone(
            client.delete_callback,
            self.endpoint_id(vendor),
            doing="deleting the Remote webhook callback",
        )
