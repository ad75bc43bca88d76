"""Connections: each vendor account of a tenant, its ingest URL, set-up steps and health."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures.multi_dicts import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text
from gateway.http.console.vendordocs import setup_guide
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.runtime import Runtime
from gateway.services import connections as service
from gateway.services import unverified
from gateway.services.catalogue import completion_out, provisioning_out
from gateway.services.errors import Invalid, NotFound, ServiceError
from gateway.services.events import list_events
from gateway.services.insights import last_events
from schemas.api import ConnectionCreate, ConnectionUpdate, SecretRotate

PAGE = 50
SECRET_WORDS = ("token", "key", "secret", "password")


def names_a_secret(field: str) -> bool:
    """Whether a form field holds a credential: never echoed back into a form."""
    return field == "secret" or any(word in field for word in SECRET_WORDS)


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a vendor's provisioning form, read from its request shape's JSON Schema."""

    name: str
    required: bool
    is_list: bool
    is_secret: bool
    hint: str


@dataclass(frozen=True, slots=True)
class Provisionable:
    provider: str
    fields: list[Field]
    capabilities: list[str]


def schema_fields(schema: dict[str, Any]) -> list[Field]:
    """A form's inputs from a msgspec Struct's JSON Schema."""
    ref = str(schema.get("$ref", "")).rsplit("/", 1)[-1]
    body = schema.get("$defs", {}).get(ref, schema)
    required = set(body.get("required", []))
    return [
        Field(
            name=name,
            required=name in required,
            is_list=spec.get("type") == "array" or "array" in str(spec.get("anyOf", "")),
            is_secret=any(word in name for word in SECRET_WORDS),
            hint=str(spec.get("description", "")),
        )
        for name, spec in body.get("properties", {}).items()
    ]


def provisionable(runtime: Runtime) -> dict[str, Provisionable]:
    """Every loaded adapter whose vendor unihook can set up, with its form's fields."""
    out: dict[str, Provisionable] = {}
    for item in runtime.registry:
        shown = provisioning_out(item)
        if shown is None:
            continue
        fields = schema_fields(shown.request_schema)
        out[item.name] = Provisionable(item.name, fields, list(shown.capabilities))
    return out


def completable(runtime: Runtime) -> dict[str, list[Field]]:
    """Every loaded adapter that can complete its thin events, with its credentials' fields."""
    return {
        item.name: schema_fields(shown.credentials_schema)
        for item in runtime.registry
        if (shown := completion_out(item)) is not None
    }


def credential_lines(value: str | None) -> dict[str, str] | None:
    """``KEY=VALUE`` lines (the connection form's credentials box) as a credentials object."""
    if not value:
        return None
    found: dict[str, str] = {}
    for line in value.splitlines():
        key, equals, item = line.strip().partition("=")
        if not line.strip():
            continue
        if not equals or not key.strip():
            raise Invalid("credentials: one KEY=VALUE a line")
        found[key.strip()] = item.strip()
    return found or None


def secret_hints(runtime: Runtime) -> dict[str, str]:
    """Which value to paste as the secret, per vendor whose adapter says."""
    return {item.name: h for item in runtime.registry if (h := item.adapter.secret_hint)}


def provision_block(form: FormMultiDict, spec: Provisionable) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for field in spec.fields:
        value = text(form, f"provision.{field.name}")
        if value is None:
            continue
        block[field.name] = (
            [v.strip() for v in value.replace(",", " ").split() if v.strip()]
            if field.is_list
            else value
        )
    return block


@get("/connections")
async def connections_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    runtime = runtime_of(request)
    result = await service.list_connections(runtime, viewer.principal, limit=PAGE, cursor=cursor)
    last = await last_events(runtime, viewer.principal, [c.id for c in result["data"]])
    return render(
        request,
        "connections.html",
        viewer,
        connections=result["data"],
        last=last,
        next_cursor=result["next_cursor"],
    )


def _new_page(
    request: Request[Any, Any, Any],
    who: Viewer,
    status_code: int = 200,
    error: str | None = None,
    form: FormMultiDict | None = None,
) -> Template:
    """The forms that add a connection; after a refusal, with what was typed (but secrets)."""
    runtime = runtime_of(request)
    kept = {
        name: value
        for name, value in (form or FormMultiDict()).items()
        if isinstance(value, str) and name != "csrf_token" and not names_a_secret(name)
    }
    return render(
        request,
        "connection_new.html",
        who,
        status_code=status_code,
        error=error,
        form=kept,
        providers=runtime.registry.names(),
        secret_hints=secret_hints(runtime),
        provisionable=provisionable(runtime),
        completable=completable(runtime),
    )


@get("/connections/new")
async def new_connection_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Template:
    return _new_page(request, viewer)


