"""The audit log: every management action, recorded once, here, by the service that did it.

A service function declares its action with ``@audited("subscription.create")``; after it
succeeds, who called it (the principal's key id, ``admin`` for the admin token), the target's id,
the tenant and the caller's address (``remote_address``, set by the HTTP layer for the request)
are appended. Only ids and names of actions are written: never a secret, never a person's data.
The API only reads it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import delete, select

from gateway.core.clock import iso, utcnow
from gateway.core.ids import id_at, new_id
from gateway.runtime import Runtime
from gateway.services.access import ADMIN, Principal
from gateway.services.common import clamp_limit, page, parse_time_param
from gateway.storage.models import AuditEntry
from schemas.api import AuditEntryOut

P = ParamSpec("P")
R = TypeVar("R")

remote_address: ContextVar[str | None] = ContextVar("unihook_remote_address", default=None)
"""The address of the client whose request is being served (None: the command line)."""

PURGE_BATCH = 1000


async def record(
    runtime: Runtime,
    actor: str,
    action: str,
    *,
    target: str | None = None,
    tenant: str | None = None,
) -> None:
    async with runtime.sessions() as session, session.begin():
        session.add(
            AuditEntry(
                id=new_id("aud"),
                at=utcnow(),
                actor=actor,
                action=action,
                target=target[:200] if target else None,
                tenant=tenant,
                remote_addr=remote_address.get() or "local",
            )
        )


def _tenant_of(result: Any, arguments: dict[str, Any], principal: Principal) -> str | None:
    for value in (result, arguments.get("data")):
        tenant = getattr(value, "tenant", None)
        if isinstance(tenant, str):
            return tenant
    tenant = arguments.get("tenant")
    return tenant if isinstance(tenant, str) else principal.tenant


def audited(
    action: str, *, target: str | None = None
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Record ``action`` after the decorated service function succeeds. ``target`` names the
    argument holding the target's id; without it the result's ``id`` is the target."""

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        async def run(*args: P.args, **kwargs: P.kwargs) -> R:
            result = await fn(*args, **kwargs)
            arguments = signature.bind(*args, **kwargs).arguments
            principal = arguments.get("principal") or ADMIN
            target_id = arguments.get(target) if target else getattr(result, "id", None)
            await record(
                arguments["runtime"],
                principal.key_id,
                action,
                target=target_id if isinstance(target_id, str) else None,
                tenant=_tenant_of(result, arguments, principal),
            )
            return result

        return run

    return decorate


def entry_out(row: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=row.id,
        at=iso(row.at) or "",
        actor=row.actor,
        action=row.action,
        target=row.target,
        tenant=row.tenant,
        remote_addr=row.remote_addr,
    )


async def list_audit(
    runtime: Runtime,
    principal: Principal,
    *,
    since: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    """Newest first; an admin key sees every entry, a tenant key its tenant's."""
    n = clamp_limit(limit)
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n + 1)
    if principal.tenant is not None:
        query = query.where(AuditEntry.tenant == principal.tenant)
    if (start := parse_time_param("since", since)) is not None:
        query = query.where(AuditEntry.at >= start)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if cursor:
        query = query.where(AuditEntry.id < cursor)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
    return page([entry_out(r) for r in rows], n, lambda e: e.id)


async def purge_audit(runtime: Runtime, now: datetime) -> int:
    """Delete entries older than ``UNIHOOK_AUDIT_RETENTION_DAYS`` (0: keep all), in batches."""
    days = runtime.settings.audit_retention_days
    if not days:
        return 0
    cutoff = now - timedelta(days=days)
    before = id_at("aud", cutoff)
    deleted = 0
    while True:
        async with runtime.sessions() as session, session.begin():
            ids = list(
                (
                    await session.execute(
                        select(AuditEntry.id)
                        .where(AuditEntry.id < before, AuditEntry.at < cutoff)
                        .limit(PURGE_BATCH)
                    )
                ).scalars()
            )
            if not ids:
                return deleted
            await session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids)))
            deleted += len(ids)
