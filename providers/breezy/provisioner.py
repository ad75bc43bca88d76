"""Breezy's Webhook Management API as a provisioner: create, change, pause, resume, watch and
delete the endpoint that sends a company's webhooks to unihook.

Breezy makes the endpoint's secret and shows it once, in the answer to the create call. A partner
(``partner_api_key``) sees and counts against its own ten endpoints, apart from the company's.
Requests unihook can tell are wrong without asking Breezy (unknown event types, an empty company
id or token) are ``invalid``; Breezy's own refusals keep its message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from providers.breezy.adapter import EVENT_TYPES
from providers.breezy.client import (
    ALL_EVENTS,
    DEFAULT_BASE_URL,
    BreezyClient,
    BreezyEndpoint,
)
from providers.client import VendorAPIError

QUOTA: Final = 10
"""Breezy's endpoints per owner (the company's own, and each partner's, counted apart)."""


class BreezyProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Breezy: the company, its credentials, and what to send."""

    company_id: str
    api_token: str
    partner_api_key: str | None = None
    events: list[str] | None = None
    """Breezy event types to subscribe to (default: every type unihook maps)."""
    description: str | None = None


class BreezyProvisioner(BaseProvisioner):
    request_type = BreezyProvision
    capabilities = frozenset({"health", "update", "pause", "resume"})

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        assert isinstance(request, BreezyProvision)
        company_id = request.company_id.strip()
        if not company_id:
            raise ProvisioningError("invalid", "provision.company_id must not be empty")
        if not request.api_token.strip():
            raise ProvisioningError("invalid", "provision.api_token must not be empty")
        if request.partner_api_key is not None and not request.partner_api_key.strip():
            raise ProvisioningError(
                "invalid", "provision.partner_api_key must not be empty when given"
            )
        events = valid_events(request.events)
        description = request.description or f"unihook - {ctx.tenant}"
        credentials = {"api_token": request.api_token}
        if request.partner_api_key:
            credentials["partner_api_key"] = request.partner_api_key
        breezy = _client(ctx, credentials)
        try:
            endpoint = await breezy.create_endpoint(company_id, ctx.ingest_url, events, description)
        except VendorAPIError as exc:
            leftover = None
            if exc.created_id is not None:  # created, but the answer could not be read
                leftover = VendorState(
                    {"company_id": company_id, "endpoint_id": exc.created_id}, credentials
                )
            raise _create_error(ctx, exc, leftover) from None
        state = {"company_id": company_id, "endpoint_id": endpoint.id}
        if not endpoint.secret:
            raise ProvisioningError(
                "rejected",
                "Breezy created the endpoint but its answer had no secret",
                leftover=VendorState(state, credentials),
            )
        return ProvisionResult(
            secrets=[endpoint.secret],
            state=state,
            credentials=credentials,
            summary=summary(endpoint),
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        company_id, endpoint_id = _ids(vendor)
        try:
            await _client(ctx, _credentials(vendor)).delete_endpoint(company_id, endpoint_id)
        except VendorAPIError as exc:
            if exc.kind == "not_found":
                return
            raise _error(exc) from None

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        company_id, endpoint_id = _ids(vendor)
        try:
            endpoint = await _client(ctx, _credentials(vendor)).get_endpoint(
                company_id, endpoint_id
            )
        except VendorAPIError as exc:
            raise _error(exc) from None
        return summary(endpoint)

    async def update(
        self,
        ctx: ProvisionContext,
        vendor: VendorState,
        *,
        events: Sequence[str] | None,
        description: str | None,
    ) -> tuple[Mapping[str, Any], Provisioned]:
        company_id, endpoint_id = _ids(vendor)
        chosen = valid_events(list(events)) if events is not None else None
        try:
            endpoint = await _client(ctx, _credentials(vendor)).update_endpoint(
                company_id, endpoint_id, events=chosen, description=description
            )
        except VendorAPIError as exc:
            raise _error(exc) from None
        return vendor.state, summary(endpoint)

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        company_id, endpoint_id = _ids(vendor)
        try:
            endpoint = await _client(ctx, _credentials(vendor)).pause_endpoint(
                company_id, endpoint_id
            )
        except VendorAPIError as exc:
            raise _error(exc) from None
        return summary(endpoint)

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        company_id, endpoint_id = _ids(vendor)
        try:
            endpoint = await _client(ctx, _credentials(vendor)).resume_endpoint(
                company_id, endpoint_id
            )
        except VendorAPIError as exc:
            raise _error(exc) from None
        return summary(endpoint)


def valid_events(events: list[str] | None) -> list[str]:
    """The Breezy event types to subscribe to (default: every type the adapter maps)."""
    if events is None:
        return list(ALL_EVENTS)
    if not events:
        raise ProvisioningError("invalid", "At least one event must be specified (events)")
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        canonical = {v: k for k, v in EVENT_TYPES.items()}
        hints = [f"{e} (Breezy calls it {canonical[e]})" for e in unknown if e in canonical]
        raise ProvisioningError(
            "invalid",
            f"Invalid events: {', '.join(unknown)} are not Breezy event types"
            + (f"; {'; '.join(hints)}" if hints else "")
            + f". Breezy's types: {', '.join(ALL_EVENTS)}",
        )
    return list(dict.fromkeys(events))


def summary(endpoint: BreezyEndpoint) -> Provisioned:
    """What the connection shows of the endpoint: Breezy's status and its delivery counters."""
    return Provisioned(
        endpoint_id=endpoint.id,
        status=endpoint.status,
        enabled=endpoint.enabled,
        stats={
            "successful_deliveries": endpoint.stats.successful_deliveries,
            "failed_deliveries": endpoint.stats.failed_deliveries,
            "last_delivery_at": endpoint.stats.last_delivery_at,
        },
    )


