"""Subscriptions: where normalised events are re-emitted. The shapes and validation messages
follow the webhook-management APIs ATS vendors offer, so an integrator meets familiar answers."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
from sqlalchemy import ColumnElement, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import iso, utcnow
from gateway.core.crypto import SecretBox, secret_prefix
from gateway.core.ids import new_id
from gateway.delivery import controls, destinations, fanout
from gateway.delivery.signing import new_secret
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.common import (
    DELIVERY_STATUSES,
    clamp_limit,
    page,
    parse_time_param,
    valid_tenant,
)
from gateway.services.deliveries import list_deliveries
from gateway.services.errors import Conflict, Invalid, NotFound, QuotaExceeded
from gateway.storage.engine import read_records
from gateway.storage.locks import lock_owner, lock_subscription
from gateway.storage.models import Delivery, Subscription, SubscriptionSecret
from schemas import pattern_is_known
from schemas.api import (
    DeliveryState,
    Enqueued,
    FilterMatch,
    FilterTest,
    ReplayRequest,
    SecretOut,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionStats,
    SubscriptionUpdate,
)
from schemas.filters import InvalidFilter, compile_filter
from schemas.redaction import MAX_PATHS, InvalidPath, parse_path, selected_types, unknown_paths

ROTATION_GRACE = timedelta(hours=24)
MAX_URL = 2048
MAX_DESCRIPTION = 1000
MAX_RATE_LIMIT = 1_000_000
ORDERINGS = ("none", "resource")
FORMATS = ("standard", "cloudevents")
KEPT_FIELDS = ("id", "type", "timestamp", "tenant", "*")  # what a subscriber always receives


# ---- validation ------------------------------------------------------------------------------


def valid_url(value: Any, *, allow_insecure: bool) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise Invalid("Invalid URL format")
    if value != value.strip() or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise Invalid("Invalid URL format")
    try:
        parts = urlsplit(value)
        _ = parts.port
        httpx.URL(value)
    except (ValueError, httpx.InvalidURL):
        raise Invalid("Invalid URL format") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname or not valid_host(parts.hostname):
        raise Invalid("Invalid URL format")
    if scheme == "http" and not allow_insecure:
        raise Invalid("URL must use HTTPS protocol")
    return value


def valid_destination(
    url: Any, destination: Any, *, allow_insecure: bool, box: SecretBox
) -> tuple[str, str | None, str | None]:
    """(the ``url`` to store and show, the destination type, its settings encrypted) from a
    top-level ``url`` (http) or a ``destination`` object; credentials are only ever encrypted."""
    if destination is None:
        return valid_url(url, allow_insecure=allow_insecure), None, None
    if url is not None:
        raise Invalid("give either url or destination, not both")
    try:
        kind, config = destinations.parse(destination, allow_insecure=allow_insecure)
    except destinations.InvalidDestination as exc:
        raise Invalid(f"Invalid destination: {exc}") from None
    if kind.name == destinations.HTTP:
        return valid_url(config, allow_insecure=allow_insecure), None, None
    return kind.display_url(config), kind.name, box.encrypt(kind.encode(config))


def public_destination(row: Subscription, box: SecretBox) -> dict[str, Any]:
    """What may be shown of a subscription's destination (no credential)."""
    kind = destinations.kind_of(row.destination_type)
    if kind.name == destinations.HTTP or row.destination_enc is None:
        return {"type": kind.name, "url": row.url}
    try:
        return kind.public(kind.decode(box.decrypt(row.destination_enc)))
    except (ValueError, msgspec.ValidationError):
        return {"type": kind.name, "url": row.url}


