"""``unihook events [--follow]``: a readable live view of normalised events."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import msgspec
from sqlalchemy import select

from gateway.cli.output import paint
from gateway.runtime import Runtime
from gateway.services.stories import summary
from gateway.storage.models import Event


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


async def follow_events(runtime: Runtime, args: argparse.Namespace) -> None:
    try:
        await runtime.migrate()
        query = select(Event.id, Event.payload).order_by(Event.id.desc()).limit(args.limit)
        if args.tenant:
            query = query.where(Event.tenant == args.tenant)
        if args.type:
            query = query.where(Event.type == args.type)
        async with runtime.sessions() as session:
            rows = list(reversed((await session.execute(query)).all()))
        last = rows[-1].id if rows else ""
        for row in rows:
            print(render(msgspec.json.decode(row.payload)), flush=True)
        if not args.follow:
            return
        while True:
            await asyncio.sleep(0.5)
            q = query.where(Event.id > last).order_by(None).order_by(Event.id).limit(500)
            async with runtime.sessions() as session:
                new = (await session.execute(q)).all()
            for row in new:
                print(render(msgspec.json.decode(row.payload)), flush=True)
                last = row.id
    finally:
        await runtime.close()
