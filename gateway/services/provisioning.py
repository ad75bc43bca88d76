"""Provisioning at the vendor, for any adapter that has a provisioner: vendor-neutral.

``provision`` runs inside connection creation before the row is written: the provider's
provisioner creates the endpoint at the vendor, pointing at the tenant's ingest URL, and hands
back the signing secrets and the vendor state, which is stored as one encrypted JSON document.
``undo`` deletes that endpoint again if the row cannot be written, so nothing is left half-made on
either side. ``deprovision`` deletes the endpoint with the connection; ``health`` shows the
vendor's view of it (briefly cached, bounded, never failing the request that asked).

Every call gets an HTTP client made here (timeouts, no redirects, unihook's user agent) and the
provider's settings (``UNIHOOK_PROVIDER_<NAME>_<KEY>``); the provisioner opens nothing itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Final

import httpx
import msgspec
from cachetools import LRUCache
from sqlalchemy import select, update

from gateway import __version__
from gateway.core.clock import utcnow
from gateway.runtime import Runtime, awaiting_handshake
from gateway.services.errors import Invalid, QuotaExceeded, ServiceError, VendorFailed
from gateway.storage.models import Connection
from providers import (
    ProvisionContext,
    Provisioned,
    Provisioner,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)
from providers.client import tls_context

log = logging.getLogger("unihook.provisioning")

CALL_TIMEOUT: Final = 10.0
"""Seconds a create, change or delete at the vendor may take."""
HEALTH_TIMEOUT: Final = 5.0
"""Seconds a health check may wait: a ``GET`` of a connection must stay quick."""
HEALTH_CACHE_SECONDS: Final = 30.0
"""How long the vendor's view of an endpoint is reused before it is asked again."""
HEALTH_RETRY_SECONDS: Final = 10.0
"""After a failed health check, how long before the vendor is asked again (a vendor that is down
is not hammered by every ``GET``)."""
_clock = time.monotonic
NO_STORED_CREDENTIALS: Final = (
    "not checked: unihook keeps no vendor API credentials for this connection "
    "(UNIHOOK_FORGET_VENDOR_TOKENS was set when it was provisioned)"
)


def provisioner_for(runtime: Runtime, provider: str) -> Provisioner:
    """The provider's provisioner, or ``Invalid`` saying which providers have one."""
    found = runtime.registry.get(provider).provisioner if provider in runtime.registry else None
    if found is None:
        able = [item.name for item in runtime.registry if item.adapter.provisioner]
        raise Invalid(
            f"provisioning is not available for provider {provider!r} (only for "
            f"{', '.join(able) or 'none'}): create the webhook at the vendor yourself and "
            "connect it with its secret"
        )
    return found


def parse_request(provisioner: Provisioner, raw: Mapping[str, Any]) -> Any:
    """The ``provision`` block validated by the provider's own request shape."""
    try:
        return msgspec.convert(raw, type=provisioner.request_type)
    except msgspec.ValidationError as exc:
        raise Invalid(f"provision: {exc}") from None


def vendor_http(seconds: float) -> httpx.AsyncClient:
    """The HTTP client unihook calls a vendor's API with: its own user agent, no redirects
    followed, and the process's one TLS context (``tls_context``)."""
    return httpx.AsyncClient(
        timeout=seconds,
        follow_redirects=False,
        headers={"user-agent": f"unihook/{__version__}"},
        verify=tls_context(),
    )


@asynccontextmanager
async def context(
    runtime: Runtime, provider: str, tenant: str, ingest_url: str, seconds: float = CALL_TIMEOUT
) -> AsyncIterator[ProvisionContext]:
    """A provisioner's context for one operation, with an HTTP client closed afterwards."""
    async with vendor_http(seconds) as http:
        yield ProvisionContext(
            http=http,
            settings=runtime.settings.provider_settings(provider),
            tenant=tenant,
            ingest_url=ingest_url,
            store_credentials=runtime.settings.store_vendor_tokens,
        )


def seal(runtime: Runtime, result: ProvisionResult) -> str:
    """The encrypted vendor state document for a connection row (with ``awaiting_handshake``
    while the endpoint's secret is still to arrive in a handshake)."""
    credentials = dict(result.credentials) if runtime.settings.store_vendor_tokens else None
    document: dict[str, Any] = {"state": dict(result.state), "credentials": credentials}
    if result.awaits_handshake:
        document["awaiting_handshake"] = True
    return runtime.box.encrypt(json.dumps(document))


def settled(runtime: Runtime, sealed: str) -> str:
    """The sealed vendor state with its handshake done."""
    document = json.loads(runtime.box.decrypt(sealed))
    document.pop("awaiting_handshake", None)
    return runtime.box.encrypt(json.dumps(document))