def valid_host(host: str) -> bool:
    """An IP literal, or a name the resolver can be asked for: IDNA-encodable (labels of 1 to 63
    characters), 253 characters at most. Anything else would fail every delivery attempt."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    name = host[:-1] if host.endswith(".") else host
    try:
        encoded = name.encode("idna")  # the codec the resolver call uses
    except UnicodeError:
        return False
    return 0 < len(encoded) <= 253


def valid_events(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Invalid("Events must be an array")
    if not value:
        raise Invalid("At least one event must be specified")
    bad = [e for e in value if not isinstance(e, str) or not pattern_is_known(e)]
    if bad:
        raise Invalid("Invalid events", extra={"invalid": bad})
    return list(dict.fromkeys(value))


def valid_tenants(principal: Principal, tenants: list[str] | None) -> list[str] | None:
    if not tenants:
        return None
    for tenant in tenants:
        valid_tenant(tenant)
        principal.check(tenant, "tenant")
    return list(dict.fromkeys(tenants))


def valid_providers(runtime: Runtime, providers: list[str] | None) -> list[str] | None:
    if not providers:
        return None
    for name in providers:
        if name not in runtime.registry:
            raise Invalid(
                f"unknown provider {name!r}; known: {', '.join(runtime.registry.names())}"
            )
    return list(dict.fromkeys(providers))


def valid_description(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise Invalid(f"description must be at most {MAX_DESCRIPTION} characters")
    return value


def valid_redact(value: Any, events: list[str], include_raw: bool) -> list[str] | None:
    """Dotted paths, each naming a field of at least one type ``events`` selects; not with
    ``include_raw`` (the vendor's payload would carry the same fields unredacted)."""
    if value is None or value == []:
        return None
    if not isinstance(value, list) or len(value) > MAX_PATHS:
        raise Invalid(f"redact must be an array of at most {MAX_PATHS} dotted paths")
    try:
        for path in value:
            if parse_path(path)[0] in KEPT_FIELDS:
                raise Invalid(
                    "redact cannot remove the event's id, type, timestamp or tenant (nor every "
                    "top-level field with *)"
                )
    except InvalidPath as exc:
        raise Invalid(str(exc)) from None
    if include_raw:
        raise Invalid("redact cannot be combined with include_raw")
    paths = list(dict.fromkeys(value))
    unknown = unknown_paths(paths, selected_types(events))
    if unknown:
        raise Invalid(
            "redact paths name no field of the selected event types", extra={"invalid": unknown}
        )
    return paths


# ---- rows and shapes --------------------------------------------------------------------------


def valid_rate_limit(value: Any) -> int | None:
    """Deliveries a second at most: a positive integer, or null for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_RATE_LIMIT:
        raise Invalid(f"rate_limit must be a positive integer (at most {MAX_RATE_LIMIT}) or null")
    return value


def valid_ordering(value: Any) -> str:
    if value not in ORDERINGS:
        raise Invalid('ordering must be "none" or "resource"')
    return str(value)


def valid_format(value: Any) -> str:
    if value not in FORMATS:
        raise Invalid('format must be "standard" or "cloudevents"')
    return str(value)


def valid_filter(value: Any) -> str | None:
    """A payload filter checked and stored as compact JSON; ``null`` or ``{}``: no filter."""
    if value is None or value == {}:
        return None
    try:
        compile_filter(value)
    except InvalidFilter as exc:
        raise Invalid(f"Invalid filter: {exc}") from None
    return msgspec.json.encode(value).decode()


def stored_filter(text: str | None) -> dict[str, Any] | None:
    return None if text is None else msgspec.json.decode(text)


def subscription_out(
    row: Subscription,
    box: SecretBox,
    secret: str | None = None,
    delivery: DeliveryState | None = None,
) -> SubscriptionOut:
    tenants = row.tenants or ([row.scope_tenant] if row.scope_tenant else None)
    return SubscriptionOut(
        id=row.id,
        url=row.url,
        destination=public_destination(row, box),
        description=row.description,
        events=list(row.events),
        tenants=tenants,
        providers=row.providers or None,
        include_raw=row.include_raw,
        rate_limit=row.rate_limit,
        ordering=row.ordering,  # type: ignore[arg-type]  # validated on the way in
        filter=stored_filter(row.filter),
        format=row.format,  # type: ignore[arg-type]  # validated on the way in
        redact=list(row.redact or []),
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
        delivery=delivery if delivery is not None else msgspec.UNSET,
        secret=secret if secret is not None else msgspec.UNSET,
    )


def visible(principal: Principal) -> ColumnElement[bool]:
    """The subscriptions a key may see: all for admin keys, its tenant's for tenant keys."""
    if principal.tenant is None:
        return true()
    return Subscription.scope_tenant == principal.tenant


async def find_subscription(
    session: AsyncSession, principal: Principal, subscription_id: str, *, lock: bool = False
) -> Subscription:
    """The subscription the key may see, else 404. ``lock`` holds its row for the transaction
    first, so a change racing a DELETE answers 404 instead of writing to a deleted row."""
    if lock and not await lock_subscription(session, subscription_id):
        raise NotFound("subscription not found")
    row = await session.get(Subscription, subscription_id)
    if row is None or (principal.tenant is not None and row.scope_tenant != principal.tenant):
        raise NotFound("subscription not found")
    return row


@audited("subscription.create")
async def create_subscription(
    runtime: Runtime, principal: Principal, data: SubscriptionCreate
) -> SubscriptionOut:
    """Validate, check the owner's quota, store (secret encrypted), return it with the secret."""
    settings = runtime.settings
    url, destination_type, destination_enc = valid_destination(
        data.url,
        data.destination,
        allow_insecure=settings.allow_insecure_destinations,
        box=runtime.box,
    )
    events = valid_events(data.events)
    tenants = valid_tenants(principal, data.tenants)
    providers = valid_providers(runtime, data.providers)
    description = valid_description(data.description)
    rate_limit = valid_rate_limit(data.rate_limit)
    ordering = valid_ordering(data.ordering)
    payload_filter = valid_filter(data.filter)
    delivery_format = valid_format(data.format)
    redact = valid_redact(data.redact, events, data.include_raw)
    now = utcnow()
    secret = new_secret()
    row = Subscription(
        id=new_id("sub"),
        owner=principal.key_id,
        scope_tenant=principal.tenant,
        url=url,
        destination_type=destination_type,
        destination_enc=destination_enc,
        description=description,
        events=events,
        tenants=tenants,
        providers=providers,
        include_raw=data.include_raw,
        rate_limit=rate_limit,
        ordering=ordering,
        filter=payload_filter,
        format=delivery_format,
        redact=redact,
        status="active",
        disabled_reason=None,
        successful_deliveries=0,
        failed_deliveries=0,
        last_delivery_at=None,
        failing_since=None,
        created_at=now,
        updated_at=now,
    )
    async with runtime.sessions() as session, session.begin():
        await lock_owner(session, principal.key_id)
        owned = await session.scalar(
            select(func.count())
            .select_from(Subscription)
            .where(Subscription.owner == principal.key_id)
        )
        if (owned or 0) >= settings.max_subscriptions:
            raise QuotaExceeded("Quota exceeded")
        session.add(row)
        await session.flush()
        session.add(
            SubscriptionSecret(
                id=new_id("ssec"),
                subscription_id=row.id,
                secret_enc=runtime.box.encrypt(secret),
                created_at=now,
                expires_at=None,
            )
        )
    return subscription_out(row, runtime.box, secret)


async def list_subscriptions(
    runtime: Runtime, principal: Principal, *, limit: int | None = None, cursor: str | None = None
) -> dict[str, Any]:
    n = clamp_limit(limit)
    query = select(Subscription).where(visible(principal)).order_by(Subscription.id).limit(n + 1)
    if cursor:
        query = query.where(Subscription.id > cursor)
    rows = await runtime.read(lambda conn: read_records(conn, query))
    return page([subscription_out(r, runtime.box) for r in rows], n, lambda s: s.id)


async def get_subscription(
    runtime: Runtime, principal: Principal, subscription_id: str
) -> SubscriptionOut:
    async with runtime.sessions() as session:
        row = await find_subscription(session, principal, subscription_id)
        return subscription_out(row, runtime.box, delivery=await delivery_state(session, row.id))


async def delivery_state(session: AsyncSession, subscription_id: str) -> DeliveryState:
    """In flight, concurrency and rate-limited as every live worker reports them; ordering-held
    from the queue itself."""
    gauge = await controls.gauges(session, subscription_id, utcnow())
    held = await controls.ordering_held(session, [subscription_id])
    return DeliveryState(
        in_flight=gauge.in_flight,
        concurrency=gauge.concurrency,
        rate_limited=gauge.rate_limited,
        ordering_held=held.get(subscription_id, 0),
    )


@audited("subscription.update")
async def update_subscription(
    runtime: Runtime, principal: Principal, subscription_id: str, data: SubscriptionUpdate
) -> SubscriptionOut:
    """Change only the fields given (``null`` clears description, tenants, providers)."""
    changes: dict[str, Any] = {}
    if data.url is not msgspec.UNSET or data.destination is not msgspec.UNSET:
        url, destination_type, destination_enc = valid_destination(
            None if data.url is msgspec.UNSET else data.url,
            None if data.destination is msgspec.UNSET else data.destination,
            allow_insecure=runtime.settings.allow_insecure_destinations,
            box=runtime.box,
        )
        changes.update(url=url, destination_type=destination_type, destination_enc=destination_enc)
    if data.events is not msgspec.UNSET:
        changes["events"] = valid_events(data.events)
    if not isinstance(data.tenants, msgspec.UnsetType):
        changes["tenants"] = valid_tenants(principal, data.tenants)
    if not isinstance(data.providers, msgspec.UnsetType):
        changes["providers"] = valid_providers(runtime, data.providers)
    if not isinstance(data.description, msgspec.UnsetType):
        changes["description"] = valid_description(data.description)
    if not isinstance(data.include_raw, msgspec.UnsetType):
        changes["include_raw"] = data.include_raw
    if data.rate_limit is not msgspec.UNSET:
        changes["rate_limit"] = valid_rate_limit(data.rate_limit)
    if data.ordering is not msgspec.UNSET:
        changes["ordering"] = valid_ordering(data.ordering)
    if data.filter is not msgspec.UNSET:
        changes["filter"] = valid_filter(data.filter)
    if data.format is not msgspec.UNSET:
        changes["format"] = valid_format(data.format)
    async with runtime.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id, lock=True)
        if {"events", "include_raw"} & changes.keys() or data.redact is not msgspec.UNSET:
            # checked against what the subscription will be: its other fields may not change
            changes["redact"] = valid_redact(
                row.redact if data.redact is msgspec.UNSET else data.redact,
                changes.get("events", row.events),
                changes.get("include_raw", row.include_raw),
            )
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
    return subscription_out(row, runtime.box)


