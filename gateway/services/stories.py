"""An event's whole story (canonical form, raw body, kept headers, deliveries with attempts),
every event about one resource in order, and finding a candidate among recent events.

Tenant-scoped exactly as the management API scopes events and deliveries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import BindParameter, ColumnElement, Connection, Row, Select, bindparam, select

from gateway.core.payloads import with_raw
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.storage.models import (
    CANDIDATE_FIELD_LENGTH,
    Attempt,
    Delivery,
    Event,
    Receipt,
    Subscription,
)
from schemas.redaction import Redactor

_RESOURCE_OF_FAMILY = {
    "application": "application",
    "candidate": "candidate",
    "job": "job",
    "job_posting": "job_posting",
    "note": "note",
    "interview": "interview",
    "offer": "offer",
    "referral": "referral",
    "user": "user",
    "scorecard": "scorecard",
    "employee": "employee",
}


def subject_of(event: dict[str, Any]) -> str | None:
    """The event's ``subject`` (``<resource>/<vendor id>``); events stored before it was set
    get it from their data by the same rule: the resource their type is named after."""
    if isinstance(event.get("subject"), str):
        return str(event["subject"])
    data = event.get("data")
    parts = str(event.get("type", "")).split(".")
    if not isinstance(data, dict) or len(parts) < 3:
        return None
    resource = _RESOURCE_OF_FAMILY.get(parts[1])
    if parts[0] == "connection" or parts[1] == "data":
        resource = "connector"
    if resource is None:
        return None
    record = data.get(resource)
    if isinstance(record, dict) and record.get("id") not in (None, ""):
        return f"{resource}/{record['id']}"
    candidate = candidate_of(event)  # an application without an id of its own
    if resource == "application" and candidate.get("id") not in (None, ""):
        return f"candidate/{candidate['id']}"
    return None


def candidate_of(event: dict[str, Any]) -> dict[str, Any]:
    data = event.get("data")
    if not isinstance(data, dict):
        return {}
    candidate = data.get("candidate") or (data.get("application") or {}).get("candidate")
    return candidate if isinstance(candidate, dict) else {}


def _stage_label(stage: Any) -> str | None:
    """A stage by its name, or by its id where the vendor sent only that (Lever, Merge)."""
    if not isinstance(stage, dict):
        return None
    if stage.get("name"):
        return str(stage["name"])
    return f"id {stage['id']}" if stage.get("id") else None


def summary(event: dict[str, Any]) -> str:
    """One human line for an event's data: who, what, where."""
    data = event.get("data") or {}
    if not isinstance(data, dict):
        return ""
    app = data.get("application") or {}
    candidate = data.get("candidate") or app.get("candidate") or {}
    job = data.get("job") or app.get("job") or {}
    parts: list[str] = []
    if candidate.get("name"):
        parts.append(str(candidate["name"]))
    before = _stage_label(data.get("previous_stage"))
    after = _stage_label(app.get("stage"))
    if before and after:
        parts.append(f"{before} → {after}")
    elif after or before:
        parts.append(f"stage {after}" if after else f"left stage {before}")
    if job.get("title"):
        status = f" [{job['status']}]" if job.get("status") else ""
        parts.append(f"{job['title']}{status}")
    if app.get("rejection_reason"):
        parts.append(f"reason: {app['rejection_reason']}")
    posting = data.get("job_posting") or {}
    if posting.get("title"):
        published = posting.get("published")
        live = "" if published is None else " [live]" if published else " [not live]"
        parts.append(f"posting {posting['title']}{live}")
    offer = data.get("offer") or {}
    if offer.get("status") or offer.get("version"):
        version = f" v{offer['version']}" if offer.get("version") else ""
        parts.append(f"offer {offer.get('status') or ''}{version}".replace("  ", " "))
    for key in ("department", "office", "stage"):
        if (data.get(key) or {}).get("name"):
            parts.append(f"{key} {data[key]['name']}")
    if data.get("note", {}).get("body"):
        parts.append(repr(data["note"]["body"][:60]))
    connector = data.get("connector") or {}
    if connector.get("name"):
        parts.append(f"{connector['name']} ({connector.get('org_name', '')})".replace(" ()", ""))
    sync = data.get("sync") or {}
    if sync.get("error", {}).get("message"):
        parts.append("error: " + str(sync["error"]["message"]))
    for key in ("employee_ids", "record_ids"):
        if data.get(key):
            parts.append(f"{len(data[key])} {key.split('_')[0]}s changed")
    if data.get("message"):
        parts.append(str(data["message"]))
    if event.get("type") == "unmapped":
        parts.append(f"vendor type {event.get('source', {}).get('event_type')!r}")
    if not parts:  # ids only: name the first resource
        key, value = next(((k, v) for k, v in data.items() if isinstance(v, dict)), ("", {}))
        if value.get("id"):
            parts.append(f"{key} {value['id']}")
    return " · ".join(parts)