def unseal(runtime: Runtime, sealed: str) -> VendorState:
    """The vendor state of a row (``ValueError`` when this key cannot decrypt it)."""
    document = json.loads(runtime.box.decrypt(sealed))
    return VendorState(state=document.get("state") or {}, credentials=document.get("credentials"))


async def provision(
    runtime: Runtime, provider: str, tenant: str, ingest_url: str, raw: Mapping[str, Any]
) -> ProvisionResult:
    """Create the endpoint at the vendor; any failure leaves nothing behind there."""
    provisioner = provisioner_for(runtime, provider)
    request = parse_request(provisioner, raw)
    display = runtime.registry.get(provider).display_name
    async with context(runtime, provider, tenant, ingest_url) as ctx:
        try:
            result = await provisioner.provision(ctx, request)
        except ProvisioningError as exc:
            if exc.leftover is not None:
                await _delete_quietly(provisioner, ctx, exc.leftover, display)
            raise as_service_error(exc, f"{display} did not create the endpoint") from None
        if not result.secrets and not result.awaits_handshake:
            await _delete_quietly(provisioner, ctx, vendor_of(result), display)
            raise VendorFailed(
                f"{display} created the endpoint but gave no signing secret; the endpoint was "
                "deleted again, nothing was connected"
            )
    log.info("provisioned %s endpoint for tenant %r", display, tenant)
    return result


async def activate(
    runtime: Runtime, provider: str, tenant: str, ingest_url: str, result: ProvisionResult
) -> Provisioned | None:
    """Run the provisioner's optional ``activate`` once the connection is committed.

    For vendors that test the endpoint while creating it (a ping the connection could not yet
    answer). Never raises: the connection exists either way, so a failure is shown in the
    summary's ``error`` and logged. ``None`` when there was nothing to do.
    """
    provisioner = provisioner_for(runtime, provider)
    if provisioner is None:
        return None
    step = provisioner.activate
    display = runtime.registry.get(provider).display_name
    async with context(runtime, provider, tenant, ingest_url) as ctx:
        try:
            shown: Provisioned | None = await step(ctx, vendor_of(result))
        except ProvisioningError as exc:
            log.warning("could not activate the %s endpoint: %s", display, exc.message)
            summary = result.summary
            return msgspec.structs.replace(
                summary, error=f"{display} did not enable the endpoint: {exc.message}"
            )
    return shown


async def undo(
    runtime: Runtime, provider: str, tenant: str, ingest_url: str, result: ProvisionResult
) -> None:
    """Delete what ``provision`` just made, when its connection could not be stored. Never
    raises: the caller is already reporting the original failure."""
    provisioner = provisioner_for(runtime, provider)
    display = runtime.registry.get(provider).display_name
    async with context(runtime, provider, tenant, ingest_url) as ctx:
        await _delete_quietly(provisioner, ctx, vendor_of(result), display)


async def deprovision(
    runtime: Runtime, connection_id: str, provider: str, tenant: str, sealed: str
) -> None:
    """Delete the connection's endpoint at the vendor (already gone there is fine).

    The vendor unreachable or failing is ``VendorFailed`` and the connection is kept, so nothing
    is half-deleted: try again. Credentials the vendor now refuses, or none kept, can never
    delete it: the endpoint is left at the vendor (logged) and the connection goes anyway.
    """
    runtime.vendor_health.pop(connection_id, None)
    provisioner = provisioner_for(runtime, provider)
    display = runtime.registry.get(provider).display_name
    vendor = _unseal_or_fail(runtime, sealed)
    if vendor.credentials is None:
        log.warning(
            "connection %s: no %s API credentials are kept (UNIHOOK_FORGET_VENDOR_TOKENS), so its "
            "endpoint is left at the vendor; delete it there",
            connection_id,
            display,
        )
        return
    async with context(runtime, provider, tenant, "") as ctx:
        try:
            await provisioner.deprovision(ctx, vendor)
        except ProvisioningError as exc:
            if exc.kind == "not_found":
                return
            if exc.kind == "auth":
                log.warning(
                    "connection %s: %s refused the stored credentials (%s), so its endpoint is "
                    "left at the vendor; delete it there",
                    connection_id,
                    display,
                    exc.message,
                )
                return
            raise VendorFailed(
                f"could not delete the endpoint at {display} ({exc.message}); the connection is "
                "kept, try again"
            ) from None
    log.info("deleted the %s endpoint of connection %s", display, connection_id)