@audited("subscription.delete", target="subscription_id")
async def delete_subscription(runtime: Runtime, principal: Principal, subscription_id: str) -> None:
    """Delete it with its queued deliveries and their history."""
    async with runtime.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id, lock=True)
        await session.delete(row)


@audited("subscription.set_status")
async def set_status(
    runtime: Runtime, principal: Principal, subscription_id: str, status: str
) -> SubscriptionOut:
    """``paused`` holds deliveries (they keep queueing); ``active`` delivers again, everything
    held included (a disabled subscription too)."""
    async with runtime.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id, lock=True)
        if status == "active":
            row.status = "active"
            row.disabled_reason = None
            row.failing_since = None
        elif row.status == "active":
            row.status = status
        # pausing a disabled subscription leaves it disabled (resume is what re-enables)
        row.updated_at = utcnow()
    if status == "active":
        runtime.wake_dispatcher.set()
    return subscription_out(row, runtime.box)


@audited("subscription.rotate_secret", target="subscription_id")
async def rotate_secret(runtime: Runtime, principal: Principal, subscription_id: str) -> SecretOut:
    """A new secret; the previous ones keep signing alongside it for 24 hours."""
    now = utcnow()
    grace_end = now + ROTATION_GRACE
    secret = new_secret()
    async with runtime.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id, lock=True)
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
                secret_enc=runtime.box.encrypt(secret),
                created_at=now,
                expires_at=None,
            )
        )
        row.updated_at = now  # the dispatcher reloads secrets when this changes
    return SecretOut(secret=secret)


