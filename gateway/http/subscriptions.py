"""``/v1/subscriptions``: where normalised events are re-emitted, shaped like Breezy's Webhook
Management API (its validation messages, quota, pause and resume, stats)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, TooManyRequestsException, ValidationException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED
from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.crypto import secret_prefix
from gateway.core.ids import new_id
from gateway.delivery import fanout
from gateway.delivery.signing import new_secret
from gateway.http.auth import Principal
from gateway.http.common import AUTH, clamp_limit, iso, page, parse_time_param, valid_tenant
from gateway.http.deliveries import DELIVERY_STATUSES, list_deliveries
from gateway.runtime import Runtime, utcnow
from gateway.storage.models import Subscription, SubscriptionSecret
from schemas import pattern_is_known
from schemas.api import (
    Enqueued,
    ReplayRequest,
    SecretOut,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionStats,
    SubscriptionUpdate,
)

ROTATION_GRACE = timedelta(hours=24)
MAX_URL = 2048
MAX_DESCRIPTION = 1000


# ---- validation (Breezy's messages, word for word) ------------------------------------------


def valid_url(value: Any, *, allow_insecure: bool) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise ValidationException("Invalid URL format")
    if value != value.strip() or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise ValidationException("Invalid URL format")
    try:
        parts = urlsplit(value)
        _ = parts.port
        httpx.URL(value)
    except (ValueError, httpx.InvalidURL):
        raise ValidationException("Invalid URL format") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationException("Invalid URL format")
    if scheme == "http" and not allow_insecure:
        raise ValidationException("URL must use HTTPS protocol")
    return value


def valid_events(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValidationException("Events must be an array")
    if not value:
        raise ValidationException("At least one event must be specified")
    bad = [e for e in value if not isinstance(e, str) or not pattern_is_known(e)]
    if bad:
        raise ValidationException("Invalid events", extra={"invalid": bad})
    return list(dict.fromkeys(value))


def valid_tenants(principal: Principal, tenants: list[str] | None) -> list[str] | None:
    if not tenants:
        return None
    for tenant in tenants:
        valid_tenant(tenant)
        principal.check(tenant, "tenant")
    return list(dict.fromkeys(tenants))


def valid_providers(services: Runtime, providers: list[str] | None) -> list[str] | None:
    if not providers:
        return None
    for name in providers:
        if name not in services.registry:
            raise ValidationException(
                f"unknown provider {name!r}; known: {', '.join(services.registry.names())}"
            )
    return list(dict.fromkeys(providers))


def valid_description(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise ValidationException(f"description must be at most {MAX_DESCRIPTION} characters")
    return value


# ---- rows and shapes --------------------------------------------------------------------------


def subscription_out(row: Subscription, secret: str | None = None) -> SubscriptionOut:
    tenants = row.tenants or ([row.scope_tenant] if row.scope_tenant else None)
    return SubscriptionOut(
        id=row.id,
        url=row.url,
        description=row.description,
        events=list(row.events),
        tenants=tenants,
        providers=row.providers or None,
        include_raw=row.include_raw,
        status=row.status,  # type: ignore[arg-type]  # the column only holds the three states
        disabled_reason=row.disabled_reason,
        stats=SubscriptionStats(
            successful_deliveries=row.successful_deliveries,
            failed_deliveries=row.failed_deliveries,
            last_delivery_at=iso(row.last_delivery_at),
        ),
        secret_prefix=secret_prefix(secret or "whsec_"),
        created_at=iso(row.created_at) or "",
        updated_at=iso(row.updated_at) or "",
        secret=secret if secret is not None else msgspec.UNSET,
    )


def visible(principal: Principal) -> ColumnElement[bool]:
    """The subscriptions a key may see: all for admin keys, its tenant's for tenant keys."""
    if principal.tenant is None:
        return true()
    return Subscription.scope_tenant == principal.tenant


async def find_subscription(
    session: AsyncSession, principal: Principal, subscription_id: str
) -> Subscription:
    row = await session.get(Subscription, subscription_id)
    if row is None or (principal.tenant is not None and row.scope_tenant != principal.tenant):
        raise NotFoundException("subscription not found")
    return row


async def create_subscription(
    services: Runtime, principal: Principal, data: SubscriptionCreate
) -> SubscriptionOut:
    """Validate, check the owner's quota, store (secret encrypted), return it with the secret."""
    settings = services.settings
    url = valid_url(data.url, allow_insecure=settings.allow_insecure_destinations)
    events = valid_events(data.events)
    tenants = valid_tenants(principal, data.tenants)
    providers = valid_providers(services, data.providers)
    description = valid_description(data.description)
    now = utcnow()
    secret = new_secret()
    row = Subscription(
        id=new_id("sub"),
        owner=principal.key_id,
        scope_tenant=principal.tenant,
        url=url,
        description=description,
        events=events,
        tenants=tenants,
        providers=providers,
        include_raw=data.include_raw,
        status="active",
        disabled_reason=None,
        successful_deliveries=0,
        failed_deliveries=0,
        last_delivery_at=None,
        failing_since=None,
        created_at=now,
        updated_at=now,
    )
    async with services.sessions() as session, session.begin():
        owned = await session.scalar(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.owner == principal.key_id)
        )
        if (owned or 0) >= settings.max_subscriptions:
            raise TooManyRequestsException("Quota exceeded")
        session.add(row)
        await session.flush()
        session.add(
            SubscriptionSecret(
                id=new_id("ssec"),
                subscription_id=row.id,
                secret_enc=services.box.encrypt(secret),
                created_at=now,
                expires_at=None,
            )
        )
    return subscription_out(row, secret)