async def change(
    runtime: Runtime,
    connection_id: str,
    provider: str,
    tenant: str,
    sealed: str,
    *,
    events: Sequence[str] | None = None,
    description: str | None = None,
    action: str = "update",
    ingest_url: str = "",
) -> tuple[str, Provisioned]:
    """Update, pause or resume the endpoint at the vendor; the new sealed state and its view."""
    provisioner = provisioner_for(runtime, provider)
    display = runtime.registry.get(provider).display_name
    if action not in provisioner.capabilities:
        raise Invalid(f"{display}'s API cannot {action} a webhook endpoint")
    vendor = _unseal_or_fail(runtime, sealed)
    if vendor.credentials is None:
        raise Invalid(
            f"unihook keeps no {display} API credentials for this connection "
            "(UNIHOOK_FORGET_VENDOR_TOKENS): change the endpoint at the vendor"
        )
    runtime.vendor_health.pop(connection_id, None)
    async with context(runtime, provider, tenant, ingest_url) as ctx:
        try:
            if action == "update":
                state, shown = await provisioner.update(
                    ctx, vendor, events=events, description=description
                )
            elif action == "pause":
                state, shown = vendor.state, await provisioner.pause(ctx, vendor)
            else:
                state, shown = vendor.state, await provisioner.resume(ctx, vendor)
        except ProvisioningError as exc:
            raise as_service_error(exc, f"{display} did not {action} the endpoint") from None
    result = ProvisionResult(
        secrets=(),
        state=state,
        summary=shown,
        credentials=vendor.credentials,
        awaits_handshake=awaiting_handshake(runtime.box, sealed),
    )
    return seal(runtime, result), shown


# ---- health -----------------------------------------------------------------------------------


class _Health:
    """One connection's last good answer from the vendor, what was shown, and when to ask again."""

    __slots__ = ("fresh_until", "good", "good_at", "shown")

    def __init__(self) -> None:
        self.good: Provisioned | None = None
        self.good_at = 0.0
        self.shown: Provisioned | None = None
        self.fresh_until = 0.0


async def health(
    runtime: Runtime,
    connection_id: str,
    provider: str,
    tenant: str,
    sealed: str,
    ingest_url: str = "",
) -> Provisioned:
    """The vendor's view of the endpoint. Never raises: when the vendor cannot be asked the
    answer carries ``error`` (and the last good answer's fields, if there was one)."""
    now = _clock()
    cache: LRUCache[str, _Health] = runtime.vendor_health
    entry = cache.get(connection_id) or _Health()
    if entry.shown is not None and now < entry.fresh_until:
        return entry.shown
    display = (
        runtime.registry.get(provider).display_name if provider in runtime.registry else provider
    )
    endpoint_id = "unknown"
    try:
        vendor = unseal(runtime, sealed)
        endpoint_id = str(vendor.state.get("endpoint_id") or vendor.state.get("id") or "unknown")
    except (ValueError, TypeError) as exc:
        return _remember(cache, connection_id, entry, now, endpoint_id, None, f"not checked: {exc}")
    provisioner = (
        runtime.registry.get(provider).provisioner if provider in runtime.registry else None
    )
    if provisioner is None or "health" not in provisioner.capabilities:
        error = f"not checked: {display}'s API offers no health check"
        return _remember(
            cache, connection_id, entry, now, endpoint_id, None, error, HEALTH_CACHE_SECONDS
        )
    if vendor.credentials is None:
        return _remember(
            cache,
            connection_id,
            entry,
            now,
            endpoint_id,
            None,
            NO_STORED_CREDENTIALS,
            HEALTH_CACHE_SECONDS,
        )
    try:
        async with context(runtime, provider, tenant, ingest_url, HEALTH_TIMEOUT) as ctx:
            good = await provisioner.health(ctx, vendor)
    except ProvisioningError as exc:
        if exc.kind == "not_found":
            error = f"the endpoint no longer exists at {display} (deleted outside unihook?)"
            entry.good = None
        elif exc.kind == "auth":
            error = f"{display} refused the stored credentials ({exc.message})"
        else:
            error = exc.message
        return _remember(cache, connection_id, entry, now, endpoint_id, None, error)
    except Exception as exc:  # never turn a GET into a 500 because of the vendor
        log.exception("health check of the %s endpoint of %s failed", display, connection_id)
        error = f"health check failed: {type(exc).__name__}"
        return _remember(cache, connection_id, entry, now, endpoint_id, None, error)
    return _remember(
        cache, connection_id, entry, now, endpoint_id, good, None, HEALTH_CACHE_SECONDS
    )