def _client(ctx: ProvisionContext, credentials: Mapping[str, str]) -> BreezyClient:
    return BreezyClient(
        ctx.http,
        ctx.settings.url("api_url", DEFAULT_BASE_URL),
        credentials["api_token"],
        credentials.get("partner_api_key"),
    )


def _ids(vendor: VendorState) -> tuple[str, str]:
    return str(vendor.state["company_id"]), str(vendor.state["endpoint_id"])


def _credentials(vendor: VendorState) -> Mapping[str, str]:
    if not vendor.credentials or not vendor.credentials.get("api_token"):
        raise ProvisioningError("auth", "unihook keeps no Breezy API token for this connection")
    return vendor.credentials


def _describe(exc: VendorAPIError) -> str:
    if exc.status is None:
        return f"Breezy unreachable: {exc.message}"
    return f"Breezy answered {exc.status}: {exc.message}"


def _error(exc: VendorAPIError) -> ProvisioningError:
    """Breezy's answer to a call on an existing endpoint."""
    return exc.as_provisioning_error(message=_describe(exc))


def _create_error(
    ctx: ProvisionContext, exc: VendorAPIError, leftover: VendorState | None
) -> ProvisioningError:
    """Breezy's refusal to create the endpoint, with what to do about it."""
    code = exc.status
    if exc.kind == "rate_limited":
        message = (
            f"{exc.message} (Breezy answered 429). Breezy allows {QUOTA} webhook endpoints per "
            "owner (the company's own, and each partner's, counted apart): delete unused "
            "endpoints at Breezy, or retry later if Breezy is rate limiting"
        )
    elif code is None:
        where = ctx.settings.url("api_url", DEFAULT_BASE_URL)
        message = f"could not reach Breezy at {where} ({exc.message})"
    elif exc.kind == "auth":
        message = (
            f"Breezy refused the credentials ({code} {exc.message}); check the API token, that "
            "it is for this company_id, and the partner API key"
        )
    else:
        message = f"Breezy answered {code}: {exc.message}"
    if code == 400:
        message += f" (endpoint URL {ctx.ingest_url})"
        if not ctx.ingest_url.lower().startswith("https://"):
            message += (
                "; Breezy delivers only to https:// URLs: set UNIHOOK_PUBLIC_URL to the "
                "gateway's public https address"
            )
    return exc.as_provisioning_error(message=message, leftover=leftover)
