"""Creating, watching and deleting the vendor-side endpoint (Breezy's Webhook Management API).

``provision`` runs inside ``POST /v1/connections`` (and ``unihook connect --provision``) before the
connection row is written: it creates the endpoint at Breezy, pointing at the tenant's ingest URL,
and hands back Breezy's secret and the columns that remember the endpoint. ``undo_provision``
deletes that endpoint again if the row cannot be written, so nothing is left half-made on either
side. ``deprovision`` deletes the endpoint with the connection, and ``vendor_health`` shows Breezy's
view of it (briefly cached, and never failing the request that asked).

Breezy's errors become ``502`` with Breezy's message in ``detail``, except its ``429`` (the
ten-endpoints-per-owner quota), which stays ``429``. Requests unihook can tell are wrong without
asking Breezy (unknown event types, a missing company id or token) are ``400``.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.status_codes import (
    HTTP_409_CONFLICT,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_502_BAD_GATEWAY,
)
from sqlalchemy import select

from gateway.http.connections import ingest_url
from gateway.runtime import Runtime
from gateway.storage.models import Connection
from providers.breezy import EVENT_TYPES
from providers.breezy.client import ALL_EVENTS, BreezyAPIError, BreezyClient, BreezyEndpoint
from schemas.api import ConnectionCreate, Provisioned

log = logging.getLogger("unihook.provisioning")

PROVISIONABLE: Final = ("breezy",)
QUOTA: Final = 10
"""Breezy's endpoints per owner (the company's own, and each partner's, counted apart)."""
HEALTH_CACHE_SECONDS: Final = 30.0
"""How long Breezy's view of an endpoint is reused before it is asked again."""
HEALTH_RETRY_SECONDS: Final = 10.0
"""After a failed health check, how long before Breezy is asked again (a down Breezy is not
hammered by every ``GET``)."""
HEALTH_TIMEOUT: Final = 5.0
"""Seconds a health check may wait for Breezy: a ``GET`` of a connection must stay quick."""
NO_STORED_CREDENTIALS: Final = (
    "not checked: unihook keeps no Breezy API token for this connection "
    "(UNIHOOK_FORGET_VENDOR_TOKENS was set when it was provisioned)"
)
_HEALTH_CACHE_MAX = 10_000


class _Health:
    """One connection's last answer from Breezy (``good``) and when to ask again."""

    __slots__ = ("checked_at", "endpoint_id", "fresh_until", "good", "good_at", "shown")

    def __init__(self, endpoint_id: str) -> None:
        self.endpoint_id = endpoint_id
        self.good: Provisioned | None = None
        self.good_at = 0.0
        self.shown: Provisioned | None = None
        self.checked_at = 0.0
        self.fresh_until = 0.0


_health: dict[str, _Health] = {}
_clock = time.monotonic


# ---- provisioning -----------------------------------------------------------------------------


