"""Provisioning at BambooHR: one permissioned webhook, made through ``POST /api/v1/webhooks``.

BambooHR chooses the webhook's private key and answers it once, in the creation response: that
key becomes the connection's secret. The webhook belongs to the API key's user, sees only the
fields that user may see, and stops if the user is deactivated. Event-based events by default
(``employee.created``, ``employee.updated``, ``employee.deleted``); ``employee.updated`` needs
fields to monitor, and without ``monitor_fields`` unihook monitors every field BambooHR lists as
monitorable for that user (``GET /api/v1/webhooks/monitor_fields``). Updating the events replaces
the webhook (BambooHR's ``PUT`` is a full replacement) and keeps its private key.

Setting: ``UNIHOOK_PROVIDER_BAMBOOHR_API_URL`` (default ``https://{company_domain}.bamboohr.com``;
a base without ``{company_domain}`` is used as it is, e.g. for a proxy or a test double).
"""

from __future__ import annotations

import logging
import re
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
    kept_credential,
)
from providers.bamboohr.adapter import EVENT_TYPES, FIELD_ACTIONS
from providers.bamboohr.client import API_URL, BambooHRClient, BambooHRWebhook, api_base
from providers.client import VendorAPIError, delete_unless_gone

log = logging.getLogger("unihook.providers.bamboohr")

DEFAULT_EVENTS: Final = ("employee.created", "employee.updated", "employee.deleted")
FIELD_BASED: Final = frozenset(FIELD_ACTIONS.values())
NEEDS_FIELDS: Final = frozenset({"employee.updated", "employee_with_fields.updated"})
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class BambooHRProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for BambooHR."""

    company_domain: str
    """The account's subdomain: ``acme`` for ``acme.bamboohr.com``."""
    api_key: str
    """An API key of a BambooHR user who may see the fields to monitor."""
    events: list[str] | None = None
    """BambooHR event types (default: ``employee.created``, ``employee.updated``,
    ``employee.deleted``); ``employee_with_fields.*`` types cannot be mixed with the others."""
    monitor_fields: list[str] | None = None
    """Field ids or aliases whose change fires an update (default: every monitorable field)."""


def _summary(
    webhook_id: str, webhook: BambooHRWebhook | None, events: Sequence[str]
) -> Provisioned:
    stats: dict[str, Any] = {"events": list(webhook.events or events) if webhook else list(events)}
    if webhook is not None:
        stats.update({"format": webhook.format, "last_sent": webhook.last_sent})
    return Provisioned(
        endpoint_id=webhook_id,
        status="active",
        enabled=True,
        stats={k: v for k, v in stats.items() if v is not None},
    )


