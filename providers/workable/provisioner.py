"""Provisioning at Workable: one subscription per event type, keyed by the account's API token.

Workable signs deliveries with the account's API token (or, for an OAuth integration, the app's
client secret) and returns no secret of its own, so that key becomes the connection's secret.
Workable refuses a target URL that is already registered (``409``), so each event's subscription
points at the tenant's ingest URL with ``?event=<label>`` appended: unique per event, and ignored
by the ingest route. A failure half-way deletes the subscriptions already made.

Settings: ``UNIHOOK_PROVIDER_WORKABLE_API_URL``, the SPI base with ``{subdomain}`` where the
account's subdomain goes (default ``https://{subdomain}.workable.com/spi/v3``), and
``UNIHOOK_PROVIDER_WORKABLE_RATE_LIMIT_WAIT``, the most seconds to wait for Workable's next
rate-limit interval (default 10).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import quote

import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
    parse_timestamp,
)
from providers.workable.adapter import EVENT_TYPES
from providers.workable.client import API_URL, RATE_INTERVAL, WorkableClient, api_base

log = logging.getLogger("unihook.providers.workable")

CANDIDATE_EVENTS: Final = frozenset({"candidate_created", "candidate_moved", "candidate_deleted"})
OPTIONAL_BY_DEFAULT: Final = frozenset({"candidate_deleted"})
"""Subscribed by default but skipped if Workable refuses it: the event list of Workable's webhook
page has it, the subscriptions reference's list of events does not (yet)."""
SCOPE_OF: Final = dict.fromkeys(CANDIDATE_EVENTS, "r_candidates")
"""The token scope each event needs (Workable: ``r_candidates`` for candidate events, else
``r_employees``)."""
RENEW_BEFORE: Final = timedelta(days=30)
"""A subscription whose ``valid_until`` is this close is made anew (Workable's last a year)."""
_SUBDOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class WorkableProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Workable."""

    subdomain: str
    """The account's subdomain: ``acme`` for ``https://acme.workable.com``."""
    api_token: str
    """A Workable API access token (``r_candidates`` and/or ``r_employees``), or an OAuth token."""
    events: list[str] | None = None
    """Workable registration labels to subscribe to (default: every type unihook maps)."""
    job_shortcode: str | None = None
    """Candidate events for this job only (Workable's ``args.job_shortcode``)."""
    stage_slug: str | None = None
    """Candidate events for this stage only (Workable's ``args.stage_slug``, e.g. ``hired``)."""
    client_secret: str | None = None
    """For an OAuth integration: the app's client secret, which signs Workable's deliveries."""


