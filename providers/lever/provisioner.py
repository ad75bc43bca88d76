"""Provisioning at Lever: one webhook per event through ``POST /webhooks``, deleted with the
connection. Lever returns a signature token per webhook, so the connection holds one secret per
event (any that verifies wins). Lever's API cannot change a webhook's event or pause one, so
only health is offered besides create and delete; a Super Admin must still switch each event
group on in Lever's settings before Lever sends anything (Lever's docs say so).
"""

from __future__ import annotations

import logging
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
from providers.client import VendorAPIError
from providers.lever.client import DEFAULT_API_URL, LeverClient, LeverWebhook
from providers.lever.events import EVENT_TYPES

log = logging.getLogger("unihook.providers.lever")

ALL_EVENTS: Final[tuple[str, ...]] = tuple(EVENT_TYPES)
ORIGINS: Final = ("applied", "sourced", "referred", "university", "agency", "internal")
CONFIGURABLE: Final = frozenset(
    {"applicationCreated", "candidateArchiveChange", "candidateHired", "candidateStageChange"}
)
"""The events Lever lets a webhook filter by candidate origin (its "Event configuration")."""
STATUS_CREATED: Final = "created"
"""Lever gives no enabled flag: the webhooks exist, and send once their groups are switched on."""


class LeverProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Lever: one of ``api_key`` (Basic auth) or ``access_token``
    (OAuth, scope ``webhooks:write:admin``); ``events`` default to all ten; ``origins`` filter
    the four configurable events by candidate origin."""

    api_key: str | None = None
    access_token: str | None = None
    events: list[str] | None = None
    origins: list[str] | None = None


def _invalid(message: str) -> ProvisioningError:
    return ProvisioningError("invalid", message)


def _events(request: LeverProvision) -> list[str]:
    if request.events is None:
        return list(ALL_EVENTS)
    if not request.events:
        raise _invalid("events must name at least one Lever event")
    unknown = [e for e in request.events if e not in EVENT_TYPES]
    if unknown:
        raise _invalid(f"unknown Lever events: {', '.join(unknown)}")
    return list(dict.fromkeys(request.events))


def _configuration(request: LeverProvision, event: str) -> dict[str, Any] | None:
    if not request.origins or event not in CONFIGURABLE:
        return None
    return {"conditions": {"origins": list(dict.fromkeys(request.origins))}}


def _client(ctx: ProvisionContext, credentials: Mapping[str, str] | None) -> LeverClient:
    if not credentials or not (credentials.get("api_key") or credentials.get("access_token")):
        raise ProvisioningError(
            "auth", "unihook keeps no Lever API key or token for this connection"
        )
    return LeverClient(
        ctx.http,
        ctx.settings.url("api_url", DEFAULT_API_URL),
        api_key=credentials.get("api_key"),
        access_token=credentials.get("access_token"),
    )


def _webhooks(vendor: VendorState) -> list[dict[str, str]]:
    found = vendor.state.get("webhooks")
    if not isinstance(found, list):
        return []
    return [w for w in found if isinstance(w, dict) and isinstance(w.get("id"), str)]


def _summary(webhooks: Sequence[Mapping[str, str]], **extra: Any) -> Provisioned:
    return Provisioned(
        endpoint_id=webhooks[0]["id"] if webhooks else "",
        stats={"webhooks": {w["event"]: w["id"] for w in webhooks}},
        **extra,
    )


class LeverProvisioner(BaseProvisioner):
    request_type = LeverProvision
    capabilities = frozenset({"health"})

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        if not isinstance(request, LeverProvision):
            raise _invalid("the provision block is not Lever's")
        if bool(request.api_key) == bool(request.access_token):
            raise _invalid("give exactly one of api_key and access_token")
        if request.origins is not None:
            bad = [o for o in request.origins if o not in ORIGINS]
            if bad or not request.origins:
                raise _invalid(f"origins must be some of {', '.join(ORIGINS)}")
        events = _events(request)
        credentials = {
            k: v
            for k, v in (("api_key", request.api_key), ("access_token", request.access_token))
            if v
        }
        client = _client(ctx, credentials)
        made: list[dict[str, str]] = []
        tokens: list[str] = []
        for event in events:
            try:
                webhook, token = await client.create_webhook(
                    ctx.ingest_url, event, _configuration(request, event)
                )
            except VendorAPIError as exc:
                if exc.created_id is not None:
                    made.append({"id": exc.created_id, "event": event})
                leftover = await self._undo(client, made)
                raise exc.as_provisioning_error(
                    f"creating the {event} webhook",
                    leftover=VendorState(state={"webhooks": leftover}, credentials=credentials)
                    if leftover
                    else None,
                ) from None
            made.append({"id": webhook.id, "event": webhook.event or event})
            tokens.append(token)
        return ProvisionResult(
            secrets=tokens,
            state={"webhooks": made, "url": ctx.ingest_url},
            summary=_summary(made, status=STATUS_CREATED),
            credentials=credentials if ctx.store_credentials else {},
        )

    async def _undo(self, client: LeverClient, made: list[dict[str, str]]) -> list[dict[str, str]]:
        """Delete what a failed provision created; returns what could not be deleted."""
        left: list[dict[str, str]] = []
        for webhook in made:
            try:
                await client.delete_webhook(webhook["id"])
            except VendorAPIError as exc:
                if exc.kind != "not_found":
                    log.warning("could not delete Lever webhook %s: %s", webhook["id"], exc)
                    left.append(webhook)
        return left

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        client = _client(ctx, vendor.credentials)
        failed: list[str] = []
        first: VendorAPIError | None = None
        for webhook in _webhooks(vendor):
            try:
                await client.delete_webhook(webhook["id"])
            except VendorAPIError as exc:
                if exc.kind == "not_found":  # already gone at Lever
                    continue
                failed.append(webhook["id"])
                first = first or exc
        if first is not None:
            raise first.as_provisioning_error(f"deleting Lever webhooks {', '.join(failed)}")

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        """Lever's list of webhooks, compared with the ones unihook made: all there, some gone
        (``degraded``), or none (``not_found``)."""
        client = _client(ctx, vendor.credentials)
        ours = _webhooks(vendor)
        try:
            listed: list[LeverWebhook] = await client.list_webhooks()
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("listing Lever webhooks") from None
        at_lever = {w.id: w for w in listed}
        present = [w for w in ours if w["id"] in at_lever]
        missing = [w for w in ours if w["id"] not in at_lever]
        if ours and not present:
            raise ProvisioningError("not_found", "none of this connection's webhooks is at Lever")
        expected = vendor.state.get("url") or ctx.ingest_url
        moved = [w["id"] for w in present if expected and at_lever[w["id"]].url != expected]
        problems = []
        if missing:
            problems.append("deleted at Lever: " + ", ".join(w["event"] for w in missing))
        if moved:
            problems.append("pointing elsewhere: " + ", ".join(moved))
        return _summary(
            present,
            status="degraded" if problems else "active",
            error="; ".join(problems) or None,
        )
