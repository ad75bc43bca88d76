"""The one place the gateway's own errors become HTTP answers."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from gateway.services.errors import ServiceError


def service_error_response(request: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    """``{"status_code": N, "detail": "..."}``, Litestar's own error shape."""
    body: dict[str, Any] = {"status_code": exc.status, "detail": exc.detail}
    if exc.extra:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {ServiceError: service_error_response}
