"""Provisioning at Ashby: one webhook per webhook type, signed with a secret token unihook makes.

``webhook.create`` needs the secret token in the request, so unihook chooses it: 32 random bytes
from the operating system's CSPRNG, as 64 hex digits, stored as the connection's secret. Ashby
pings a webhook's URL when it is created or edited and leaves it disabled if the ping fails; when
the webhooks were made before the connection could answer, ``activate`` (called once the
connection is committed) enables them again, which makes Ashby ping again. A failure half-way
deletes the webhooks already made.

Setting: ``UNIHOOK_PROVIDER_ASHBY_API_URL`` (default ``https://api.ashbyhq.com``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
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
from providers.ashby.adapter import EVENT_TYPES
from providers.ashby.client import (
    API_URL,
    UNLISTED_TYPES,
    WEBHOOK_TYPES,
    AshbyClient,
)
from providers.client import VendorAPIError

log = logging.getLogger("unihook.providers.ashby")

SUBSCRIBABLE: Final = frozenset(EVENT_TYPES) - {"ping"}
"""Every webhook type unihook maps (``ping`` is sent by Ashby on its own, not subscribed to)."""
SECRET_BYTES: Final = 32


class AshbyProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Ashby."""

    api_key: str
    """An Ashby API key with the API Keys module's write (and, for health, read) permission."""
    events: list[str] | None = None
    """Ashby webhook types, one webhook each (default: every type of ``webhook.create``'s list,
    then the four documented types it does not list, skipped if Ashby refuses them)."""


def new_token() -> str:
    """A secret token: ``SECRET_BYTES`` from the operating system's CSPRNG, as hex."""
    return secrets.token_hex(SECRET_BYTES)


def _webhooks(vendor: VendorState) -> list[dict[str, Any]]:
    return [dict(w) for w in vendor.state.get("webhooks") or () if isinstance(w, Mapping)]


def _key(vendor: VendorState) -> str | None:
    return vendor.credentials.get("api_key") if vendor.credentials else None


def _valid_events(events: list[str] | None) -> tuple[list[str], list[str]]:
    """The types to create that must succeed, and those to try (skipped if Ashby refuses)."""
    if events is None:
        return list(WEBHOOK_TYPES), list(UNLISTED_TYPES)
    if not events:
        raise ProvisioningError("invalid", "provision.events must name at least one Ashby type")
    unknown = [e for e in events if e not in SUBSCRIBABLE]
    if unknown:
        hints = [
            f"{e} is {', '.join(v for v, c in EVENT_TYPES.items() if c == e)} at Ashby"
            for e in unknown
            if e in EVENT_TYPES.values()
        ]
        detail = f"; {'; '.join(hints)}" if hints else ""
        raise ProvisioningError(
            "invalid",
            f"Invalid events: {', '.join(unknown)} (Ashby webhook types, e.g. "
            f"applicationSubmit; ping is not one{detail})",
        )
    if len(set(events)) != len(events):
        raise ProvisioningError("invalid", "provision.events names a type twice")
    return list(events), []


def _summary(webhooks: Sequence[Mapping[str, Any]], **extra: Any) -> Provisioned:
    enabled = all(bool(w.get("enabled")) for w in webhooks) if webhooks else None
    stats: dict[str, Any] = {"webhooks": [dict(w) for w in webhooks], **extra}
    return Provisioned(
        endpoint_id=",".join(str(w["id"]) for w in webhooks),
        status="active" if enabled else "disabled",
        enabled=enabled,
        stats=stats,
    )


