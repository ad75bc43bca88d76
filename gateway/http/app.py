"""The Litestar application: routes, lifespan (schema, ingest writer, dispatcher), OpenAPI."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from litestar import Litestar, Request, Response
from litestar.exceptions import NotFoundException
from litestar.openapi.spec import OpenAPI

from gateway.core.clock import utcnow
from gateway.core.settings import Settings
from gateway.delivery.dispatcher import Dispatcher
from gateway.http.apidocs import assets_router, describe_when_built, openapi_config
from gateway.http.auth import remember_client
from gateway.http.connections import ConnectionController
from gateway.http.console import ConsoleHeaders, console_routers, template_config
from gateway.http.console import unrouted as console_unrouted
from gateway.http.deliveries import event_deliveries, redeliver_event
from gateway.http.errors import EXCEPTION_HANDLERS
from gateway.http.errors_doc import describe_errors
from gateway.http.events import EventController
from gateway.http.ingest import describe_ingest, ingest
from gateway.http.meta import healthz, list_event_types, list_providers, metrics, readyz
from gateway.http.openapi import describe_provisioning
from gateway.http.privacy import AuditController, ErasureController
from gateway.http.server import BodyDeadline
from gateway.http.streams import StreamController
from gateway.http.subscriptions import SubscriptionController
from gateway.http.tenants import TenantSettingsController
from gateway.ingest.pipeline import IngestWriter
from gateway.runtime import Runtime
from gateway.services.completion import CompletionWorker
from gateway.services.maintenance import Maintenance
from gateway.services.provisioning import renewal_loop


def _too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[dict[str, Any]]:
    """msgspec refuses JSON nested deeper than it can decode with ``RecursionError``, which
    Litestar does not map: it is the client's body, so a 400, not a 500."""
    return Response(
        {"status_code": 400, "detail": "request body is nested too deeply"}, status_code=400
    )


def settle_heap() -> None:
    """Hide what start-up made (modules, routes, SQLAlchemy's caches: hundreds of thousands of
    long-lived objects) from the cyclic garbage collector. Otherwise every full collection walks
    them all while requests wait: 50-70 ms pauses, measured as the ingest p99 under load."""
    gc.collect()
    gc.freeze()


@dataclass(frozen=True, slots=True)
class Launch:
    """What an app runs on when it starts, kept on ``app.state.launch``: read at each start, so
    one built app (registering its routes costs about a third of a second) can be started again
    on another runtime, as the tests do."""

    settings: Settings
    runtime: Runtime | None = None  # given (tests share them), else built on start and owned
    run_worker: bool = True
    migrate: bool = True


@contextlib.asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start what ``app.state.launch`` names (schema, ingest writer, and unless told not to the
    dispatcher, completion, maintenance and renewals), and stop it all in reverse."""
    launch: Launch = app.state.launch
    owned = launch.runtime is None
    svc = launch.runtime if launch.runtime is not None else Runtime.build(launch.settings)
    if launch.migrate:
        await svc.migrate()
    writer = IngestWriter(svc)
    app.state.runtime = svc
    app.state.ingest_writer = writer
    app.state.console = None  # made on first use: its sessions are signed with this runtime's key
    await writer.start()
    run_worker = launch.run_worker
    worker = Dispatcher(svc, now=utcnow) if run_worker else None
    completion = CompletionWorker(svc, now=utcnow) if run_worker else None
    maintenance = Maintenance(svc, now=utcnow) if run_worker else None
    renewal = None
    if worker is not None:
        await worker.start()
    if completion is not None:
        await completion.start()
        renewal = asyncio.create_task(renewal_loop(svc), name="unihook-vendor-renewal")
    if maintenance is not None:
        maintenance.start()
    if owned:
        settle_heap()
    try:
        yield
    finally:
        if maintenance is not None:
            await maintenance.stop()
        if renewal is not None:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
        if completion is not None:
            await completion.stop()
        if worker is not None:
            await worker.stop()
        await writer.stop()
        if owned:
            await svc.close()


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    run_worker: bool = True,
    migrate: bool = True,
) -> Litestar:
    """Build the app. ``runtime`` may be given (tests share them); otherwise built on start."""
    settings = settings or (runtime.settings if runtime else Settings.from_env())
    route_handlers: list[Any] = [
        ingest,
        ConnectionController,
        EventController,
        list_event_types,
        list_providers,
        healthz,
        readyz,
        metrics,
        StreamController,
        SubscriptionController,
        ErasureController,
        AuditController,
        TenantSettingsController,
        event_deliveries,
        redeliver_event,
        *console_routers(),
        assets_router(),
    ]

    app = Litestar(
        route_handlers=route_handlers,
        lifespan=[lifespan],
        exception_handlers={
            RecursionError: _too_deep,
            NotFoundException: console_unrouted,
            **EXCEPTION_HANDLERS,
        },
        middleware=[remember_client, ConsoleHeaders(), BodyDeadline(settings.body_timeout)],
        openapi_config=openapi_config(),
        template_config=template_config(),
        debug=False,
    )
    app.state.launch = Launch(settings, runtime, run_worker, migrate)
    registry = runtime.registry if runtime else None

    def describe(document: OpenAPI) -> None:
        describe_ingest(document)
        describe_provisioning(document, registry)
        describe_errors(document)

    describe_when_built(app, describe)
    return app