@dataclass
class DeliveryStory:
    """A delivery as the console shows it. ``delivery`` and ``attempts`` are rows of their
    tables (read by column name, like the models' attributes), not ORM objects: a page shows up
    to 25 events' deliveries, and loading them as mapped objects was most of a timeline's CPU."""

    delivery: Row[Any]
    subscription_url: str
    attempts: list[Row[Any]] = field(default_factory=list)
    include_raw: bool = False
    redact: list[str] | None = None
    request_body: bytes | None = None  # what every attempt of it sent (set on the event page)


def sent_body(payload: bytes, raw: bytes, include_raw: bool, redact: list[str] | None) -> bytes:
    """The body a subscription's attempts send for an event, as the dispatcher makes it: the
    canonical event, ``raw`` spliced in with include_raw, the redacted paths left out."""
    body = with_raw(payload, raw) if include_raw else payload
    return Redactor(redact).apply(body) if redact else body


@dataclass
class EventStory:
    event: dict[str, Any]
    tenant: str
    raw: bytes
    headers: dict[str, Any]
    receipt_id: str
    deliveries: list[DeliveryStory]
    subject: str | None


async def event_story(runtime: Runtime, principal: Principal, event_id: str) -> EventStory | None:
    """Everything about one event the principal may see, or None (missing or not theirs)."""
    query = (
        select(Event.tenant, Event.payload, Receipt.id, Receipt.body, Receipt.headers)
        .join(Receipt, Receipt.id == Event.receipt_id)
        .where(Event.id == event_id)
    )

    def reads(conn: Connection) -> tuple[Any, dict[str, list[DeliveryStory]]]:
        row = conn.execute(query).first()
        if row is None or not principal.can_see(row.tenant):
            return None, {}
        return row, _deliveries_of(conn, principal, [event_id])

    row, deliveries = await runtime.read(reads)
    if row is None:
        return None
    for story in deliveries.get(event_id, []):
        story.request_body = sent_body(row.payload, row.body, story.include_raw, story.redact)
    event = msgspec.json.decode(row.payload)
    return EventStory(
        event=event,
        tenant=row.tenant,
        raw=row.body,
        headers=dict(row.headers or {}),
        receipt_id=row.id,
        deliveries=deliveries.get(event_id, []),
        subject=subject_of(event),
    )


_DELIVERIES = (
    select(Delivery.__table__, Subscription.url, Subscription.include_raw, Subscription.redact)
    .join(Subscription, Subscription.id == Delivery.subscription_id)
    .where(Delivery.event_id.in_(bindparam("event_ids", expanding=True)))
    .order_by(Delivery.id)
)
_TENANT_DELIVERIES = _DELIVERIES.where(Subscription.scope_tenant == bindparam("tenant"))
_ATTEMPTS = (
    select(Attempt.__table__)
    .where(Attempt.delivery_id.in_(bindparam("delivery_ids", expanding=True)))
    .order_by(Attempt.attempted_at, Attempt.id)
)