class AshbyProvisioner(BaseProvisioner):
    request_type = AshbyProvision
    capabilities = frozenset({"health", "update", "pause", "resume"})
    undescribed = "Ashby webhooks"

    @staticmethod
    def _client(ctx: ProvisionContext, api_key: str) -> AshbyClient:
        return AshbyClient(ctx.http, api_key, base_url=ctx.settings.url("api_url", API_URL))

    def _stored(self, ctx: ProvisionContext, vendor: VendorState) -> AshbyClient:
        api_key = _key(vendor)
        if not api_key:
            raise ProvisioningError(
                "auth",
                "unihook keeps no Ashby API key for this connection (UNIHOOK_FORGET_VENDOR_TOKENS "
                "was set when it was provisioned): manage its webhooks in Ashby",
            )
        return self._client(ctx, api_key)

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        if not isinstance(request, AshbyProvision):
            raise ProvisioningError("invalid", "provision must be Ashby's provision block")
        api_key = request.api_key.strip()
        if not api_key:
            raise ProvisioningError("invalid", "provision.api_key must not be empty")
        required, optional = _valid_events(request.events)
        token = new_token()
        client = self._client(ctx, api_key)
        made = await self._create(client, ctx.ingest_url, token, required, optional)
        webhooks, skipped = made
        log.info(
            "provisioned %d Ashby webhooks for tenant %r%s",
            len(webhooks),
            ctx.tenant,
            f" (Ashby refused {', '.join(skipped)})" if skipped else "",
        )
        extra = {"not_subscribed": skipped} if skipped else {}
        return ProvisionResult(
            secrets=[token],
            state={"webhooks": webhooks},
            summary=_summary(webhooks, **extra),
            credentials={"api_key": api_key, "secret_token": token},
        )

    async def _create(
        self,
        client: AshbyClient,
        url: str,
        token: str,
        required: Iterable[str],
        optional: Iterable[str],
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Create every required type (all or nothing) and each optional one Ashby accepts."""
        webhooks: list[dict[str, Any]] = []
        skipped: list[str] = []
        try:
            for webhook_type in required:
                made = await client.create(webhook_type, url, token)
                webhooks.append({"id": made.id, "type": webhook_type, "enabled": made.enabled})
            for webhook_type in optional:
                try:
                    made = await client.create(webhook_type, url, token)
                except VendorAPIError as exc:
                    if exc.status != 200 or exc.created_id is not None:
                        raise
                    skipped.append(webhook_type)
                    continue
                webhooks.append({"id": made.id, "type": webhook_type, "enabled": made.enabled})
        except VendorAPIError as exc:
            leftover = [w["id"] for w in webhooks] + ([exc.created_id] if exc.created_id else [])
            remaining = await self._delete_all(client, leftover)
            raise exc.as_provisioning_error(
                message=f"creating the webhooks: {exc}; the {len(leftover)} already made were "
                "deleted"
                if not remaining
                else f"creating the webhooks: {exc}; {len(remaining)} could not be deleted",
                leftover=VendorState(
                    state={"webhooks": [{"id": i} for i in remaining]},
                    credentials=client.credentials,
                )
                if remaining
                else None,
            ) from None
        return webhooks, skipped

    @staticmethod
    async def _delete_all(client: AshbyClient, ids: Iterable[str]) -> list[str]:
        """Delete these webhooks; the ids that could not be deleted (already gone is deleted)."""
        remaining: list[str] = []
        for webhook_id in ids:
            try:
                await client.delete_webhook(webhook_id)
            except VendorAPIError as exc:
                if exc.kind != "not_found":
                    log.warning("could not delete Ashby webhook %s: %s", webhook_id, exc)
                    remaining.append(webhook_id)
        return remaining

    async def activate(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned | None:
        """Enable the webhooks Ashby created disabled (their ping came before the connection)."""
        webhooks = _webhooks(vendor)
        if all(w.get("enabled") for w in webhooks):
            return None
        client = self._stored(ctx, vendor)
        for w in webhooks:
            if not w.get("enabled"):
                try:
                    w["enabled"] = (await client.set_enabled(str(w["id"]), True)).enabled
                except VendorAPIError as exc:
                    raise exc.as_provisioning_error(f"enabling webhook {w['id']}") from None
        return _summary(webhooks)

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        webhooks = _webhooks(vendor)
        if not webhooks:
            return
        client = self._stored(ctx, vendor)
        for w in webhooks:
            try:
                await client.delete_webhook(str(w["id"]))
            except VendorAPIError as exc:
                if exc.kind == "not_found":
                    continue
                raise exc.as_provisioning_error(f"deleting webhook {w['id']}") from None

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        webhooks = _webhooks(vendor)
        client = self._stored(ctx, vendor)
        missing: list[str] = []
        elsewhere: list[str] = []
        for w in webhooks:
            try:
                found = await client.info(str(w["id"]))
            except VendorAPIError as exc:
                if exc.kind != "not_found":
                    raise exc.as_provisioning_error(f"reading webhook {w['id']}") from None
                missing.append(str(w.get("type") or w["id"]))
                w["enabled"] = False
                continue
            w["enabled"] = found.enabled
            if ctx.ingest_url and found.request_url and found.request_url != ctx.ingest_url:
                elsewhere.append(str(w.get("type") or w["id"]))
        summary = _summary(webhooks, **({"missing": missing} if missing else {}))
        problems = []
        if missing:
            problems.append(f"Ashby no longer has the webhooks for {', '.join(missing)}")
        if elsewhere:
            problems.append(f"the webhooks for {', '.join(elsewhere)} point elsewhere")
        if not problems:
            return summary
        status = "missing" if missing and len(missing) == len(webhooks) else summary.status
        return Provisioned(
            endpoint_id=summary.endpoint_id,
            status="degraded" if missing and status != "missing" else status,
            enabled=summary.enabled,
            stats=summary.stats,
            error="; ".join(problems),
        )

    async def _set_all(
        self, ctx: ProvisionContext, vendor: VendorState, enabled: bool
    ) -> Provisioned:
        webhooks = _webhooks(vendor)
        client = self._stored(ctx, vendor)
        for w in webhooks:
            try:
                w["enabled"] = (await client.set_enabled(str(w["id"]), enabled)).enabled
            except VendorAPIError as exc:
                raise exc.as_provisioning_error(f"updating webhook {w['id']}") from None
        return _summary(webhooks)

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        return await self._set_all(ctx, vendor, False)

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        """Enable every webhook; Ashby pings each again, and keeps it disabled if that fails."""
        return await self._set_all(ctx, vendor, True)

    async def change_events(
        self, ctx: ProvisionContext, vendor: VendorState, events: Sequence[str] | None
    ) -> tuple[Mapping[str, Any], Provisioned]:
        """Create webhooks for added types and delete those of removed ones."""
        webhooks = _webhooks(vendor)
        if events is None:
            return {"webhooks": webhooks}, _summary(webhooks)
        wanted, _ = _valid_events(list(events))
        client = self._stored(ctx, vendor)
        token = vendor.credentials.get("secret_token") if vendor.credentials else None
        have = {str(w.get("type")) for w in webhooks}
        added = [t for t in wanted if t not in have]
        if added and not token:
            raise ProvisioningError(
                "invalid", "unihook keeps no secret token for these webhooks: re-provision instead"
            )
        made, _ = await self._create(client, ctx.ingest_url, str(token), added, ())
        kept = [w for w in webhooks if w.get("type") in wanted]
        gone = [str(w["id"]) for w in webhooks if w.get("type") not in wanted]
        remaining = await self._delete_all(client, gone)
        if remaining:
            kept.extend(w for w in webhooks if str(w["id"]) in remaining)
        result = kept + made
        return {"webhooks": result}, _summary(result)