class SubscriptionController(Controller):
    path = "/v1/subscriptions"
    dependencies = AUTH
    tags = ["subscriptions"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[SubscriptionCreate],
    ) -> SubscriptionOut:
        """Subscribe a URL to event patterns; the signing secret is in this answer only."""
        return await create_subscription(request.app.state.services, principal, data)

    @get("/")
    async def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        services: Runtime = request.app.state.services
        n = clamp_limit(limit)
        query = (
            select(Subscription).where(visible(principal)).order_by(Subscription.id).limit(n + 1)
        )
        if cursor:
            query = query.where(Subscription.id > cursor)
        async with services.sessions() as session:
            rows = list((await session.execute(query)).scalars())
        return page([subscription_out(r) for r in rows], n, lambda s: s.id)

    @get("/{subscription_id:str}")
    async def get_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        services: Runtime = request.app.state.services
        async with services.sessions() as session:
            return subscription_out(await find_subscription(session, principal, subscription_id))

    @put("/{subscription_id:str}")
    async def update_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[SubscriptionUpdate],
    ) -> SubscriptionOut:
        """Change only the fields given (``null`` clears description, tenants, providers)."""
        services: Runtime = request.app.state.services
        changes: dict[str, Any] = {}
        if data.url is not msgspec.UNSET:
            changes["url"] = valid_url(
                data.url, allow_insecure=services.settings.allow_insecure_destinations
            )
        if data.events is not msgspec.UNSET:
            changes["events"] = valid_events(data.events)
        if not isinstance(data.tenants, msgspec.UnsetType):
            changes["tenants"] = valid_tenants(principal, data.tenants)
        if not isinstance(data.providers, msgspec.UnsetType):
            changes["providers"] = valid_providers(services, data.providers)
        if not isinstance(data.description, msgspec.UnsetType):
            changes["description"] = valid_description(data.description)
        if not isinstance(data.include_raw, msgspec.UnsetType):
            changes["include_raw"] = data.include_raw
        async with services.sessions() as session, session.begin():
            row = await find_subscription(session, principal, subscription_id)
            for name, value in changes.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
        return subscription_out(row)

    @delete("/{subscription_id:str}", status_code=HTTP_200_OK)
    async def delete_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> dict[str, bool]:
        """Delete it with its queued deliveries and their history."""
        services: Runtime = request.app.state.services
        async with services.sessions() as session, session.begin():
            row = await find_subscription(session, principal, subscription_id)
            await session.delete(row)
        return {"success": True}

    @post("/{subscription_id:str}/pause", status_code=HTTP_200_OK)
    async def pause(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        """Hold deliveries: matching events keep queueing and are sent on resume."""
        return await _set_status(request, principal, subscription_id, "paused")

    @post("/{subscription_id:str}/resume", status_code=HTTP_200_OK)
    async def resume(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        """Deliver again, everything held included (a disabled subscription too)."""
        return await _set_status(request, principal, subscription_id, "active")

    @post("/{subscription_id:str}/rotate-secret", status_code=HTTP_200_OK)
    async def rotate_secret(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SecretOut:
        """A new secret; the previous ones keep signing alongside it for 24 hours."""
        services: Runtime = request.app.state.services
        now = utcnow()
        grace_end = now + ROTATION_GRACE
        secret = new_secret()
        async with services.sessions() as session, session.begin():
            row = await find_subscription(session, principal, subscription_id)
            await session.execute(
                update(SubscriptionSecret)
                .where(
                    SubscriptionSecret.subscription_id == row.id,
                    SubscriptionSecret.expires_at.is_(None)
                    | (SubscriptionSecret.expires_at > grace_end),
                )
                .values(expires_at=grace_end)
            )
            session.add(
                SubscriptionSecret(
                    id=new_id("ssec"),
                    subscription_id=row.id,
                    secret_enc=services.box.encrypt(secret),
                    created_at=now,
                    expires_at=None,
                )
            )
            row.updated_at = now  # the dispatcher reloads secrets when this changes
        return SecretOut(secret=secret)

    @post("/{subscription_id:str}/replay", status_code=HTTP_202_ACCEPTED)
    async def replay(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[ReplayRequest],
    ) -> Enqueued:
        """Queue again every matching event received in [since, until), delivered or not."""
        services: Runtime = request.app.state.services
        since = parse_time_param("since", data.since)
        until = parse_time_param("until", data.until)
        if since is None:
            raise ValidationException("since is required")
        if until is not None and until <= since:
            raise ValidationException("until must be later than since")
        async with services.sessions() as session, session.begin():
            row = await find_subscription(session, principal, subscription_id)
            n = await fanout.replay(session, row, since=since, until=until, now=utcnow())
        if n:
            services.wake_dispatcher.set()
        return Enqueued(enqueued=n)

    @get("/{subscription_id:str}/deliveries")
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        status: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Newest first; ``status`` is pending, succeeded or failed."""
        services: Runtime = request.app.state.services
        if status is not None and status not in DELIVERY_STATUSES:
            raise ValidationException(f"status must be one of {', '.join(DELIVERY_STATUSES)}")
        async with services.sessions() as session:
            await find_subscription(session, principal, subscription_id)
        return await list_deliveries(
            services,
            subscription_id=subscription_id,
            status=status,
            limit=clamp_limit(limit),
            cursor=cursor,
        )


async def _set_status(
    request: Request[Any, Any, Any], principal: Principal, subscription_id: str, status: str
) -> SubscriptionOut:
    services: Runtime = request.app.state.services
    async with services.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id)
        if status == "active":
            row.status = "active"
            row.disabled_reason = None
            row.failing_since = None
        elif row.status == "active":
            row.status = status
        # pausing a disabled subscription leaves it disabled (resume is what re-enables)
        row.updated_at = utcnow()
    if status == "active":
        services.wake_dispatcher.set()
    return subscription_out(row)