class BambooHRProvisioner(BaseProvisioner):
    request_type = BambooHRProvision
    capabilities = frozenset({"health", "update"})
    undescribed = "BambooHR webhooks"
    subscribable_events = EVENT_TYPES
    default_events = DEFAULT_EVENTS
    events_example = "BambooHR event types, e.g. employee.updated"

    def checked_events(self, requested: Sequence[str] | None) -> list[str]:
        """The kit's check, and one of BambooHR's own: field-based types stand alone."""
        chosen = super().checked_events(requested)
        if len({e in FIELD_BASED for e in chosen}) > 1:
            raise ProvisioningError(
                "invalid", "BambooHR cannot mix employee_with_fields.* events with the others"
            )
        return chosen

    @staticmethod
    def _client(ctx: ProvisionContext, company_domain: str, api_key: str) -> BambooHRClient:
        base = api_base(ctx.settings.url("api_url", API_URL), company_domain)
        return BambooHRClient(ctx.http, base, api_key)

    def _stored(self, ctx: ProvisionContext, vendor: VendorState) -> tuple[BambooHRClient, str]:
        api_key = kept_credential(
            vendor, "api_key", what="BambooHR API key", manage="manage its webhook in BambooHR"
        )
        domain = str(vendor.state.get("company_domain") or "")
        webhook_id = str(vendor.state.get("webhook_id") or "")
        return self._client(ctx, domain, api_key), webhook_id

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        if not isinstance(request, BambooHRProvision):
            raise ProvisioningError("invalid", "provision must be BambooHR's provision block")
        domain = request.company_domain.strip().lower()
        if _DOMAIN.fullmatch(domain) is None:
            raise ProvisioningError(
                "invalid", "provision.company_domain must be the subdomain, e.g. acme"
            )
        api_key = request.api_key.strip()
        if not api_key:
            raise ProvisioningError("invalid", "provision.api_key must not be empty")
        events = self.checked_events(request.events)
        client = self._client(ctx, domain, api_key)
        fields = await self._monitor_fields(client, events, request.monitor_fields)
        body = self._body(ctx, events, fields)
        try:
            made = await client.create(body)
        except VendorAPIError as exc:
            if exc.created_id is not None:
                await self._delete(client, exc.created_id)
            raise exc.as_provisioning_error("creating the webhook") from None
        webhook_id = str(made.id)
        if not made.private_key:
            await self._delete(client, webhook_id)
            raise ProvisioningError(
                "rejected", "BambooHR created the webhook without a private key; it was deleted"
            )
        log.info("provisioned BambooHR webhook %s for tenant %r", webhook_id, ctx.tenant)
        state = {
            "webhook_id": webhook_id,
            "company_domain": domain,
            "events": events,
            "monitor_fields": fields,
        }
        return ProvisionResult(
            secrets=[made.private_key],
            state=state,
            summary=_summary(webhook_id, made, events),
            credentials={"api_key": api_key},
        )

    @staticmethod
    def _body(
        ctx: ProvisionContext, events: Sequence[str], fields: Sequence[str]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": f"unihook {ctx.tenant}"[:100],
            "url": ctx.ingest_url,
            "format": "json",
            "events": list(events),
        }
        if fields:
            body["monitorFields"] = list(fields)
        return body

    @staticmethod
    async def _monitor_fields(
        client: BambooHRClient, events: Sequence[str], given: Sequence[str] | None
    ) -> list[str]:
        if given is not None:
            fields = [f.strip() for f in given if f.strip()]
            if not fields and NEEDS_FIELDS & set(events):
                raise ProvisioningError("invalid", "provision.monitor_fields must not be empty")
            return fields
        if not NEEDS_FIELDS & set(events):
            return []
        try:
            listed = await client.monitor_fields()
        except VendorAPIError as exc:
            raise exc.as_provisioning_error("listing the monitorable fields") from None
        fields = [str(f.alias or f.id) for f in listed if f.alias or f.id is not None]
        if not fields:
            raise ProvisioningError(
                "rejected", "BambooHR lists no field this API key's user may monitor"
            )
        return fields

    @staticmethod
    async def _delete(client: BambooHRClient, webhook_id: str) -> None:
        await delete_unless_gone(
            client.delete_webhook, webhook_id, doing=f"deleting webhook {webhook_id}"
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        client, webhook_id = self._stored(ctx, vendor)
        if webhook_id:
            await self._delete(client, webhook_id)

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        client, webhook_id = self._stored(ctx, vendor)
        events = [str(e) for e in vendor.state.get("events") or DEFAULT_EVENTS]
        try:
            found = await client.get_webhook(webhook_id)
        except VendorAPIError as exc:
            if exc.kind == "not_found":
                return Provisioned(
                    endpoint_id=webhook_id,
                    status="missing",
                    enabled=False,
                    error="BambooHR no longer has this webhook",
                )
            raise exc.as_provisioning_error(f"reading webhook {webhook_id}") from None
        summary = _summary(webhook_id, found, events)
        if ctx.ingest_url and found.url and found.url != ctx.ingest_url:
            return Provisioned(
                endpoint_id=webhook_id,
                status=summary.status,
                enabled=summary.enabled,
                stats=summary.stats,
                error="the webhook points elsewhere",
            )
        return summary

    async def change_events(
        self, ctx: ProvisionContext, vendor: VendorState, events: Sequence[str] | None
    ) -> tuple[Mapping[str, Any], Provisioned]:
        """Replace the webhook with the new events (its private key stays)."""
        client, webhook_id = self._stored(ctx, vendor)
        state = dict(vendor.state)
        if events is None:
            return state, _summary(webhook_id, None, state.get("events") or DEFAULT_EVENTS)
        wanted = self.checked_events(list(events))
        stored = [str(f) for f in state.get("monitor_fields") or ()]
        fields = await self._monitor_fields(client, wanted, stored or None)
        try:
            found = await client.replace(webhook_id, self._body(ctx, wanted, fields))
        except VendorAPIError as exc:
            raise exc.as_provisioning_error(f"updating webhook {webhook_id}") from None
        state.update({"events": wanted, "monitor_fields": fields})
        return state, _summary(webhook_id, found, wanted)