def _remember(
    cache: LRUCache[str, _Health],
    connection_id: str,
    entry: _Health,
    now: float,
    endpoint_id: str,
    good: Provisioned | None,
    error: str | None,
    ttl: float = HEALTH_RETRY_SECONDS,
) -> Provisioned:
    """Cache and return what to show: a good answer, else the error (with the last good
    answer's fields when there is one)."""
    if good is not None:
        entry.good, entry.good_at = good, now
        shown = good
    elif entry.good is not None:
        age = round(now - entry.good_at)
        shown = msgspec.structs.replace(
            entry.good, error=f"{error}; showing the vendor's answer from {age} s ago"
        )
    else:
        shown = Provisioned(endpoint_id=endpoint_id, error=error)
    entry.shown, entry.fresh_until = shown, now + ttl
    cache[connection_id] = entry
    return shown


# ---- helpers ----------------------------------------------------------------------------------


def as_service_error(exc: ProvisioningError, prefix: str) -> ServiceError:
    """A provisioner's refusal as the gateway's error: ``invalid`` 400, ``quota`` 429, else 502."""
    if exc.kind == "invalid":
        return Invalid(exc.message)
    if exc.kind == "quota":
        return QuotaExceeded(f"{prefix}: {exc.message}")
    return VendorFailed(f"{prefix}: {exc.message}")


def vendor_of(result: ProvisionResult) -> VendorState:
    """What a provisioned connection will remember of ``result``."""
    return VendorState(state=result.state, credentials=result.credentials)


def _unseal_or_fail(runtime: Runtime, sealed: str) -> VendorState:
    try:
        return unseal(runtime, sealed)
    except ValueError as exc:  # the stored state cannot be decrypted with this key
        raise ServiceError(str(exc)) from None


async def _delete_quietly(
    provisioner: Provisioner, ctx: ProvisionContext, vendor: VendorState, display: str
) -> None:
    try:
        await provisioner.deprovision(ctx, vendor)
    except ProvisioningError as exc:
        if exc.kind != "not_found":
            log.error(
                "could not delete the %s endpoint %s (%s): delete it at the vendor",
                display,
                vendor.state,
                exc.message,
            )
    except Exception:
        log.exception("could not delete the %s endpoint %s", display, vendor.state)


# ---- renewal ----------------------------------------------------------------------------------

RENEW_EVERY = 6 * 3600.0
"""Seconds between a worker's renewal rounds: vendors' subscriptions last months."""


async def renew_due(runtime: Runtime, now: datetime) -> int:
    """Have each provisioned connection's provisioner renew what expires at the vendor
    (subscriptions that carry an expiry), storing the new vendor state; how many were renewed.
    A failure is logged and left for the next round."""
    from gateway.services.connections import ingest_url  # connections imports this module

    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(Connection.id, Connection.provider, Connection.tenant).where(
                    Connection.vendor_state_enc.is_not(None)
                )
            )
        ).all()
    renewed = 0
    for connection_id, provider, tenant in rows:
        adapter = runtime.registry.get(provider) if provider in runtime.registry else None
        provisioner = adapter.provisioner if adapter is not None else None
        if provisioner is None or "renew" not in provisioner.capabilities:
            continue
        async with runtime.sessions() as session:
            row = await session.get(Connection, connection_id)
            sealed = row.vendor_state_enc if row is not None else None
        if sealed is None:
            continue
        try:
            vendor = unseal(runtime, sealed)
            if vendor.credentials is None:
                continue
            url = ingest_url(runtime, provider, tenant)
            async with context(runtime, provider, tenant, url) as ctx:
                result = await provisioner.renew(ctx, vendor, now=now)
        except Exception:
            log.exception("renewing the %s endpoint of %s failed", provider, connection_id)
            continue
        if result is None:
            continue
        state, shown = result
        fresh = seal(
            runtime,
            ProvisionResult(secrets=(), state=state, summary=shown, credentials=vendor.credentials),
        )
        async with runtime.sessions() as session, session.begin():
            await session.execute(
                update(Connection)
                .where(Connection.id == connection_id, Connection.vendor_state_enc == sealed)
                .values(vendor_state_enc=fresh)
            )
        runtime.vendor_health.pop(connection_id, None)
        renewed += 1
    return renewed


async def renewal_loop(runtime: Runtime, every: float = RENEW_EVERY) -> None:
    """A worker's renewal rounds, the first a minute after it starts, until cancelled."""
    await asyncio.sleep(min(60.0, every))
    while True:
        try:
            await renew_due(runtime, utcnow())
        except Exception:
            log.exception("renewing endpoints at the vendors failed")
        await asyncio.sleep(every)
