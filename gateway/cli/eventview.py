"""``unihook events [--follow]``: a readable live view of normalised events."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import msgspec
from sqlalchemy import select

from gateway.cli.output import paint
from gateway.runtime import Runtime
from gateway.storage.models import Event


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


def render(event: dict[str, Any]) -> str:
    source = event.get("source", {})
    return "  ".join(
        [
            paint(str(event.get("timestamp", "")).ljust(24), "dim"),  # fits ...T09:51:02.118Z
            paint(str(event.get("type", "")).ljust(30), "cyan"),
            str(source.get("provider", "")).ljust(12),
            str(event.get("tenant", "")).ljust(12),
            summary(event),
        ]
    ).rstrip()


async def follow_events(services: Runtime, args: argparse.Namespace) -> None:
    try:
        await services.migrate()
        query = select(Event.id, Event.payload).order_by(Event.id.desc()).limit(args.limit)
        if args.tenant:
            query = query.where(Event.tenant == args.tenant)
        if args.type:
            query = query.where(Event.type == args.type)
        async with services.sessions() as session:
            rows = list(reversed((await session.execute(query)).all()))
        last = rows[-1].id if rows else ""
        for row in rows:
            print(render(msgspec.json.decode(row.payload)), flush=True)
        if not args.follow:
            return
        while True:
            await asyncio.sleep(0.5)
            q = query.where(Event.id > last).order_by(None).order_by(Event.id).limit(500)
            async with services.sessions() as session:
                new = (await session.execute(q)).all()
            for row in new:
                print(render(msgspec.json.decode(row.payload)), flush=True)
                last = row.id
    finally:
        await services.close()
