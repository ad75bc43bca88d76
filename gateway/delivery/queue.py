"""The delivery queue in the database: claim due deliveries with a lease, load what sending needs,
record results in batches. Every function is one short transaction.

Claiming is correct with many workers: on PostgreSQL the candidates are locked with
``FOR UPDATE OF deliveries SKIP LOCKED`` (other workers skip them instead of queueing behind the
lock); on SQLite, where SQLAlchemy leaves that clause out, the single writer serialises the
``UPDATE``, and its ``WHERE`` re-checks that no live lease exists, so of two workers that saw the
same candidate only one gets it (``RETURNING`` tells which).

A delivery with an ``ordering_key`` (its subscription has ``ordering: "resource"``) is a candidate
only while no earlier delivery of the same key and subscription is pending: one at a time per
subject, in acceptance (id) order, whichever worker holds it; a retrying one holds the later ones.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Integer,
    String,
    Table,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnClause

from gateway.core.clock import iso, unexpired
from gateway.core.crypto import SecretBox
from gateway.core.ids import new_ids
from gateway.core.payloads import with_raw
from gateway.delivery.retry import failing_too_long
from gateway.storage.bulk import execute_many, insert_rows
from gateway.storage.models import (
    Attempt,
    Delivery,
    Event,
    Receipt,
    Subscription,
    SubscriptionSecret,
    UTCDateTime,
)

DELIVERIES = cast(Table, Delivery.__table__)
SUBSCRIPTIONS = cast(Table, Subscription.__table__)
ATTEMPTS = cast(Table, Attempt.__table__)
_EARLIER = DELIVERIES.alias("earlier")
# Ordered deliveries wait for every earlier pending one of their subject (per subscription).
IS_HEAD = or_(
    DELIVERIES.c.ordering_key.is_(None),
    ~exists().where(
        _EARLIER.c.ordering_key == DELIVERIES.c.ordering_key,
        _EARLIER.c.subscription_id == DELIVERIES.c.subscription_id,
        _EARLIER.c.status == "pending",
        _EARLIER.c.id < DELIVERIES.c.id,
    ),
)


@dataclass(frozen=True, slots=True)
class Due:
    """A due delivery, as the claim query sees it."""

    id: str
    event_id: str
    subscription_id: str
    attempts: int
    url: str
    version: datetime  # the subscription's updated_at: a cache key for its settings


@dataclass(frozen=True, slots=True)
class Target:
    """A subscription as sending needs it: destination, live secrets (newest first), raw flag."""

    id: str
    url: str
    include_raw: bool
    version: datetime
    secrets: tuple[tuple[str, datetime | None], ...]
    rate_limit: int | None = None
    ordered: bool = False  # ordering "resource": one delivery per subject at a time
    cloudevents: bool = False  # format "cloudevents": CloudEvents binary-mode headers too
    redact: tuple[str, ...] = ()  # dotted paths left out of its bodies
    destination_type: str | None = None  # None: http to ``url``
    destination: str | None = None  # a broker's settings as JSON, decrypted

    def live_secrets(self, now: datetime) -> list[str]:
        return unexpired(self.secrets, now)


@dataclass(slots=True)
class Result:
    """One attempt's outcome, waiting to be written."""

    delivery_id: str
    subscription_id: str
    attempted_at: datetime
    attempt_number: int
    status_code: int | None
    latency_ms: float
    snippet: str | None
    error: str | None
    outcome: str  # succeeded | retry | failed
    next_attempt_at: datetime | None
    gone: bool = False
    request_headers: list[list[str]] | None = None
    response_headers: list[list[str]] | None = None


Pick = Callable[[list[Due]], list[Due]]


# Literal, not bound: the partial indexes below are chosen only when the query's WHERE visibly
# implies theirs, which a parameter's value does not (SQLite; PostgreSQL's generic plans).
PENDING: ColumnClause[str] = literal_column("'pending'")


def claim_queries(
    *, now: datetime, limit: int, exclude: Collection[str] = ()
) -> tuple[Select[Any], Select[Any]]:
    """The claim's two candidate queries: deliveries whose lease lapsed (their worker died),
    oldest lease first, by ``ix_deliveries_leased``; then unleased due deliveries, oldest due
    first, by ``ix_deliveries_claimable``. Each index holds only pending deliveries in its state,
    so a claim reads from the head of one range, never past the rows workers hold (which a
    single index on every pending delivery kept at its head) or past finished ones."""
    d, s = DELIVERIES.c, SUBSCRIPTIONS.c  # Core columns: no ORM compilation on the hot path

    def candidates(*where: Any) -> Select[Any]:
        query = (
            select(d.id, d.event_id, d.subscription_id, d.attempts, s.url, s.updated_at)
            .join_from(DELIVERIES, SUBSCRIPTIONS, s.id == d.subscription_id)
            .where(d.status == PENDING, d.next_attempt_at <= now, s.status == "active", *where)
            .limit(limit)
            .with_for_update(skip_locked=True, of=DELIVERIES)
        )
        if exclude:
            query = query.where(d.subscription_id.not_in(list(exclude)))
        return query

    lapsed = candidates(
        d.lease_expires_at.is_not(None), d.lease_expires_at <= now, IS_HEAD
    ).order_by(d.lease_expires_at)
    unleased = candidates(d.lease_expires_at.is_(None), IS_HEAD).order_by(d.next_attempt_at)
    return lapsed, unleased