@audited("subscription.replay", target="subscription_id")
async def replay(
    runtime: Runtime, principal: Principal, subscription_id: str, data: ReplayRequest
) -> Enqueued:
    """Queue again every matching event received in [since, until), delivered or not."""
    return await _requeue(runtime, principal, subscription_id, data, fanout.replay, "replay")


@audited("subscription.recover", target="subscription_id")
async def recover(
    runtime: Runtime, principal: Principal, subscription_id: str, data: ReplayRequest
) -> Enqueued:
    """Queue again only the events received in [since, until) whose delivery failed (and was
    not delivered since); bounded as a replay is, and sharing its one-at-a-time rule."""
    return await _requeue(runtime, principal, subscription_id, data, fanout.recover, "recover")


async def recoverable_count(
    runtime: Runtime, principal: Principal, subscription_id: str, data: ReplayRequest
) -> int:
    """How many deliveries ``recover`` would queue now (the console shows it before asking)."""
    since, until = _window(data)
    async with runtime.sessions() as session:
        row = await find_subscription(session, principal, subscription_id)
        try:
            return await fanout.recover(
                session,
                row,
                since=since,
                until=until,
                now=utcnow(),
                at_most=runtime.settings.replay_max_events,
                count_only=True,
            )
        except fanout.WindowTooWide as exc:
            raise _too_wide(exc, "recover") from None