async def provision(
    services: Runtime, provider: str, tenant: str, data: ConnectionCreate
) -> tuple[str, Provisioned, dict[str, Any]]:
    """Create the endpoint at the vendor; return its secret, its summary and the row's columns.

    Checks everything it can first (provider, request, no connection yet for the tenant), so
    Breezy is only called when the connection can be made.
    """
    if provider not in PROVISIONABLE:
        raise ValidationException(
            f"provisioning is not available for provider {provider!r} (only for "
            f"{', '.join(PROVISIONABLE)}): create the webhook at the vendor yourself and connect "
            "it with its secret"
        )
    request = data.provision
    if request is None:
        raise ValidationException("provision is required to provision a connection")
    if data.secret:
        raise ValidationException(
            "secret must not be given with provision: Breezy makes the endpoint's secret"
        )
    if not data.verify:
        raise ValidationException(
            "verify: false cannot be combined with provision: Breezy signs provisioned endpoints"
        )
    company_id = request.company_id.strip()
    if not company_id:
        raise ValidationException("provision.company_id must not be empty")
    if not request.api_token.strip():
        raise ValidationException("provision.api_token must not be empty")
    if request.partner_api_key is not None and not request.partner_api_key.strip():
        raise ValidationException("provision.partner_api_key must not be empty when given")
    events = _valid_events(request.events)
    description = request.description if request.description is not None else f"unihook - {tenant}"

    await _check_no_connection(services, provider, tenant)

    url = ingest_url(services, provider, tenant)
    async with _client(services, request.api_token, request.partner_api_key) as breezy:
        try:
            endpoint = await breezy.create_endpoint(company_id, url, events, description)
        except BreezyAPIError as exc:
            if exc.endpoint_id is not None:  # created, but the answer could not be read
                await _delete_quietly(breezy, company_id, exc.endpoint_id)
            raise _create_failure(services, exc, url) from None
        if not endpoint.secret:
            await _delete_quietly(breezy, company_id, endpoint.id)
            raise HTTPException(
                status_code=HTTP_502_BAD_GATEWAY,
                detail="Breezy created the endpoint but its answer had no secret; the endpoint "
                "was deleted again, nothing was connected",
            )

    box, keep = services.box, services.settings.store_vendor_tokens
    vendor: dict[str, Any] = {
        "vendor_account_id": company_id,
        "vendor_endpoint_id": endpoint.id,
        "vendor_token_enc": box.encrypt(request.api_token) if keep else None,
        "vendor_partner_key_enc": (
            box.encrypt(request.partner_api_key) if keep and request.partner_api_key else None
        ),
    }
    log.info(
        "provisioned Breezy endpoint %s for tenant %r (company %s, %s auth)",
        endpoint.id,
        tenant,
        company_id,
        "partner" if request.partner_api_key else "customer",
    )
    return (
        endpoint.secret,
        Provisioned(endpoint_id=endpoint.id, status=endpoint.status, enabled=endpoint.enabled),
        vendor,
    )


async def undo_provision(services: Runtime, row: Any, data: ConnectionCreate) -> None:
    """Delete the endpoint ``provision`` just made, when its connection row could not be written.

    Uses the credentials of the request (so it works with ``UNIHOOK_FORGET_VENDOR_TOKENS`` too)
    and never raises: the caller is already reporting the original failure.
    """
    request = data.provision
    endpoint_id = getattr(row, "vendor_endpoint_id", None)
    company_id = getattr(row, "vendor_account_id", None)
    if request is None or not endpoint_id or not company_id:
        return
    try:
        async with _client(services, request.api_token, request.partner_api_key) as breezy:
            await _delete_quietly(breezy, company_id, endpoint_id)
    except Exception:  # pragma: no cover - _delete_quietly already swallows Breezy's errors
        log.exception("could not delete Breezy endpoint %s after a failed connect", endpoint_id)


async def deprovision(services: Runtime, row: Any) -> None:
    """Delete the connection's endpoint at Breezy (already gone there is fine).

    Breezy unreachable or failing (network, ``5xx``, ``429``) is a ``502`` and the connection is
    kept, so nothing is half-deleted: try again. A token Breezy now refuses (``401``/``403``) or
    no stored token (``UNIHOOK_FORGET_VENDOR_TOKENS``) cannot ever delete it, so the endpoint is
    left at Breezy (logged) and the connection is deleted anyway.
    """
    endpoint_id: str | None = getattr(row, "vendor_endpoint_id", None)
    company_id: str | None = getattr(row, "vendor_account_id", None)
    _health.pop(row.id, None)
    if not endpoint_id or not company_id:
        return
    try:
        credentials = _stored_credentials(services, row)
    except ValueError as exc:  # the stored token cannot be decrypted with this key
        raise HTTPException(status_code=500, detail=str(exc)) from None
    if credentials is None:
        log.warning(
            "connection %s: no Breezy API token is stored (UNIHOOK_FORGET_VENDOR_TOKENS), so "
            "endpoint %s of company %s is left at Breezy; delete it there",
            row.id,
            endpoint_id,
            company_id,
        )
        return
    async with _client(services, *credentials) as breezy:
        try:
            await breezy.delete_endpoint(company_id, endpoint_id)
        except BreezyAPIError as exc:
            if exc.is_not_found:
                return
            if exc.is_auth_error:
                log.warning(
                    "connection %s: Breezy refused the stored credentials (%s), so endpoint %s "
                    "of company %s is left at Breezy; delete it there",
                    row.id,
                    exc,
                    endpoint_id,
                    company_id,
                )
                return
            raise HTTPException(
                status_code=HTTP_502_BAD_GATEWAY,
                detail=f"could not delete the endpoint at Breezy ({_describe(exc)}); the "
                "connection is kept, try again",
            ) from None
    log.info("deleted Breezy endpoint %s of connection %s", endpoint_id, row.id)