async def claim(
    sessions: async_sessionmaker[AsyncSession],
    *,
    owner: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    pick: Pick,
    exclude: Collection[str] = (),
) -> tuple[list[Due], int]:
    """Lease due deliveries of active subscriptions; returns the leased ones and how many
    candidates the queries found (``== limit`` means there may be more)."""
    lapsed, unleased = claim_queries(now=now, limit=limit, exclude=exclude)
    async with sessions() as session, session.begin():
        rows = list((await session.execute(lapsed)).all())
        if len(rows) < limit:
            rows += (await session.execute(unleased.limit(limit - len(rows)))).all()
        candidates = [Due(*row) for row in rows]
        chosen = pick(candidates) if candidates else []
        if not chosen:
            return [], len(candidates)
        leased = set(
            (
                await session.execute(
                    update(DELIVERIES)
                    .where(
                        DELIVERIES.c.id.in_([c.id for c in chosen]),
                        DELIVERIES.c.status == "pending",
                        or_(
                            DELIVERIES.c.lease_expires_at.is_(None),
                            DELIVERIES.c.lease_expires_at <= now,
                        ),
                    )
                    .values(
                        lease_owner=owner,
                        lease_expires_at=now + timedelta(seconds=lease_seconds),
                    )
                    .returning(DELIVERIES.c.id)
                )
            ).scalars()
        )
    return [c for c in chosen if c.id in leased], len(candidates)


async def release(
    sessions: async_sessionmaker[AsyncSession], owner: str, ids: Sequence[str] | None = None
) -> None:
    """Give leases back (shutdown): the deliveries are due again at once for any worker."""
    statement = (
        update(DELIVERIES)
        .where(DELIVERIES.c.lease_owner == owner, DELIVERIES.c.status == "pending")
        .values(lease_owner=None, lease_expires_at=None)
    )
    if ids is not None:
        if not ids:
            return
        statement = statement.where(DELIVERIES.c.id.in_(list(ids)))
    async with sessions() as session, session.begin():
        await session.execute(statement)


async def renew(
    sessions: async_sessionmaker[AsyncSession],
    owner: str,
    ids: Sequence[str],
    *,
    now: datetime,
    until: datetime,
) -> None:
    """Extend this worker's live leases on ``ids`` (lapsed ones may belong to another worker)."""
    ordered = sorted(ids)
    async with sessions() as session, session.begin():
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            # Lock the rows in id order first, as ``record`` does: an UPDATE alone locks them in
            # whatever order the plan visits them, and could deadlock with a concurrent record.
            await session.execute(
                select(DELIVERIES.c.id)
                .where(DELIVERIES.c.id.in_(chunk))
                .order_by(DELIVERIES.c.id)
                .with_for_update()
            )
            await session.execute(
                update(DELIVERIES)
                .where(
                    DELIVERIES.c.id.in_(chunk),
                    DELIVERIES.c.lease_owner == owner,
                    DELIVERIES.c.lease_expires_at > now,
                )
                .values(lease_expires_at=until)
            )


async def load_targets(
    sessions: async_sessionmaker[AsyncSession], box: SecretBox, ids: Collection[str]
) -> dict[str, Target]:
    async with sessions() as session:
        subs = (
            await session.execute(
                select(
                    Subscription.id,
                    Subscription.url,
                    Subscription.include_raw,
                    Subscription.updated_at,
                    Subscription.rate_limit,
                    Subscription.ordering,
                    Subscription.format,
                    Subscription.redact,
                    Subscription.destination_type,
                    Subscription.destination_enc,
                ).where(Subscription.id.in_(list(ids)))
            )
        ).all()
        secrets = (
            await session.execute(
                select(
                    SubscriptionSecret.subscription_id,
                    SubscriptionSecret.secret_enc,
                    SubscriptionSecret.expires_at,
                )
                .where(SubscriptionSecret.subscription_id.in_(list(ids)))
                .order_by(SubscriptionSecret.created_at.desc(), SubscriptionSecret.id.desc())
            )
        ).all()
    by_sub: dict[str, list[tuple[str, datetime | None]]] = {}
    for sub_id, enc, expires in secrets:
        by_sub.setdefault(sub_id, []).append((box.decrypt(enc), expires))
    return {
        row.id: Target(
            row.id,
            row.url,
            row.include_raw,
            row.updated_at,
            tuple(by_sub.get(row.id, ())),
            row.rate_limit,
            row.ordering == "resource",
            row.format == "cloudevents",
            tuple(row.redact or ()),
            row.destination_type,
            box.decrypt(row.destination_enc) if row.destination_enc else None,
        )
        for row in subs
    }