@post("/connections", status_code=303)
async def add_connection(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Template | Redirect:
    """Connect a vendor account by hand (its secret) or have unihook provision it."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    provider = text(form, "provider") or ""
    provision = None
    if text(form, "mode") == "provisioned":
        spec = provisionable(runtime).get(provider)
        provision = provision_block(form, spec) if spec else {}
    try:
        data = ConnectionCreate(
            provider=provider,
            tenant=viewer.principal.tenant or text(form, "tenant") or "",
            secret=None if provision is not None else text(form, "secret"),
            verify=provision is not None or form.get("verify") is not None,
            provision=provision,
            complete=form.get("complete") is not None,
            credentials=credential_lines(text(form, "credentials")),
        )
        out = await service.create_connection(runtime, viewer.principal, data)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return _new_page(request, viewer, exc.status, exc.detail, form)
    return done(
        request, f"{BASE}/connections/{out.id}", f"Connected {out.provider} for {out.tenant}."
    )


@get("/connections/{connection_id:str}")
async def connection_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Template:
    runtime = runtime_of(request)
    conn = await service.get_connection(runtime, viewer.principal, connection_id)
    recent = msgspec.json.decode(
        await list_events(
            runtime, viewer.principal, tenant=conn.tenant, provider=conn.provider, limit=10
        )
    )
    spec = provisionable(runtime).get(conn.provider)
    kept = await unverified.list_unverified(runtime, viewer.principal, conn.id, limit=20)
    return render(
        request,
        "connection.html",
        viewer,
        conn=conn,
        recent=recent["data"],
        unverified=kept["data"],
        unverified_count=await unverified.count_unverified(runtime, conn.id),
        guide=setup_guide(conn.provider) if viewer.is_admin else None,
        secret_hint=secret_hints(runtime).get(conn.provider),
        capabilities=spec.capabilities if spec and conn.provisioned else [],
        credential_fields=completable(runtime).get(conn.provider),
    )


@post("/connections/{connection_id:str}/completion", status_code=303)
async def change_completion(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Redirect:
    """Turn completion on (with the credentials typed, or those kept) or off."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    turn_on = text(form, "complete") == "on"
    credentials = {
        key.removeprefix("credential."): value
        for key in form
        if key.startswith("credential.") and (value := text(form, key))
    }
    change = ConnectionUpdate(complete=turn_on, credentials=credentials or None)
    try:
        await service.set_completion(runtime, viewer.principal, connection_id, change)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(connection_id), f"Not changed: {exc.detail}")
    said = "Completing thin events." if turn_on else "Thin events now go out as they come."
    return done(request, _back(connection_id), said)


def _back(connection_id: str) -> str:
    return f"{BASE}/connections/{connection_id}"


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
    except (ValueError, OverflowError):  # not a number, or no number of seconds (inf)
        return done(
            request, _back(connection_id), "Not rotated: the grace period is in hours.", failed=True
        )
    try:
        await service.rotate_secret(
            runtime_of(request),
            viewer.principal,
            connection_id,
            SecretRotate(secret=text(form, "secret") or "", previous_expires_in=grace),
        )
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(connection_id), f"Not rotated: {exc.detail}", failed=True)
    return done(
        request,
        _back(connection_id),
        f"New secret stored; the previous ones verify for {hours} more hours.",
    )


@post("/connections/{connection_id:str}/reverify", status_code=303)
async def reverify(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
) -> Redirect:
    """Re-check the kept unverified requests against the current secrets (after fixing one)."""
    await checked_form(request)
    result = await unverified.reverify(
        runtime_of(request), request.app.state.ingest_writer, viewer.principal, connection_id
    )
    return done(
        request,
        _back(connection_id),
        f"Re-verified: {result.recovered} recovered and ingested, "
        f"{result.still_unverified} still do not verify.",
    )


@post("/connections/{connection_id:str}/{action:str}", status_code=303)
async def at_vendor(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    connection_id: FromPath[str],
    action: FromPath[str],
) -> Redirect:
    """``pause`` or ``resume`` the endpoint at the vendor, or ``delete`` the connection."""
    await checked_form(request)
    runtime = runtime_of(request)
    if action == "delete":
        await service.delete_connection(runtime, viewer.principal, connection_id)
        return done(request, f"{BASE}/connections", f"Deleted connection {connection_id}.")
    if action not in ("pause", "resume"):
        raise NotFound("no such action")
    try:
        await service.change_at_vendor(runtime, viewer.principal, connection_id, action)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(connection_id), f"Not done: {exc.detail}", failed=True)
    return done(request, _back(connection_id), f"The vendor's endpoint is {action}d.")


ROUTES = [
    connections_page,
    new_connection_page,
    add_connection,
    connection_page,
    rotate,
    reverify,
    at_vendor,
    change_completion,
]
