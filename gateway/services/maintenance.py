"""The worker's own schedule: retention per tenant, erasure on the vendor's word, the audit log's
retention. One elected worker runs each pass on PostgreSQL (``storage.locks.elected``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import msgspec
from sqlalchemy import exists, select

from gateway.core.people import identifiers
from gateway.runtime import Runtime
from gateway.services import audit, erasure, retention, tenants
from gateway.services.retention import PurgeReport
from gateway.storage.locks import elected
from gateway.storage.models import Delivery, Erasure, Event

log = logging.getLogger("unihook.maintenance")
ERASE_ON_BATCH = 100
TRIGGER_KINDS = ("candidate_id", "employee_id")  # not emails: an actor's would be among them


@dataclass
class MaintenanceReport:
    led: bool
    purges: list[PurgeReport] = field(default_factory=list)
    erasures: list[str] = field(default_factory=list)
    audit_entries_purged: int = 0


class Maintenance:
    """``run_once`` is one pass; ``start`` runs a pass every ``UNIHOOK_MAINTENANCE_INTERVAL``."""

    def __init__(self, runtime: Runtime, *, now: Callable[[], datetime]) -> None:
        self.runtime = runtime
        self.now = now
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> MaintenanceReport:
        async with elected(self.runtime.engine) as leader:
            report = MaintenanceReport(led=leader)
            if leader:
                await self._retention(report)
                await self._erase_on(report)
                report.audit_entries_purged = await audit.purge_audit(self.runtime, self.now())
        return report

    async def _retention(self, report: MaintenanceReport) -> None:
        async with self.runtime.sessions() as session:
            plan = await tenants.retention_plan(session, self.runtime.settings.retention_days)
        now = self.now()
        for scope, days in plan:
            report.purges.append(
                await retention.purge(self.runtime.sessions, now=now, days=days, scope=scope)
            )

    async def _erase_on(self, report: MaintenanceReport) -> None:
        """Erase the person each erasing event names, once its deliveries have finished."""
        async with self.runtime.sessions() as session:
            wanted = await tenants.erase_on_settings(session)
        for tenant, types in wanted.items():
            async with self.runtime.sessions() as session:
                due = (
                    await session.execute(
                        select(Event.id, Event.subject, Event.payload)
                        .where(
                            Event.tenant == tenant,
                            Event.type.in_(types),
                            Event.erased_at.is_(None),
                            ~exists().where(
                                Delivery.event_id == Event.id, Delivery.status == "pending"
                            ),
                            ~exists().where(Erasure.trigger_event_id == Event.id),
                        )
                        .order_by(Event.id)
                        .limit(ERASE_ON_BATCH)
                    )
                ).all()
            for event_id, subject, payload in due:
                named = trigger_identifiers(subject, payload)
                done = await erasure.erase(
                    self.runtime,
                    tenant,
                    named,
                    requested_by="erase_on",
                    trigger_event_id=event_id,
                )
                await audit.record(
                    self.runtime, "erase_on", "erasure.create", target=done.id, tenant=tenant
                )
                report.erasures.append(done.id)

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the next pass tries again; the worker must not stop
                log.exception("maintenance pass failed")
            await asyncio.sleep(self.runtime.settings.maintenance_interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="unihook-maintenance")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def trigger_identifiers(subject: str | None, payload: bytes) -> list[tuple[str, str]]:
    """Whom an erasing event is about: its subject and the candidate or employee ids it names."""
    data = msgspec.json.decode(payload).get("data")
    found = {(k, v) for k, v in identifiers(data) if k in TRIGGER_KINDS}
    if subject:
        found.add(("subject", subject))
    return sorted(found)