async def load_trace_parents(
    sessions: async_sessionmaker[AsyncSession], event_ids: Collection[str]
) -> dict[str, str]:
    """The W3C traceparent each event's ingest span left (events stored untraced have none)."""
    async with sessions() as session:
        rows = await session.execute(
            select(Event.id, Event.trace_parent).where(
                Event.id.in_(list(event_ids)), Event.trace_parent.is_not(None)
            )
        )
        return {row.id: row.trace_parent for row in rows}


async def load_bodies(
    sessions: async_sessionmaker[AsyncSession],
    event_ids: Collection[str],
    with_raw_ids: Collection[str],
) -> dict[tuple[str, bool], bytes]:
    """Delivery bodies by (event id, include_raw): the canonical JSON, with ``raw`` if asked."""
    out: dict[tuple[str, bool], bytes] = {}
    async with sessions() as session:
        plain = [e for e in event_ids if e not in with_raw_ids] if with_raw_ids else event_ids
        if plain:
            rows = await session.execute(
                select(Event.id, Event.payload).where(Event.id.in_(list(plain)))
            )
            for event_id, payload in rows:
                out[(event_id, False)] = payload
        if with_raw_ids:
            raw_rows = await session.execute(
                select(Event.id, Event.payload, Receipt.body)
                .join(Receipt, Receipt.id == Event.receipt_id)
                .where(Event.id.in_(list(with_raw_ids)))
            )
            for event_id, payload, raw in raw_rows:
                out[(event_id, False)] = payload
                out[(event_id, True)] = with_raw(payload, raw)
    return out


_UPDATE_DELIVERY = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("b_id"), DELIVERIES.c.lease_owner == bindparam("b_owner"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        next_attempt_at=bindparam("b_next"),
        lease_owner=None,
        lease_expires_at=None,
        last_status_code=bindparam("b_code"),
        last_error=bindparam("b_error"),
        last_attempt_at=bindparam("b_at"),
        updated_at=bindparam("b_at"),
    )
)


_LAST = bindparam("b_last", type_=UTCDateTime())
_FAILING_AT = bindparam("b_failing_at", type_=UTCDateTime())
_FAILING = bindparam("b_failing", type_=String())
# One statement for every subscription of a recorded batch (executemany): stats, last delivery
# time, and ``failing_since`` ("clear" after a success, "set" to the first failure after the
# last success, "keep" the current start of a failure streak or begin one).
_UPDATE_SUBSCRIPTION = (
    update(SUBSCRIPTIONS)
    .where(SUBSCRIPTIONS.c.id == bindparam("b_id"))
    .values(
        successful_deliveries=SUBSCRIPTIONS.c.successful_deliveries
        + bindparam("b_ok", type_=Integer()),
        failed_deliveries=SUBSCRIPTIONS.c.failed_deliveries
        + bindparam("b_failed", type_=Integer()),
        last_delivery_at=case(
            (
                or_(
                    SUBSCRIPTIONS.c.last_delivery_at.is_(None),
                    SUBSCRIPTIONS.c.last_delivery_at < _LAST,
                ),
                _LAST,
            ),
            else_=SUBSCRIPTIONS.c.last_delivery_at,
        ),
        failing_since=case(
            (_FAILING == "clear", null()),
            (_FAILING == "set", _FAILING_AT),
            else_=func.coalesce(SUBSCRIPTIONS.c.failing_since, _FAILING_AT),
        ),
    )
)