class WorkableProvisioner(BaseProvisioner):
    """Creates, checks, changes and deletes a tenant's subscriptions at Workable."""

    request_type = WorkableProvision
    capabilities = frozenset({"health", "update", "renew"})
    undescribed = "Workable subscriptions"

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        req: WorkableProvision = request
        subdomain = _subdomain(req.subdomain)
        token = req.api_token.strip()
        if not token:
            raise ProvisioningError("invalid", "provision.api_token must not be empty")
        if req.client_secret is not None and not req.client_secret.strip():
            raise ProvisioningError("invalid", "provision.client_secret must not be empty")
        events = _events(req.events)
        filters = _filters(req)
        client = _client(ctx, subdomain, token)
        made, skipped, scopes = await _subscribe_all(
            client, ctx.ingest_url, subdomain, events, filters, optional=req.events is None
        )
        state: dict[str, Any] = {"subdomain": subdomain, "subscriptions": made}
        if filters:
            state["filters"] = filters
        summary = _summary(
            made, dict.fromkeys(made.values()), skipped=skipped, missing_scopes=scopes
        )
        log.info(
            "subscribed Workable account %s to %d events for tenant %r",
            subdomain,
            len(made),
            ctx.tenant,
        )
        return ProvisionResult(
            secrets=[(req.client_secret or token).strip()],
            state=state,
            summary=summary,
            credentials={"api_token": token},
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        subdomain, made = _state(vendor)
        token = _token(vendor)
        if token is None:
            log.warning(
                "no Workable API token is stored, so subscriptions %s of account %s are left at "
                "Workable; delete them there",
                ", ".join(made.values()),
                subdomain,
            )
            return
        client = _client(ctx, subdomain, token)
        for event, subscription_id in made.items():
            try:
                await client.unsubscribe(subscription_id)
            except ProvisioningError as exc:
                if exc.kind == "auth":
                    log.warning(
                        "Workable refused the stored token (%s), so subscription %s (%s) of "
                        "account %s is left at Workable; delete it there",
                        exc.message,
                        subscription_id,
                        event,
                        subdomain,
                    )
                    return
                raise

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        subdomain, made = _state(vendor)
        token = _token(vendor)
        if token is None:
            return Provisioned(
                endpoint_id=",".join(made.values()),
                error="not checked: unihook keeps no Workable API token for this connection",
            )
        listed = await _client(ctx, subdomain, token).subscriptions()
        valid_until = {str(s.id): s.valid_until for s in listed}
        return _summary(made, valid_until, present={str(s.id) for s in listed})

    async def change_events(
        self, ctx: ProvisionContext, vendor: VendorState, events: Sequence[str] | None
    ) -> tuple[Mapping[str, Any], Provisioned]:
        subdomain, made = _state(vendor)
        token = _token(vendor)
        if token is None:
            raise ProvisioningError(
                "invalid", "unihook keeps no Workable API token for this connection"
            )
        wanted = _events(list(events)) if events is not None else list(made)
        filters = dict(vendor.state.get("filters") or {})
        client = _client(ctx, subdomain, token)
        added, _, _ = await _subscribe_all(
            client,
            ctx.ingest_url,
            subdomain,
            [e for e in wanted if e not in made],
            filters,
            optional=False,
        )
        kept = {e: sid for e, sid in made.items() if e in wanted}
        for event, subscription_id in made.items():
            if event not in wanted:
                await client.unsubscribe(subscription_id)
        now = {**kept, **added}
        state: dict[str, Any] = {**vendor.state, "subscriptions": now}
        return state, _summary(now, dict.fromkeys(now.values()))

    async def renew(
        self, ctx: ProvisionContext, vendor: VendorState, *, now: datetime
    ) -> tuple[Mapping[str, Any], Provisioned] | None:
        """Make anew each subscription within ``RENEW_BEFORE`` of its ``valid_until`` (or gone
        from Workable), then delete the old one; ``None`` when none is due. The new one is made
        first, at a target of its own, so no event falls between the two."""
        subdomain, made = _state(vendor)
        token = _token(vendor)
        if token is None or not made:
            return None
        client = _client(ctx, subdomain, token)
        listed = {str(s.id): s.valid_until for s in await client.subscriptions()}
        due = [
            event
            for event, sid in made.items()
            if sid not in listed or _expires_soon(listed[sid], now)
        ]
        if not due:
            return None
        filters = dict(vendor.state.get("filters") or {})
        renewed: dict[str, str] = {}
        stamp = now.strftime("%Y%m%d%H%M%S")
        for event in due:
            target = target_for(ctx.ingest_url, event, renewed=stamp)
            renewed[event] = await client.subscribe(target, event, _args(event, subdomain, filters))
            if made[event] in listed:
                try:
                    await client.unsubscribe(made[event])
                except ProvisioningError as exc:
                    log.warning("could not delete renewed subscription %s: %s", made[event], exc)
        now_made = {**made, **renewed}
        log.info("renewed %d Workable subscriptions of account %s", len(renewed), subdomain)
        listed = {str(s.id): s.valid_until for s in await client.subscriptions()}
        state: dict[str, Any] = {**vendor.state, "subscriptions": now_made}
        return state, _summary(now_made, listed, present=set(listed))


def _expires_soon(valid_until: str | None, now: datetime) -> bool:
    moment = parse_timestamp(valid_until, plausible=False) if valid_until else None
    if moment is None:
        return False  # Workable gave no expiry: nothing to renew
    return datetime.fromisoformat(moment.replace("Z", "+00:00")) - now <= RENEW_BEFORE


def target_for(ingest_url: str, event: str, *, renewed: str | None = None) -> str:
    """The subscription's target: the ingest URL, made unique per event by ``?event=`` (and
    per renewal by ``&renewed=``: Workable refuses a target already registered)."""
    separator = "&" if "?" in ingest_url else "?"
    target = f"{ingest_url}{separator}event={quote(event, safe='')}"
    return f"{target}&renewed={renewed}" if renewed else target


async def _subscribe_all(
    client: WorkableClient,
    ingest_url: str,
    subdomain: str,
    events: Sequence[str],
    filters: Mapping[str, str],
    *,
    optional: bool,
) -> tuple[dict[str, str], list[str], list[str]]:
    """Subscribe each event in turn; on a failure delete what was made and raise. With
    ``optional`` (the events were not chosen), events the token's scopes do not allow are
    skipped. The subscriptions made, the events skipped, the scopes found missing."""
    made: dict[str, str] = {}
    skipped: list[str] = []
    missing_scopes: list[str] = []
    for event in events:
        scope = SCOPE_OF.get(event, "r_employees")
        if scope in missing_scopes:
            skipped.append(event)
            continue
        args = _args(event, subdomain, filters)
        target = target_for(ingest_url, event)
        try:
            made[event] = await client.subscribe(target, event, args)
        except ProvisioningError as exc:
            if exc.status_code is not None and 200 <= exc.status_code < 300:
                await _delete_by_target(client, target)
            if optional and event in OPTIONAL_BY_DEFAULT and exc.status_code in (400, 422):
                log.warning("Workable refused %s (%s); subscribed without it", event, exc.message)
                skipped.append(event)
                continue
            if optional and exc.status_code == 403:
                # the token lacks this event's scope (a recruiting-only token and the employee
                # events): subscribe what it may see, and say what it may not
                log.warning("Workable refused %s (%s): no %s scope", event, exc.message, scope)
                missing_scopes.append(scope)
                skipped.append(event)
                continue
            await _delete_quietly(client, made)
            raise
    if not made and missing_scopes:
        raise ProvisioningError(
            "auth",
            "the Workable token has none of the scopes these events need "
            f"({', '.join(missing_scopes)})",
        )
    return made, skipped, missing_scopes


async def _delete_by_target(client: WorkableClient, target: str) -> None:
    """Delete a subscription Workable made but whose id could not be read from its answer."""
    try:
        for sub in await client.subscriptions():
            if sub.target == target:
                await client.unsubscribe(str(sub.id))
    except ProvisioningError as exc:
        log.warning("could not look for a Workable subscription to %s: %s", target, exc.message)


async def _delete_quietly(client: WorkableClient, made: Mapping[str, str]) -> None:
    for subscription_id in made.values():
        try:
            await client.unsubscribe(subscription_id)
        except ProvisioningError as exc:
            log.warning(
                "could not delete Workable subscription %s after a failure: %s",
                subscription_id,
                exc.message,
            )


def _args(event: str, subdomain: str, filters: Mapping[str, str]) -> dict[str, str] | None:
    """Workable's ``args``: only for candidate events, and only when a filter was asked for."""
    if event not in CANDIDATE_EVENTS or not filters:
        return None
    return {
        "account_id": subdomain,
        "job_shortcode": filters.get("job_shortcode", ""),
        "stage_slug": filters.get("stage_slug", ""),
    }


def _filters(req: WorkableProvision) -> dict[str, str]:
    filters: dict[str, str] = {}
    for name in ("job_shortcode", "stage_slug"):
        value = getattr(req, name)
        if value is not None:
            if not value.strip():
                raise ProvisioningError("invalid", f"provision.{name} must not be empty")
            filters[name] = value.strip()
    return filters


def _subdomain(value: str) -> str:
    subdomain = value.strip().lower()
    if subdomain.endswith(".workable.com"):
        subdomain = subdomain.removesuffix(".workable.com")
    if not _SUBDOMAIN.match(subdomain):
        raise ProvisioningError(
            "invalid",
            "provision.subdomain must be the account's Workable subdomain (acme for "
            "https://acme.workable.com)",
        )
    return subdomain


def _events(events: list[str] | None) -> list[str]:
    if events is None:
        return list(EVENT_TYPES)
    if not events:
        raise ProvisioningError(
            "invalid", "At least one event must be specified (provision.events)"
        )
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise ProvisioningError(
            "invalid",
            f"Invalid events: {', '.join(map(str, unknown))} are not Workable event types. "
            f"Workable's types: {', '.join(EVENT_TYPES)}",
        )
    return list(dict.fromkeys(events))


def _client(ctx: ProvisionContext, subdomain: str, token: str) -> WorkableClient:
    template = ctx.settings.url("api_url", API_URL)
    wait = ctx.settings.number("rate_limit_wait", RATE_INTERVAL)
    return WorkableClient(ctx.http, api_base(template, subdomain), token, max_wait=wait)


def _state(vendor: VendorState) -> tuple[str, dict[str, str]]:
    subdomain = str(vendor.state.get("subdomain") or "")
    made = vendor.state.get("subscriptions") or {}
    return subdomain, {str(k): str(v) for k, v in dict(made).items()}


def _token(vendor: VendorState) -> str | None:
    return vendor.credentials.get("api_token") if vendor.credentials else None


def _summary(
    made: Mapping[str, str],
    valid_until: Mapping[str, str | None],
    *,
    present: set[str] | None = None,
    skipped: Sequence[str] = (),
    missing_scopes: Sequence[str] = (),
) -> Provisioned:
    """The connection's view: one entry per event, and what is missing at Workable."""
    subscriptions = [
        {"event": event, "id": sid, "valid_until": valid_until.get(sid)}
        for event, sid in made.items()
    ]
    missing = sorted(e for e, sid in made.items() if present is not None and sid not in present)
    stats: dict[str, Any] = {"subscriptions": subscriptions}
    if skipped:
        stats["not_subscribed"] = list(skipped)
    if missing_scopes:
        stats["missing_scopes"] = list(missing_scopes)
    error = None
    if missing:
        stats["missing"] = missing
        error = (
            f"Workable no longer has the subscriptions for {', '.join(missing)} (deleted or "
            "expired there?); delete and re-provision the connection"
        )
    return Provisioned(
        endpoint_id=",".join(made.values()),
        status=("missing" if len(missing) == len(made) else "degraded") if missing else "active",
        enabled=not missing,
        stats=stats,
        error=error,
    )
