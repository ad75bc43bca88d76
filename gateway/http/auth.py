"""The management routes' bearer-key dependency: ``Authorization: Bearer <key>``."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException

from gateway.runtime import Runtime
from gateway.services.access import Principal, authenticate


async def principal_from_request(request: Request[Any, Any, Any]) -> Principal:
    runtime: Runtime = request.app.state.services
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("missing bearer key")
    principal = await authenticate(runtime, token)
    if principal is None:
        raise NotAuthorizedException("invalid bearer key")
    return principal


AUTH = {"principal": Provide(principal_from_request)}