async def record(
    sessions: async_sessionmaker[AsyncSession],
    results: Sequence[Result],
    *,
    owner: str,
    now: datetime,
    disable_after: float,
) -> list[str]:
    """Write attempts, delivery states and subscription stats and health in one transaction.

    Returns the ids of subscriptions this disabled. A delivery deleted meanwhile (its
    subscription was deleted) is skipped; a delivery whose lease another worker took over keeps
    that worker's state, but the attempt is still recorded.
    """
    async with sessions() as session, session.begin():
        alive = set(
            (
                await session.execute(
                    select(Delivery.id)
                    .where(Delivery.id.in_([r.delivery_id for r in results]))
                    .order_by(Delivery.id)  # one lock order for every worker: no deadlocks
                    .with_for_update()
                )
            ).scalars()
        )
        kept = [r for r in results if r.delivery_id in alive]
        if not kept:
            return []
        await insert_rows(
            session,
            ATTEMPTS,
            [
                {
                    "id": attempt_id,
                    "delivery_id": r.delivery_id,
                    "attempted_at": r.attempted_at,
                    "status_code": r.status_code,
                    "latency_ms": round(r.latency_ms, 2),
                    "response_snippet": r.snippet,
                    "error": r.error,
                    "request_headers": r.request_headers,
                    "response_headers": r.response_headers,
                }
                for attempt_id, r in zip(new_ids("att", len(kept)), kept, strict=True)
            ],
        )
        await execute_many(
            session,
            _UPDATE_DELIVERY,
            [
                {
                    "b_id": r.delivery_id,
                    "b_owner": owner,
                    "b_status": "pending" if r.outcome == "retry" else r.outcome,
                    "b_attempts": r.attempt_number,
                    "b_next": r.next_attempt_at or r.attempted_at,
                    "b_code": r.status_code,
                    "b_error": r.error,
                    "b_at": r.attempted_at,
                }
                for r in kept
            ],
        )
        return await _update_subscriptions(session, kept, now=now, disable_after=disable_after)


async def _update_subscriptions(
    session: AsyncSession, results: Sequence[Result], *, now: datetime, disable_after: float
) -> list[str]:
    """Stats, ``failing_since`` and disabling: one statement for every subscription in the batch."""
    per_sub: dict[str, list[Result]] = {}
    for r in sorted(results, key=lambda r: r.attempted_at):
        per_sub.setdefault(r.subscription_id, []).append(r)
    gone: dict[str, Result] = {}
    stats: list[dict[str, Any]] = []
    for sub_id, items in sorted(per_sub.items()):  # rows locked in id order by every worker
        ok = [r for r in items if r.outcome == "succeeded"]
        last_ok = ok[-1].attempted_at if ok else None
        after_ok = [
            r
            for r in items
            if r.outcome != "succeeded" and (last_ok is None or r.attempted_at > last_ok)
        ]
        if items[-1].outcome == "succeeded":
            mode, failing_at = "clear", None
        elif last_ok is not None:
            mode, failing_at = "set", after_ok[0].attempted_at
        else:
            mode, failing_at = "keep", items[0].attempted_at
        stats.append(
            {
                "b_id": sub_id,
                "b_ok": len(ok),
                # deliveries, not attempts: one counts as failed once its retries are spent
                "b_failed": sum(r.outcome == "failed" for r in items),
                "b_last": items[-1].attempted_at,
                "b_failing": mode,
                "b_failing_at": failing_at,
            }
        )
        for r in items:
            if r.gone:
                gone[sub_id] = r
    await session.execute(_UPDATE_SUBSCRIPTION, stats)
    disabled: list[str] = []
    for sub_id, r in gone.items():
        changed = await session.execute(
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.id == sub_id, SUBSCRIPTIONS.c.status != "disabled")
            .values(
                status="disabled",
                disabled_reason=f"the destination answered 410 Gone at {_iso(r.attempted_at)}",
                updated_at=now,
            )
            .returning(SUBSCRIPTIONS.c.id)
        )
        disabled.extend(changed.scalars())
    failing_ids = [s for s in per_sub if s not in gone and per_sub[s][-1].outcome != "succeeded"]
    if failing_ids:
        rows = await session.execute(
            select(Subscription.id, Subscription.failing_since).where(
                Subscription.id.in_(failing_ids), Subscription.status != "disabled"
            )
        )
        for sub_id, since in rows.all():
            if since is not None and failing_too_long(since, now, disable_after):
                await session.execute(
                    update(SUBSCRIPTIONS)
                    .where(SUBSCRIPTIONS.c.id == sub_id)
                    .values(
                        status="disabled",
                        disabled_reason=(
                            f"every delivery failed from {_iso(since)} to {_iso(now)}, "
                            f"longer than UNIHOOK_DISABLE_AFTER ({_span(disable_after)})"
                        ),
                        updated_at=now,
                    )
                )
                disabled.append(sub_id)
    return disabled


def _iso(moment: datetime) -> str:
    return iso(moment) or ""


def _span(seconds: float) -> str:
    if seconds >= 86400 and seconds % 86400 == 0:
        return f"{int(seconds // 86400)} d"
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    return f"{seconds:g} s"