def _deliveries_of(
    conn: Connection, principal: Principal, event_ids: list[str]
) -> dict[str, list[DeliveryStory]]:
    """The deliveries of ``event_ids`` the principal may see, by event, each with its attempts."""
    tenant = principal.tenant
    if tenant is None:
        rows = conn.execute(_DELIVERIES, {"event_ids": event_ids})
    else:
        rows = conn.execute(_TENANT_DELIVERIES, {"event_ids": event_ids, "tenant": tenant})
    stories = [
        DeliveryStory(row, row.url, include_raw=row.include_raw, redact=row.redact) for row in rows
    ]
    by_id = {story.delivery.id: story for story in stories}
    if by_id:
        for attempt in conn.execute(_ATTEMPTS, {"delivery_ids": list(by_id)}):
            by_id[attempt.delivery_id].attempts.append(attempt)
    out: dict[str, list[DeliveryStory]] = {}
    for story in stories:
        out.setdefault(story.delivery.event_id, []).append(story)
    return out


@dataclass
class TimelineEntry:
    event: dict[str, Any]
    tenant: str
    deliveries: list[DeliveryStory]


TIMELINE_PAGE = 25
"""The events one timeline page shows: the subject's newest (by reception), shown in the order
things happened. Each is decoded to be shown, so the page is what one view may decode; older
ones are the next page's (``before``)."""


@dataclass
class Timeline:
    """A page of a subject's timeline: its events by tenant, and where the page before it starts
    (the oldest event shown, when there are older ones)."""

    by_tenant: dict[str, list[TimelineEntry]]
    earlier: str | None


async def timeline(
    runtime: Runtime,
    principal: Principal,
    subject: str,
    tenant: str | None = None,
    before: str | None = None,
    limit: int = TIMELINE_PAGE,
) -> Timeline:
    """The newest ``limit`` visible events about ``subject`` received before the event
    ``before`` (when given), by tenant, each tenant's in the order things happened (the events'
    timestamps), each with its deliveries. Two tenants' vendor ids are two resources even where
    they are equal, so they are never one timeline. Read newest first on the ``(subject, id)``
    index and stopped at the page: its cost is the page's, not the subject's event count."""
    query = timeline_query(principal, subject, tenant, before, limit + 1)

    def reads(conn: Connection) -> tuple[list[Any], dict[str, list[DeliveryStory]]]:
        rows = list(conn.execute(query).all())
        return rows, _deliveries_of(conn, principal, [row.id for row in rows[:limit]])

    rows, deliveries = await runtime.read(reads)
    page = rows[:limit]
    earlier = page[-1].id if len(rows) > limit else None
    page.sort(key=lambda row: (row.occurred_at, row.id))
    matches = [(row.tenant, msgspec.json.decode(row.payload)) for row in page]
    out: dict[str, list[TimelineEntry]] = {}
    for owner, event in matches:
        entry = TimelineEntry(event, owner, deliveries.get(event["id"], []))
        out.setdefault(owner, []).append(entry)
    return Timeline(dict(sorted(out.items())), earlier)


def timeline_query(
    principal: Principal, subject: str, tenant: str | None, before: str | None, limit: int
) -> Select[str, str, datetime, bytes]:
    """The newest ``limit`` visible events about ``subject`` (received before ``before``), read
    newest first on the ``(subject, id)`` index."""
    query = (
        select(Event.id, Event.tenant, Event.occurred_at, Event.payload)
        .where(Event.subject == subject)
        .order_by(Event.id.desc())
        .limit(limit)
    )
    if before:
        query = query.where(Event.id < before)
    if principal.tenant is not None or tenant:
        query = query.where(_of_tenant(principal.tenant or tenant or ""))
    return query


@dataclass
class Found:
    """A candidate of one tenant seen in recent events, and the resources their events are
    about."""

    tenant: str
    name: str | None
    email: str | None
    subjects: dict[str, int]
    last_event: Row[Any]  # the newest event read: its id, type and received_at