# ---- health -----------------------------------------------------------------------------------


async def vendor_health(services: Runtime, row: Any) -> Provisioned | None:
    """Breezy's view of the connection's endpoint: ``status``, ``enabled`` and its ``stats``.

    Cached per connection for ``HEALTH_CACHE_SECONDS``. Never raises: when Breezy cannot be asked
    the answer carries ``error`` (and the last good answer's fields, if there was one).
    """
    endpoint_id: str | None = getattr(row, "vendor_endpoint_id", None)
    company_id: str | None = getattr(row, "vendor_account_id", None)
    if not endpoint_id or not company_id:
        return None
    now = _clock()
    entry = _health.get(row.id)
    if entry is None or entry.endpoint_id != endpoint_id:
        entry = _Health(endpoint_id)
    elif entry.shown is not None and now < entry.fresh_until:
        return entry.shown
    try:
        credentials = _stored_credentials(services, row)
    except ValueError as exc:  # the stored token cannot be decrypted with this key
        return _remember(row.id, endpoint_id, entry, now, None, f"not checked: {exc}")
    if credentials is None:
        return _remember(
            row.id, endpoint_id, entry, now, None, NO_STORED_CREDENTIALS, ttl=HEALTH_CACHE_SECONDS
        )
    try:
        async with _client(services, *credentials, timeout=HEALTH_TIMEOUT) as breezy:
            endpoint = await breezy.get_endpoint(company_id, endpoint_id)
    except BreezyAPIError as exc:
        if exc.is_not_found:
            error = "the endpoint no longer exists at Breezy (deleted outside unihook?)"
            return _remember(row.id, endpoint_id, entry, now, None, error, stale_ok=False)
        if exc.is_auth_error:
            error = f"Breezy refused the stored credentials ({_describe(exc)})"
        else:
            error = _describe(exc)
        return _remember(row.id, endpoint_id, entry, now, None, error)
    except Exception as exc:  # never turn a GET into a 500 because of the vendor
        log.exception("health check of Breezy endpoint %s failed", endpoint_id)
        return _remember(
            row.id, endpoint_id, entry, now, None, f"health check failed: {type(exc).__name__}"
        )
    return _remember(
        row.id, endpoint_id, entry, now, _summary(endpoint), None, ttl=HEALTH_CACHE_SECONDS
    )


def forget_health(connection_id: str | None = None) -> None:
    """Drop cached health (one connection's, or all)."""
    if connection_id is None:
        _health.clear()
    else:
        _health.pop(connection_id, None)


def _remember(
    connection_id: str,
    endpoint_id: str,
    entry: _Health,
    now: float,
    good: Provisioned | None,
    error: str | None,
    *,
    ttl: float = HEALTH_RETRY_SECONDS,
    stale_ok: bool = True,
) -> Provisioned:
    """Cache and return what to show: a good answer, else the error (with the last good answer's
    fields when ``stale_ok``)."""
    if good is not None:
        entry.good, entry.good_at = good, now
        shown = good
    elif entry.good is not None and stale_ok:
        age = round(now - entry.good_at)
        shown = Provisioned(
            endpoint_id=endpoint_id,
            status=entry.good.status,
            enabled=entry.good.enabled,
            stats=entry.good.stats,
            error=f"{error}; showing Breezy's answer from {age} s ago",
        )
    else:
        entry.good = None
        shown = Provisioned(endpoint_id=endpoint_id, error=error)
    entry.shown, entry.checked_at, entry.fresh_until = shown, now, now + ttl
    if len(_health) >= _HEALTH_CACHE_MAX and connection_id not in _health:
        _prune(now)
    _health[connection_id] = entry
    return shown


def _prune(now: float) -> None:
    for key in [k for k, e in _health.items() if e.fresh_until <= now]:
        del _health[key]
    while len(_health) >= _HEALTH_CACHE_MAX:
        del _health[next(iter(_health))]


