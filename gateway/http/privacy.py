"""``/v1/erasures`` (forget one person of one tenant) and ``/v1/audit`` (who did what)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import audit, erasure
from gateway.services.access import Principal
from schemas.api import ErasureOut, ErasureRequest


class ErasureController(Controller):
    path = "/v1/erasures"
    dependencies = AUTH
    guards = GUARDS
    tags = ["personal data"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_erasure(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[ErasureRequest],
    ) -> ErasureOut:
        """Erase one person (by subject, email, candidate id or employee id) in one tenant; the
        answer comes once it is done, with what it removed."""
        return await erasure.request_erasure(request.app.state.runtime, principal, data)

    @get("/{erasure_id:str}")
    async def get_erasure(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        erasure_id: FromPath[str],
    ) -> ErasureOut:
        return await erasure.get_erasure(request.app.state.runtime, principal, erasure_id)


class AuditController(Controller):
    path = "/v1/audit"
    dependencies = AUTH
    guards = GUARDS
    tags = ["personal data"]

    @get("/")
    async def list_audit(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        since: FromQuery[str | None] = None,
        actor: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Management actions, newest first (a tenant key: its tenant's)."""
        return await audit.list_audit(
            request.app.state.runtime,
            principal,
            since=since,
            actor=actor,
            action=action,
            limit=limit,
            cursor=cursor,
        )
