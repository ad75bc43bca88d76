"""Connections: each vendor account of a tenant, its ingest URL, set-up steps and health."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.http.connections import (
    create_connection,
    delete_connection,
    get_connection,
    list_connections,
    rotate_connection_secret,
)
from gateway.http.console.forms import text
from gateway.http.console.vendordocs import setup_guide
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, services_of
from gateway.http.events import list_events
from gateway.services.insights import last_events
from schemas.api import ConnectionCreate, ProvisionRequest, SecretRotate

PAGE = 50


async def _list_page(
    request: Request[Any, Any, Any], who: Viewer, cursor: str | None, **extra: Any
) -> Template:
    services = services_of(request)
    result = await list_connections(services, who.principal, limit=PAGE, cursor=cursor)
    last = await last_events(services, who.principal, [c.id for c in result["data"]])
    return render(
        request,
        "connections.html",
        who,
        connections=result["data"],
        last=last,
        next_cursor=result["next_cursor"],
        providers=services.registry.names(),
        status_code=extra.pop("status_code", 200),
        **extra,
    )


@get("/connections")
async def connections_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    return await _list_page(request, viewer, cursor)


@post("/connections", status_code=303)
async def add_connection(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Template | Redirect:
    """Connect a vendor account by hand (its secret) or have unihook provision it."""
    form = await checked_form(request)
    provision = None
    if text(form, "mode") == "provisioned":
        provision = ProvisionRequest(
            company_id=text(form, "company_id") or "",
            api_token=text(form, "api_token") or "",
            partner_api_key=text(form, "partner_api_key"),
            description=text(form, "description"),
        )
    tenant = viewer.principal.tenant or text(form, "tenant") or ""
    data = ConnectionCreate(
        provider=text(form, "provider") or "",
        tenant=tenant,
        secret=text(form, "secret"),
        verify=form.get("verify") is not None or provision is not None,
        provision=provision,
    )
    try:
        out = await create_connection(services_of(request), viewer.principal, data)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        return await _list_page(
            request, viewer, None, error=exc.detail, status_code=exc.status_code, form=dict(form)
        )
    return done(
        request, f"{BASE}/connections/{out.id}", f"Connected {out.provider} for {out.tenant}."
    )


@get("/connections/{connection_id:str}")
async def connection_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Template:
    services = services_of(request)
    conn = await get_connection(services, viewer.principal, connection_id)
    recent = await list_events(
        services, viewer.principal, tenant=conn.tenant, provider=conn.provider, limit=10
    )
    return render(
        request,
        "connection.html",
        viewer,
        conn=conn,
        recent=[msgspec.json.decode(r.payload) for r in recent],
        guide=setup_guide(conn.provider),
    )


@post("/connections/{connection_id:str}/rotate", status_code=303)
async def rotate(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Redirect:
    form = await checked_form(request)
    hours = text(form, "grace_hours") or "24"
    try:
        grace = int(float(hours) * 3600)
        await rotate_connection_secret(
            services_of(request),
            viewer.principal,
            connection_id,
            SecretRotate(secret=text(form, "secret") or "", previous_expires_in=grace),
        )
    except ValueError:
        return done(request, f"{BASE}/connections/{connection_id}", "Grace period must be hours.")
    except HTTPException as exc:
        if isinstance(exc, NotFoundException):
            raise
        return done(request, f"{BASE}/connections/{connection_id}", f"Not rotated: {exc.detail}")
    return done(
        request,
        f"{BASE}/connections/{connection_id}",
        f"New secret stored; the previous ones verify for {hours} more hours.",
    )


@post("/connections/{connection_id:str}/delete", status_code=303)
async def remove(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Redirect:
    await checked_form(request)
    await delete_connection(services_of(request), viewer.principal, connection_id)
    return done(request, f"{BASE}/connections", f"Deleted connection {connection_id}.")


ROUTES = [connections_page, add_connection, connection_page, rotate, remove]
