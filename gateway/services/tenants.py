"""A tenant's privacy settings: its own retention, and the vendor events that erase a person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import iso, utcnow
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.common import valid_tenant
from gateway.services.errors import Invalid, NotFound
from gateway.services.retention import TenantScope, overdue_seconds
from gateway.storage.models import TenantSettings
from schemas.api import TenantSettingsOut, TenantSettingsUpdate

ERASING_TYPES = ("ats.candidate.anonymized", "ats.candidate.deleted", "hris.employee.deleted")
MAX_RETENTION_DAYS = 36500


def require_admin(principal: Principal) -> None:
    """Tenant settings are the operator's: a tenant key gets the 404 of a missing route."""
    if not principal.is_admin:
        raise NotFound("tenant settings not found")


def valid_retention_days(value: Any) -> int | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_RETENTION_DAYS
    ):
        raise Invalid(
            f"retention_days must be a whole number of days from 0 (keep everything) to "
            f"{MAX_RETENTION_DAYS}, or null for the default"
        )
    return value


def valid_erase_on(value: Any) -> list[str] | None:
    if value is None or value == []:
        return None
    if not isinstance(value, list) or any(v not in ERASING_TYPES for v in value):
        raise Invalid(f"erase_on must be a list of event types among {', '.join(ERASING_TYPES)}")
    return list(dict.fromkeys(value))


def settings_out(runtime: Runtime, tenant: str, row: TenantSettings | None) -> TenantSettingsOut:
    own = row.retention_days if row is not None else None
    return TenantSettingsOut(
        tenant=tenant,
        retention_days=own,
        effective_retention_days=runtime.settings.retention_days if own is None else own,
        erase_on=list(row.erase_on or []) if row is not None else [],
        updated_at=iso(row.updated_at) if row is not None else None,
    )


async def get_settings(runtime: Runtime, principal: Principal, tenant: str) -> TenantSettingsOut:
    require_admin(principal)
    valid_tenant(tenant)
    async with runtime.sessions() as session:
        row = await session.get(TenantSettings, tenant)
    return settings_out(runtime, tenant, row)


@audited("tenant_settings.update", target="tenant")
async def put_settings(
    runtime: Runtime, principal: Principal, tenant: str, data: TenantSettingsUpdate
) -> TenantSettingsOut:
    require_admin(principal)
    valid_tenant(tenant)
    changes: dict[str, Any] = {}
    if data.retention_days is not msgspec.UNSET:
        changes["retention_days"] = valid_retention_days(data.retention_days)
    if data.erase_on is not msgspec.UNSET:
        changes["erase_on"] = valid_erase_on(data.erase_on)
    async with runtime.sessions() as session, session.begin():
        row = await session.get(TenantSettings, tenant, with_for_update=True)
        if row is None:
            row = TenantSettings(tenant=tenant, retention_days=None, erase_on=None)
            session.add(row)
        for name, value in changes.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
    return settings_out(runtime, tenant, row)


async def retention_plan(session: AsyncSession, default_days: int) -> list[tuple[TenantScope, int]]:
    """Each purge the retention settings call for: a tenant with its own days, and the default
    for every other tenant. ``0`` days keeps everything, so it makes no purge."""
    own = (
        await session.execute(
            select(TenantSettings.tenant, TenantSettings.retention_days).where(
                TenantSettings.retention_days.is_not(None)
            )
        )
    ).all()
    plan = [(TenantScope(only=t), int(days)) for t, days in own if days]
    if default_days:
        plan.append((TenantScope(excluding=tuple(t for t, _ in own)), default_days))
    return plan


async def erase_on_settings(session: AsyncSession) -> dict[str, list[str]]:
    """The tenants with ``erase_on``, and their erasing event types."""
    rows = await session.execute(
        select(TenantSettings.tenant, TenantSettings.erase_on).where(
            TenantSettings.erase_on.is_not(None)
        )
    )
    return {tenant: list(types) for tenant, types in rows if types}


async def retention_lag(runtime: Runtime, now: datetime) -> float:
    """Seconds the oldest overdue event is past its tenant's cutoff (``GET /metrics``)."""
    async with runtime.sessions() as session:
        plan = await retention_plan(session, runtime.settings.retention_days)
    return await overdue_seconds(runtime.sessions, plan, now)