def _window(data: ReplayRequest) -> tuple[datetime, datetime | None]:
    since = parse_time_param("since", data.since)
    until = parse_time_param("until", data.until)
    if since is None:
        raise Invalid("since is required")
    if until is not None and until <= since:
        raise Invalid("until must be later than since")
    return since, until


def _too_wide(exc: fanout.WindowTooWide, verb: str) -> Invalid:
    return Invalid(
        f"the window holds more than {exc.at_most} events "
        f"(UNIHOOK_REPLAY_MAX_EVENTS): {verb} it in narrower windows"
    )


async def _requeue(
    runtime: Runtime,
    principal: Principal,
    subscription_id: str,
    data: ReplayRequest,
    queue: Callable[..., Awaitable[int]],
    verb: str,
) -> Enqueued:
    """Replay or recover: ``queue`` (``fanout.replay`` or ``fanout.recover``) runs under the
    subscription's lock, after the one-at-a-time and interval checks."""
    since, until = _window(data)
    settings = runtime.settings
    async with runtime.sessions() as session:  # refused without a write lock (SQLite has one)
        row = await find_subscription(session, principal, subscription_id)
        if row.replayed_at is not None:
            await _check_replay_allowed(session, row, utcnow(), settings.replay_interval)
    async with runtime.sessions() as session, session.begin():
        row = await find_subscription(session, principal, subscription_id, lock=True)
        now = utcnow()
        if row.replayed_at is not None:
            await _check_replay_allowed(session, row, now, settings.replay_interval)
        try:
            n = await queue(
                session, row, since=since, until=until, now=now, at_most=settings.replay_max_events
            )
        except fanout.WindowTooWide as exc:
            raise _too_wide(exc, verb) from None
        if n:
            row.replayed_at = now
    if n:
        runtime.wake_dispatcher.set()
    return Enqueued(enqueued=n)


async def filter_test(
    runtime: Runtime, principal: Principal, subscription_id: str, data: FilterTest
) -> FilterMatch:
    """Whether the subscription's filter matches ``event`` (no filter: every event does)."""
    if not isinstance(data.event, dict):
        raise Invalid("event must be a JSON object")
    async with runtime.sessions() as session:
        row = await find_subscription(session, principal, subscription_id)
    if row.filter is None:
        return FilterMatch(matches=True)
    return FilterMatch(matches=fanout.predicate_of(row)(data.event))


async def _check_replay_allowed(
    session: AsyncSession, row: Subscription, now: datetime, interval: float
) -> None:
    """One replay at a time per subscription (``409`` while the last one's deliveries are
    pending), at most one per ``interval`` seconds (``429``): a replay is a flood of the
    subscription's URL, which may be anyone's."""
    assert row.replayed_at is not None
    running = await session.execute(
        select(Delivery.id)
        .where(
            Delivery.subscription_id == row.id,
            Delivery.status == "pending",
            Delivery.created_at >= row.replayed_at,
        )
        .limit(1)
    )
    if running.first() is not None:
        raise Conflict(
            "a replay or recovery of this subscription is still being delivered: wait for it"
        )
    wait = interval - (now - row.replayed_at).total_seconds()
    if wait > 0:
        raise QuotaExceeded(
            f"one replay per subscription every {interval:g} seconds (UNIHOOK_REPLAY_INTERVAL)",
            headers={"retry-after": str(math.ceil(wait))},
        )


async def subscription_deliveries(
    runtime: Runtime,
    principal: Principal,
    subscription_id: str,
    *,
    status: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Newest first; ``status`` is pending, succeeded or failed."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise Invalid(f"status must be one of {', '.join(DELIVERY_STATUSES)}")
    async with runtime.sessions() as session:
        await find_subscription(session, principal, subscription_id)
    return await list_deliveries(
        runtime,
        subscription_id=subscription_id,
        status=status,
        limit=clamp_limit(limit),
        cursor=cursor,
    )
