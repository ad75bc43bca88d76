"""An event's whole story (canonical form, raw body, kept headers, deliveries with attempts),
every event about one resource in order, and finding a candidate among recent events.

Tenant-scoped exactly as the management API scopes events and deliveries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import select

from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.storage.models import Attempt, Delivery, Event, Receipt, Subscription

RECENT_WINDOW = 2_000
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
    if "previous_stage" in data or app.get("stage"):
        before = (data.get("previous_stage") or {}).get("name")
        after = (app.get("stage") or {}).get("name")
        parts.append(f"{before} → {after}" if before else f"stage {after}")
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
    delivery: Delivery
    subscription_url: str
    attempts: list[Attempt] = field(default_factory=list)


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
    async with runtime.sessions() as session:
        row = (
            await session.execute(
                select(Event.tenant, Event.payload, Receipt.id, Receipt.body, Receipt.headers)
                .join(Receipt, Receipt.id == Event.receipt_id)
                .where(Event.id == event_id)
            )
        ).first()
        if row is None or not principal.can_see(row.tenant):
            return None
        deliveries = await _deliveries_of(session, principal, [event_id])
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


async def _deliveries_of(
    session: Any, principal: Principal, event_ids: list[str]
) -> dict[str, list[DeliveryStory]]:
    query = (
        select(Delivery, Subscription.url)
        .join(Subscription, Subscription.id == Delivery.subscription_id)
        .where(Delivery.event_id.in_(event_ids))
        .order_by(Delivery.id)
    )
    if principal.tenant is not None:
        query = query.where(Subscription.scope_tenant == principal.tenant)
    stories = [DeliveryStory(d, url) for d, url in (await session.execute(query)).all()]
    by_id = {s.delivery.id: s for s in stories}
    if by_id:
        attempts = (
            await session.execute(
                select(Attempt)
                .where(Attempt.delivery_id.in_(list(by_id)))
                .order_by(Attempt.attempted_at, Attempt.id)
            )
        ).scalars()
        for attempt in attempts:
            by_id[attempt.delivery_id].attempts.append(attempt)
    out: dict[str, list[DeliveryStory]] = {}
    for story in stories:
        out.setdefault(story.delivery.event_id, []).append(story)
    return out


@dataclass
class TimelineEntry:
    event: dict[str, Any]
    deliveries: list[DeliveryStory]


TIMELINE_LIMIT = 1000
"""The most events one timeline shows (the oldest first, from the indexed ``subject``)."""


async def timeline(
    runtime: Runtime, principal: Principal, subject: str, limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Every visible event about ``subject``, oldest first, each with its deliveries: read
    through the indexed ``events.subject`` column (events stored before it existed are found
    among the recent ones by the same rule)."""
    query = select(Event.payload).where(Event.subject == subject).order_by(Event.id).limit(limit)
    if principal.tenant is not None:
        query = query.where(Event.tenant == principal.tenant)
    async with runtime.sessions() as session:
        payloads = (await session.execute(query)).scalars().all()
    matches = [msgspec.json.decode(p) for p in payloads]
    if not matches:  # older rows carry no subject column value
        vendor_id = subject.partition("/")[2]
        needle = msgspec.json.encode(vendor_id)
        recent = await _recent(runtime, principal, RECENT_WINDOW * 5, needle if vendor_id else None)
        matches = [e for e in recent if subject_of(e) == subject]
        matches.reverse()
    async with runtime.sessions() as session:
        deliveries = await _deliveries_of(session, principal, [e["id"] for e in matches])
    return [TimelineEntry(e, deliveries.get(e["id"], [])) for e in matches]


@dataclass
class Found:
    """A candidate seen in recent events, and the resources their events are about."""

    name: str | None
    email: str | None
    subjects: dict[str, int]
    last_event: dict[str, Any]


async def find_candidates(
    runtime: Runtime, principal: Principal, text: str, window: int = RECENT_WINDOW
) -> list[Found]:
    """Candidates whose name or email contains ``text`` (any case) among recent events."""
    needle = text.strip().casefold()
    if not needle:
        return []
    found: dict[tuple[str | None, str | None], Found] = {}
    for event in await _recent(runtime, principal, window):
        candidate = candidate_of(event)
        name, email = candidate.get("name"), candidate.get("email")
        hay = f"{name or ''}\n{email or ''}".casefold()
        if needle not in hay:
            continue
        key = (name, email)
        entry = found.get(key)
        if entry is None:
            entry = found[key] = Found(name, email, {}, event)
        for subject in {
            subject_of(event),
            f"candidate/{candidate['id']}" if candidate.get("id") else None,
        }:
            if subject:
                entry.subjects[subject] = entry.subjects.get(subject, 0) + 1
    return list(found.values())


async def _recent(
    runtime: Runtime, principal: Principal, window: int, containing: bytes | None = None
) -> list[dict[str, Any]]:
    """The ``window`` newest visible events, decoded (only those holding ``containing``)."""
    query = select(Event.payload).order_by(Event.id.desc()).limit(window)
    if principal.tenant is not None:
        query = query.where(Event.tenant == principal.tenant)
    async with runtime.sessions() as session:
        payloads = (await session.execute(query)).scalars().all()
    return [msgspec.json.decode(p) for p in payloads if containing is None or containing in p]
