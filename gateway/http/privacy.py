"""``/v1/erasures``: forget one person of one tenant."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import erasure
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
