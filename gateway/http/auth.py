"""The management routes' bearer key: ``Authorization: Bearer <key>``, checked by a guard.

Litestar runs guards before it reads and decodes a body, so a request without a valid key is
refused before any of its body is read; the ``principal`` dependency then hands the guard's
finding to the handler.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send

from gateway.runtime import Runtime
from gateway.services.access import Principal, authenticate
from gateway.services.audit import remote_address


async def _principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    runtime: Runtime = connection.app.state.runtime
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException("missing bearer key")
    principal = await authenticate(runtime, token)
    if principal is None:
        raise NotAuthorizedException("invalid bearer key")
    return principal


async def require_key(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The guard: find the caller before anything reads the body."""
    connection.state.principal = await _principal(connection)


async def principal_from_request(request: Request[Any, Any, Any]) -> Principal:
    """The caller, as ``require_key`` found it (or found now on a route without the guard)."""
    found: Principal | None = request.state.get("principal")
    return found if found is not None else await _principal(request)


def remember_client(app: ASGIApp) -> ASGIApp:
    """Middleware: the client's address, for the audit log of whatever this request changes."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            remote_address.set(client[0] if client else None)
        await app(scope, receive, send)

    return middleware


AUTH = {"principal": Provide(principal_from_request)}
GUARDS = [require_key]  # with AUTH on every management route
