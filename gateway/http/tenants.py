"""``/v1/tenants/{tenant}/settings``: a tenant's retention and ``erase_on`` (admin keys only)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from gateway.http.auth import AUTH, GUARDS
from gateway.services import tenants
from gateway.services.access import Principal
from schemas.api import TenantSettingsOut, TenantSettingsUpdate


class TenantSettingsController(Controller):
    path = "/v1/tenants/{tenant:str}/settings"
    dependencies = AUTH
    guards = GUARDS
    tags = ["personal data"]

    @get("/")
    async def get_tenant_settings(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant: FromPath[str],
    ) -> TenantSettingsOut:
        return await tenants.get_settings(request.app.state.runtime, principal, tenant)

    @put("/")
    async def put_tenant_settings(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant: FromPath[str],
        data: JSONBody[TenantSettingsUpdate],
    ) -> TenantSettingsOut:
        """``retention_days`` (null: the default, 0: keep everything) and ``erase_on``."""
        return await tenants.put_settings(request.app.state.runtime, principal, tenant, data)