SEARCH_ROWS = 50
"""The index entries a search reads for each of name and email (their small indexed columns,
never their payloads): the first in the prefix's range, so every search is one bounded index
read however common its prefix."""

SEARCH_COLUMNS = (
    Event.id,
    Event.tenant,
    Event.type,
    Event.received_at,
    Event.subject,
    Event.candidate_id,
    Event.candidate_name,
    Event.candidate_email,
)


@dataclass
class Search:
    """The candidates found, in the order of their names (or emails), and whether the prefix
    matched more events than were read (a longer prefix finds the rest)."""

    found: list[Found]
    more: bool


async def find_candidates(
    runtime: Runtime, principal: Principal, text: str, rows: int = SEARCH_ROWS
) -> Search:
    """Candidates whose name or email starts with ``text`` (any case), from the indexed
    ``events.candidate_*`` columns: the first ``rows`` matching events in each column's order."""
    needle = text.strip().casefold()[:CANDIDATE_FIELD_LENGTH]
    if not needle:
        return Search([], more=False)
    found: dict[tuple[str, str | None, str | None], Found] = {}
    more = False
    # one row past the page tells "more match" from "exactly a page matches"
    queries = [
        search_query(principal, column, needle, rows + 1)
        for column in (Event.candidate_name_key, Event.candidate_email)
    ]
    reads = await runtime.read(lambda conn: [conn.execute(query).all() for query in queries])
    hits: list[Any] = []
    for read in reads:
        more = more or len(read) > rows
        hits += read[:rows]
    seen: set[str] = set()
    for hit in hits:
        event_id, tenant, _, _, subject, candidate_id, name, email = hit  # SEARCH_COLUMNS
        if event_id in seen:
            continue
        seen.add(event_id)
        entry = found.get((tenant, name, email))
        if entry is None:
            entry = found[(tenant, name, email)] = Found(tenant, name, email, {}, hit)
        elif event_id > entry.last_event.id:
            entry.last_event = hit
        candidate = f"candidate/{candidate_id}" if candidate_id else None
        for about in {subject, candidate}:
            if about:
                entry.subjects[about] = entry.subjects.get(about, 0) + 1
    return Search(list(found.values()), more)


Hits = Select[str, str, str, datetime, str | None, str | None, str | None, str | None]


def search_query(principal: Principal, column: Any, prefix: str, rows: int) -> Hits:
    """The first ``rows`` visible events whose ``column`` starts with ``prefix``, in the order of
    ``column``'s index (the column, then the id): a range read that stops at ``rows``. The range
    is what the index answers (``LIKE`` alone reads every row on PostgreSQL without a pattern
    operator class); ``LIKE`` keeps it exact."""
    upper = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))
    pattern = "".join("/" + c if c in "/%_" else c for c in prefix) + "%"
    values = {"prefix": prefix, "upper": upper, "pattern": pattern}
    if principal.tenant is not None:
        values["tenant"] = principal.tenant
    return _search_statement(column.key, principal.tenant is not None, rows).params(values)


@functools.lru_cache(maxsize=16)
def _search_statement(column_name: str, of_tenant: bool, rows: int) -> Hits:
    """``search_query``'s statement with its values as parameters: built once, as building
    one took longer than SQLite takes to answer it."""
    column = getattr(Event, column_name)
    query = (
        select(*SEARCH_COLUMNS)
        .where(
            column >= bindparam("prefix"),
            column < bindparam("upper"),
            column.like(bindparam("pattern"), escape="/"),
        )
        .order_by(column, Event.id)
        .limit(rows)
    )
    if of_tenant:
        query = query.where(_of_tenant(bindparam("tenant")))
    return query


def _of_tenant(tenant: str | BindParameter[str]) -> ColumnElement[bool]:
    """The events of ``tenant``, tested on each row the query's own index range reads (``||``
    keeps any index on ``tenant`` from being chosen): the tenant's index, newest first, would
    read every event of theirs until it passed the few the range holds."""
    return Event.tenant.concat("") == tenant
