"""Provisioning at Gusto: one webhook subscription, whose secret arrives in a handshake.

Gusto chooses the signing secret (the subscription's ``verification_token``) and never returns it
from its API: it POSTs it to the subscription's URL. So ``provision`` creates the subscription and
answers with no secret (``awaits_handshake``); once the connection is committed, ``activate`` asks
Gusto to send the token again (it may have been sent before the connection existed to receive
it); when it arrives, the gateway has ``confirm_handshake`` verify it with Gusto (``PUT
.../verify``) and only then stores it as the connection's secret.

Setting: ``UNIHOOK_PROVIDER_GUSTO_API_URL`` (default ``https://api.gusto.com``; Gusto's demo
environment is ``https://api.gusto-demo.com``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)
from providers.client import VendorAPIError, delete_unless_gone
from providers.gusto.client import API_URL, GustoClient, GustoSubscription

SUBSCRIPTION_TYPES: Final = (
    "BankAccount",
    "Company",
    "CompanyBenefit",
    "Contractor",
    "ContractorPayment",
    "Employee",
    "EmployeeBenefit",
    "EmployeeHomeAddress",
    "EmployeeJobCompensation",
    "EmployeeWorkAddress",
    "ExternalPayroll",
    "FastAchConfig",
    "Form",
    "Location",
    "PaySchedule",
    "Payroll",
    "Signatory",
)
"""The subscription types of Gusto's webhook event list."""


class GustoProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Gusto."""

    api_token: str
    """A token with the ``webhook_subscriptions:write`` and ``:read`` scopes."""
    auth_scheme: Literal["Bearer", "Token"] = "Bearer"
    """``Bearer`` (a system access token, current API versions) or ``Token`` (an organization
    API token, older versions)."""
    subscription_types: list[str] | None = None
    """Gusto subscription types (default: Company, Contractor, Employee, Payroll)."""


def _summary(subscription: GustoSubscription) -> Provisioned:
    return Provisioned(
        endpoint_id=subscription.uuid,
        status=subscription.status or None,
        enabled=subscription.status == "verified",
        stats={"subscription_types": list(subscription.subscription_types)},
    )


class GustoProvisioner(BaseProvisioner):
    request_type = GustoProvision
    capabilities = frozenset({"health", "update"})
    subscribable_events = SUBSCRIPTION_TYPES
    default_events = ("Company", "Contractor", "Employee", "Payroll")
    """The families unihook maps to canonical types."""
    events_example = "Gusto subscription types, e.g. Employee"
    events_field = "provision.subscription_types"
    endpoint_noun = "Gusto subscription"

    def _client(self, ctx: ProvisionContext, token: str, scheme: str) -> GustoClient:
        return GustoClient(
            ctx.http, token, scheme=scheme, base_url=ctx.settings.url("api_url", API_URL)
        )

    def _vendor_client(self, ctx: ProvisionContext, vendor: VendorState) -> GustoClient:
        credentials = vendor.credentials or {}
        token = credentials.get("api_token")
        if not token:
            raise ProvisioningError("auth", "no Gusto API token is kept for this connection")
        return self._client(ctx, token, credentials.get("auth_scheme") or "Bearer")

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        assert isinstance(request, GustoProvision)
        types = self.checked_events(request.subscription_types)
        client = self._client(ctx, request.api_token, request.auth_scheme)
        try:
            subscription = await client.create(ctx.ingest_url, types)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("creating the webhook subscription") from None
        credentials = {"api_token": request.api_token, "auth_scheme": request.auth_scheme}
        return ProvisionResult(
            secrets=(),
            state={self.endpoint_key: subscription.uuid},
            summary=_summary(subscription),
            credentials=credentials if ctx.store_credentials else {},
            awaits_handshake=True,
        )

    async def activate(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned | None:
        uuid = self.endpoint_id(vendor)
        client = self._vendor_client(ctx, vendor)
        try:
            await client.request_verification_token(uuid)
            return _summary(await client.read(uuid))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("asking Gusto to send the verification token") from None

    async def confirm_handshake(
        self, ctx: ProvisionContext, vendor: VendorState, token: str
    ) -> None:
        uuid = self.endpoint_id(vendor)
        try:
            subscription = await self._vendor_client(ctx, vendor).verify(uuid, token)
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("verifying the subscription") from None
        if subscription.status != "verified":
            raise ProvisioningError("rejected", f"the subscription is {subscription.status!r}")

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        await delete_unless_gone(
            self._vendor_client(ctx, vendor).remove,
            self.endpoint_id(vendor),
            doing="deleting the webhook subscription",
        )

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        try:
            return _summary(await self._vendor_client(ctx, vendor).read(self.endpoint_id(vendor)))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("reading the webhook subscription") from None

    async def change_events(
        self, ctx: ProvisionContext, vendor: VendorState, events: Sequence[str] | None
    ) -> tuple[dict[str, Any], Provisioned]:
        """Change the subscription types; a description alone (no events) is refused, and one
        given with events is ignored, as Gusto's subscriptions have none."""
        if events is None:
            raise ProvisioningError("invalid", "Gusto subscriptions have no description")
        types = self.checked_events(events)
        try:
            subscription = await self._vendor_client(ctx, vendor).change_types(
                self.endpoint_id(vendor), types
            )
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("changing the webhook subscription") from None
        return dict(vendor.state), _summary(subscription)
