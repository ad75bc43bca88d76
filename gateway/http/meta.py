"""Catalogue and operations routes: event types, providers, health, readiness, metrics."""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from gateway.core.clock import utcnow
from gateway.core.metrics import RETENTION_LAG
from gateway.http.auth import AUTH, GUARDS
from gateway.runtime import Runtime
from gateway.services.catalogue import provider_out
from gateway.services.tenants import retention_lag
from gateway.storage.engine import DATABASE_UNAVAILABLE
from schemas import CATALOGUE
from schemas.api import EventTypeOut


@get("/v1/event-types", dependencies=AUTH, guards=GUARDS, tags=["catalogue"])
async def list_event_types(
    request: Request[Any, Any, Any], principal: NamedDependency[Any]
) -> dict[str, Any]:
    """Every canonical type, its description, the providers that emit it, its JSON Schema."""
    runtime: Runtime = request.app.state.runtime
    return {
        "data": [
            EventTypeOut(
                name=t.name,
                description=t.description,
                providers=runtime.registry.emitters(t.name),
                schema=t.json_schema(),
            )
            for t in CATALOGUE.values()
        ],
        "next_cursor": None,
    }


@get("/v1/providers", dependencies=AUTH, guards=GUARDS, tags=["catalogue"])
async def list_providers(
    request: Request[Any, Any, Any], principal: NamedDependency[Any]
) -> dict[str, Any]:
    """Every loaded adapter, built-in or plugin, with its vendor-to-canonical mapping."""
    runtime: Runtime = request.app.state.runtime
    return {
        "data": [provider_out(item) for item in runtime.registry],
        "next_cursor": None,
    }


@get("/healthz", tags=["operations"])
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@get("/readyz", tags=["operations"])
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """The database answers."""
    runtime: Runtime = request.app.state.runtime
    try:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        return Response({"status": "unavailable", "detail": type(exc).__name__}, status_code=503)
    return Response({"status": "ready"})


@get("/metrics", tags=["operations"], include_in_schema=False)
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    runtime: Runtime = request.app.state.runtime
    with contextlib.suppress(*DATABASE_UNAVAILABLE):  # the other metrics still answer
        RETENTION_LAG.set(await retention_lag(runtime, utcnow()))
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
