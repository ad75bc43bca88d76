"""The one place the gateway's own errors become HTTP answers."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from sqlalchemy.exc import DBAPIError

from gateway.core.ids import new_id
from gateway.services.errors import ServiceError

log = logging.getLogger("unihook.http")


def service_error_response(request: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    """``{"status_code": N, "detail": "..."}``, Litestar's own error shape."""
    body: dict[str, Any] = {"status_code": exc.status, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status, headers=exc.headers)


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """Every 500 is logged with its cause under a request id, which the client gets to quote."""
    request_id = new_id("req")
    log.error(
        "500 on %s %s (request_id %s)",
        request.method,
        request.url.path,
        request_id,
        exc_info=exc,
    )
    return Response(
        {"status_code": 500, "detail": "Internal Server Error", "request_id": request_id},
        status_code=500,
    )


def database_unavailable(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A database connection lost in the middle of a request (the server restarted, the
    connection was cut) is ``503`` with ``Retry-After``, as ingest answers it: the process has
    dropped its pooled connections, so a retry gets a fresh one. Any other database error is a
    500."""
    if not exc.connection_invalidated:
        return internal_error(request, exc)
    log.warning(
        "503 on %s %s: the database connection was lost: %s",
        request.method,
        request.url.path,
        exc.orig,
    )
    return Response(
        {"status_code": 503, "detail": "storage unavailable; retry later"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    ServiceError: service_error_response,
    DBAPIError: database_unavailable,
    500: internal_error,
}