def _summary(endpoint: BreezyEndpoint) -> Provisioned:
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


# ---- helpers ----------------------------------------------------------------------------------


def _valid_events(events: list[str] | None) -> list[str]:
    """The Breezy event types to subscribe to (default: every type the adapter maps)."""
    if events is None:
        return list(ALL_EVENTS)
    if not events:
        raise ValidationException("At least one event must be specified (provision.events)")
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        canonical = {v: k for k, v in EVENT_TYPES.items()}
        hints = [f"{e} (Breezy calls it {canonical[e]})" for e in unknown if e in canonical]
        raise ValidationException(
            f"Invalid events: {', '.join(unknown)} are not Breezy event types"
            + (f"; {'; '.join(hints)}" if hints else "")
            + f". Breezy's types: {', '.join(ALL_EVENTS)}"
        )
    return list(dict.fromkeys(events))


async def _check_no_connection(services: Runtime, provider: str, tenant: str) -> None:
    async with services.sessions() as session:
        existing = await session.scalar(
            select(Connection.id).where(
                Connection.provider == provider, Connection.tenant == tenant
            )
        )
    if existing is not None:
        raise ClientException(
            f"a {provider} connection for this tenant already exists",
            status_code=HTTP_409_CONFLICT,
        )


def _client(
    services: Runtime, api_token: str, partner_api_key: str | None, *, timeout: float = 10.0
) -> BreezyClient:
    return BreezyClient(
        services.settings.breezy_api_url, api_token, partner_api_key, timeout=timeout
    )


def _stored_credentials(services: Runtime, row: Any) -> tuple[str, str | None] | None:
    """The stored ``(api token, partner key)``; ``None`` when the token was not kept."""
    token_enc: str | None = getattr(row, "vendor_token_enc", None)
    if not token_enc:
        return None
    partner_enc: str | None = getattr(row, "vendor_partner_key_enc", None)
    box = services.box
    return box.decrypt(token_enc), box.decrypt(partner_enc) if partner_enc else None


async def _delete_quietly(breezy: BreezyClient, company_id: str, endpoint_id: str) -> None:
    try:
        await breezy.delete_endpoint(company_id, endpoint_id)
    except BreezyAPIError as exc:
        if not exc.is_not_found:
            log.error(
                "could not delete Breezy endpoint %s of company %s (%s): delete it at Breezy",
                endpoint_id,
                company_id,
                exc,
            )


def _describe(exc: BreezyAPIError) -> str:
    if exc.status_code is None:
        return f"Breezy unreachable: {exc.message}"
    return f"Breezy answered {exc.status_code}: {exc.message}"


def _create_failure(services: Runtime, exc: BreezyAPIError, url: str) -> HTTPException:
    """Breezy's refusal to create the endpoint, as the answer to ``POST /v1/connections``."""
    prefix = "Breezy did not create the endpoint"
    if exc.is_quota_exceeded:
        return ClientException(
            f"{prefix}: {exc.message} (Breezy answered 429). Breezy allows {QUOTA} webhook "
            "endpoints per owner (the company's own, and each partner's, counted apart): delete "
            "unused endpoints at Breezy, or retry later if Breezy is rate limiting",
            status_code=HTTP_429_TOO_MANY_REQUESTS,
        )
    if exc.status_code is None:
        where = services.settings.breezy_api_url
        detail = f"{prefix}: could not reach Breezy at {where} ({exc.message})"
    elif exc.is_auth_error:
        detail = (
            f"{prefix}: Breezy refused the credentials ({exc.status_code} {exc.message}); check "
            "the API token, that it is for this company_id, and the partner API key"
        )
    elif exc.status_code == 400:
        detail = f"{prefix}: Breezy answered 400: {exc.message} (endpoint URL {url})"
        if not url.lower().startswith("https://"):
            detail += (
                "; Breezy delivers only to https:// URLs: set UNIHOOK_PUBLIC_URL to the gateway's "
                "public https address"
            )
    else:
        detail = f"{prefix}: Breezy answered {exc.status_code}: {exc.message}"
    return HTTPException(status_code=HTTP_502_BAD_GATEWAY, detail=detail)
