"""Connections: a vendor account of a tenant, its signing secrets, and its endpoint at the vendor
when unihook provisioned it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import msgspec
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.core.clock import iso, unexpired, utcnow
from gateway.core.crypto import secret_prefix
from gateway.core.ids import new_id
from gateway.runtime import Runtime, awaiting_handshake
from gateway.services import provisioning
from gateway.services.access import Principal
from gateway.services.audit import audited
from gateway.services.common import clamp_limit, page, valid_tenant
from gateway.services.errors import Conflict, Invalid, NotFound
from gateway.storage.locks import lock_connection
from gateway.storage.models import Connection, ConnectionSecret, Receipt
from providers import Completer, ProvisionResult, VendorState
from schemas.api import ConnectionCreate, ConnectionOut, ConnectionUpdate, Provisioned, SecretRotate

MAX_SECRET_GRACE = 10 * 365 * 86400
"""The longest ``previous_expires_in`` a rotation accepts (ten years, in seconds)."""


def ingest_url(runtime: Runtime, provider: str, tenant: str) -> str:
    return f"{runtime.settings.public_url}/ingest/{provider}/{quote(tenant, safe='')}"


def live_secrets(secrets: list[ConnectionSecret]) -> list[ConnectionSecret]:
    """The secrets that still verify now (a rotated-out secret verifies until it expires)."""
    return unexpired(((s, s.expires_at) for s in secrets), utcnow())


def connection_out(
    runtime: Runtime,
    row: Connection,
    secrets: list[ConnectionSecret],
    provisioned: Provisioned | None = None,
) -> ConnectionOut:
    live = live_secrets(secrets)
    return ConnectionOut(
        id=row.id,
        provider=row.provider,
        tenant=row.tenant,
        verify=row.verify,
        secret_prefix=secret_prefix(runtime.box.decrypt(live[0].secret_enc)) if live else None,
        ingest_url=ingest_url(runtime, row.provider, row.tenant),
        created_at=iso(row.created_at) or "",
        secrets=[
            {"id": s.id, "created_at": iso(s.created_at), "expires_at": iso(s.expires_at)}
            for s in live
        ],
        provisioned=provisioned,
        complete=row.complete,
        has_credentials=row.credentials_enc is not None,
    )


def completer_for(runtime: Runtime, provider: str) -> Completer:
    """The provider's completer, or ``Invalid`` saying which providers have one."""
    found = runtime.registry.get(provider).completer if provider in runtime.registry else None
    if found is None:
        able = [item.name for item in runtime.registry if item.adapter.completer]
        raise Invalid(
            f"complete: provider {provider!r} cannot complete its events (only "
            f"{', '.join(able) or 'none'} can)"
        )
    return found


def sealed_credentials(
    runtime: Runtime,
    provider: str,
    credentials: dict[str, Any] | None,
    vendor: VendorState | None,
) -> str | None:
    """Completion credentials checked against the provider's ``credentials_type`` and sealed
    (``Invalid`` naming the bad field); None when a provisioned connection's kept credentials
    serve. ``Invalid`` when neither is there."""
    completer = completer_for(runtime, provider)
    if credentials is not None:
        try:
            value = msgspec.convert(credentials, type=completer.credentials_type)
        except msgspec.ValidationError as exc:
            raise Invalid(f"credentials: {exc}") from None
        return runtime.box.encrypt(msgspec.json.encode(value).decode())
    if vendor is not None and completer.credentials_from(vendor) is not None:
        return None
    raise Invalid(
        f"credentials are required with complete: true (the shape is {provider}'s "
        "completion.credentials_schema in GET /v1/providers)"
    )


async def load_connection(
    runtime: Runtime, principal: Principal, connection_id: str
) -> tuple[Connection, list[ConnectionSecret]]:
    """The connection and its secrets, newest first; ``NotFound`` when not the caller's."""
    async with runtime.sessions() as session:
        row = await session.get(Connection, connection_id)
        if row is None or not principal.can_see(row.tenant):
            raise NotFound("connection not found")
        secrets = list(
            (
                await session.execute(
                    select(ConnectionSecret)
                    .where(ConnectionSecret.connection_id == row.id)
                    .order_by(ConnectionSecret.created_at.desc())
                )
            ).scalars()
        )
    return row, secrets


@audited("connection.create")
async def create_connection(
    runtime: Runtime, principal: Principal, data: ConnectionCreate
) -> ConnectionOut:
    """Connect a vendor account of a tenant (provisioning it at the vendor when asked)."""
    tenant = valid_tenant(data.tenant)
    principal.check(tenant, "tenant")
    if data.provider not in runtime.registry:
        raise Invalid(
            f"unknown provider {data.provider!r}; known: {', '.join(runtime.registry.names())}"
        )
    secrets = [data.secret] if data.secret else []
    result: ProvisionResult | None = None
    url = ingest_url(runtime, data.provider, tenant)
    if data.provision is not None:
        if data.secret:
            raise Invalid(
                "secret must not be given with provision: the vendor makes the endpoint's secret "
                "or unihook chooses it"
            )
        if not data.verify:
            raise Invalid("verify: false cannot be combined with provision")
        provisioner = provisioning.provisioner_for(runtime, data.provider)
        provisioning.parse_request(provisioner, data.provision)  # a 400 before the vendor is asked
        await _check_no_connection(runtime, data.provider, tenant)
        result = await provisioning.provision(runtime, data.provider, tenant, url, data.provision)
        secrets = list(result.secrets)
    elif data.verify and not secrets:
        raise Invalid("secret is required (or set verify: false)")
    credentials_enc: str | None = None
    if data.complete:
        try:
            vendor = (
                provisioning.unseal(runtime, provisioning.seal(runtime, result))
                if result is not None
                else None
            )  # what the connection will keep (no tokens under UNIHOOK_FORGET_VENDOR_TOKENS)
            credentials_enc = sealed_credentials(runtime, data.provider, data.credentials, vendor)
        except Invalid:
            if result is not None:  # nothing half-made
                await provisioning.undo(runtime, data.provider, tenant, url, result)
            raise
    elif data.credentials is not None:
        raise Invalid("credentials are for completion: give them with complete: true")
    now = utcnow()
    row = Connection(
        id=new_id("con"),
        provider=data.provider,
        tenant=tenant,
        verify=data.verify,
        created_at=now,
        vendor_state_enc=provisioning.seal(runtime, result) if result is not None else None,
        complete=data.complete,
        credentials_enc=credentials_enc,
    )
    secret_rows = [
        ConnectionSecret(
            id=new_id("csec"),
            connection_id=row.id,
            secret_enc=runtime.box.encrypt(secret),
            created_at=now,
            expires_at=None,
        )
        for secret in secrets
    ]
    try:
        async with runtime.sessions() as session, session.begin():
            session.add(row)
            await session.flush()
            session.add_all(secret_rows)
    except Exception as exc:
        if result is not None:  # delete the vendor's endpoint: nothing half-made
            await provisioning.undo(runtime, data.provider, tenant, url, result)
        if not isinstance(exc, IntegrityError):
            raise
        raise Conflict(f"a {data.provider} connection for this tenant already exists") from None
    runtime.forget_connections()
    summary = result.summary if result is not None else None
    if result is not None:
        activated = await provisioning.activate(runtime, data.provider, tenant, url, result)
        summary = activated or summary
    return connection_out(runtime, row, secret_rows, summary)


async def list_connections(
    runtime: Runtime,
    principal: Principal,
    *,
    tenant: str | None = None,
    provider: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    n = clamp_limit(limit)
    query = select(Connection).order_by(Connection.id).limit(n + 1)
    if principal.tenant is not None:
        query = query.where(Connection.tenant == principal.tenant)
    if tenant is not None:
        query = query.where(Connection.tenant == tenant)
    if provider is not None:
        query = query.where(Connection.provider == provider)
    if cursor:
        query = query.where(Connection.id > cursor)
    async with runtime.sessions() as session:
        rows = list((await session.execute(query)).scalars())
        secrets = list(
            (
                await session.execute(
                    select(ConnectionSecret)
                    .where(ConnectionSecret.connection_id.in_([r.id for r in rows]))
                    .order_by(ConnectionSecret.created_at.desc())
                )
            ).scalars()
        )
    by_connection: dict[str, list[ConnectionSecret]] = {}
    for s in secrets:
        by_connection.setdefault(s.connection_id, []).append(s)
    out = [connection_out(runtime, r, by_connection.get(r.id, [])) for r in rows]
    return page(out, n, lambda c: c.id)


async def vendor_health(runtime: Runtime, row: Connection) -> Provisioned | None:
    """The vendor's view of a provisioned connection's endpoint (``None`` when made by hand)."""
    if not row.vendor_state_enc:
        return None
    return await provisioning.health(
        runtime,
        row.id,
        row.provider,
        row.tenant,
        row.vendor_state_enc,
        ingest_url(runtime, row.provider, row.tenant),
    )


async def get_connection(
    runtime: Runtime, principal: Principal, connection_id: str
) -> ConnectionOut:
    row, secrets = await load_connection(runtime, principal, connection_id)
    return connection_out(runtime, row, secrets, await vendor_health(runtime, row))


@audited("connection.delete", target="connection_id")
async def delete_connection(runtime: Runtime, principal: Principal, connection_id: str) -> None:
    """Delete a connection, and its endpoint at the vendor when unihook provisioned it."""
    row, _ = await load_connection(runtime, principal, connection_id)
    if row.vendor_state_enc:
        await provisioning.deprovision(
            runtime, row.id, row.provider, row.tenant, row.vendor_state_enc
        )
    async with runtime.sessions() as session, session.begin():
        target = await session.get(Connection, connection_id)
        if target is not None:
            await session.delete(target)
        # requests that never verified belong to no event: nothing else would ever clear them
        await session.execute(
            delete(Receipt).where(
                Receipt.connection_id == connection_id, Receipt.outcome == "unverified"
            )
        )
    runtime.forget_connections()


@audited("connection.rotate_secret")
async def rotate_secret(
    runtime: Runtime, principal: Principal, connection_id: str, data: SecretRotate
) -> ConnectionOut:
    """Add a new secret; the current ones keep verifying for ``previous_expires_in`` seconds,
    or with no expiry when it is ``None`` (a connection holding one secret per vendor webhook)."""
    if not data.secret:
        raise Invalid("secret must not be empty")
    grace = data.previous_expires_in
    if grace is not None and not 0 <= grace <= MAX_SECRET_GRACE:
        raise Invalid(f"previous_expires_in must be between 0 and {MAX_SECRET_GRACE} seconds")
    row, _ = await load_connection(runtime, principal, connection_id)
    async with runtime.sessions() as session, session.begin():
        if not await lock_connection(session, row.id):  # deleted since it was read
            raise NotFound("connection not found")
        await _add_secret(session, runtime, row.id, data.secret, grace)
    runtime.forget_connections()
    row, secrets = await load_connection(runtime, principal, connection_id)
    return connection_out(runtime, row, secrets)


async def sealed_vendor_state(runtime: Runtime, connection_id: str) -> str | None:
    """A connection's encrypted vendor state (None when it has none or is gone)."""
    async with runtime.sessions() as session:
        row = await session.get(Connection, connection_id)
        return row.vendor_state_enc if row is not None else None


async def store_handshake_secret(runtime: Runtime, connection_id: str, secret: str) -> bool:
    """Store the secret a vendor's handshake brought, once its provisioner confirmed it, as the
    connection's signing secret, and mark the handshake done; in one transaction, and only while
    the connection still awaits it (False otherwise: gone, or another process stored it)."""
    async with runtime.sessions() as session, session.begin():
        if not await lock_connection(session, connection_id):
            return False
        row = await session.get(Connection, connection_id)
        if row is None or not awaiting_handshake(runtime.box, row.vendor_state_enc):
            return False
        assert row.vendor_state_enc is not None  # awaiting implies a sealed state
        await _add_secret(session, runtime, row.id, secret, 0)
        row.vendor_state_enc = provisioning.settled(runtime, row.vendor_state_enc)
    runtime.forget_connections()
    return True


async def _add_secret(
    session: AsyncSession, runtime: Runtime, connection_id: str, secret: str, grace: int | None
) -> None:
    """Add a secret to a locked connection; its current ones keep verifying ``grace`` seconds
    (``None``: with no expiry)."""
    now = utcnow()
    if grace is not None:
        expires = now + timedelta(seconds=grace)
        await session.execute(
            update(ConnectionSecret)
            .where(
                ConnectionSecret.connection_id == connection_id,
                (ConnectionSecret.expires_at.is_(None)) | (ConnectionSecret.expires_at > expires),
            )
            .values(expires_at=expires)
        )
    session.add(
        ConnectionSecret(
            id=new_id("csec"),
            connection_id=connection_id,
            secret_enc=runtime.box.encrypt(secret),
            created_at=now,
            expires_at=None,
        )
    )


async def update_connection(
    runtime: Runtime, principal: Principal, connection_id: str, data: ConnectionUpdate
) -> ConnectionOut:
    """``PATCH``: completion (``complete``, ``credentials``), and the endpoint's events or
    description at the vendor for a provisioned connection."""
    at_vendor = data.events is not None or data.description is not None
    completion = data.complete is not None or data.credentials is not None
    if not at_vendor and not completion:
        raise Invalid("nothing to change: give events, description, complete or credentials")
    if completion:
        out = await set_completion(runtime, principal, connection_id, data)
        if not at_vendor:
            return out
    return await change_at_vendor(
        runtime,
        principal,
        connection_id,
        "update",
        ConnectionUpdate(events=data.events, description=data.description),
    )


@audited("connection.completion", target="connection_id")
async def set_completion(
    runtime: Runtime, principal: Principal, connection_id: str, data: ConnectionUpdate
) -> ConnectionOut:
    """Turn completion on or off, or change its credentials (checked by the provider's
    ``credentials_type``; a provisioned connection's kept credentials serve when none are
    given). Turning it off forgets the credentials."""
    row, _ = await load_connection(runtime, principal, connection_id)
    complete = row.complete if data.complete is None else data.complete
    if not complete and data.credentials is not None:
        raise Invalid("credentials are for completion: give them with complete: true")
    sealed: str | None = None
    if complete:
        if data.credentials is None and row.credentials_enc is not None:
            sealed = row.credentials_enc  # kept: only ``complete`` was given
        else:
            vendor = (
                provisioning.unseal(runtime, row.vendor_state_enc) if row.vendor_state_enc else None
            )
            sealed = sealed_credentials(runtime, row.provider, data.credentials, vendor)
    async with runtime.sessions() as session, session.begin():
        if not await lock_connection(session, row.id):
            raise NotFound("connection not found")
        await session.execute(
            update(Connection)
            .where(Connection.id == row.id)
            .values(complete=complete, credentials_enc=sealed)
        )
    runtime.forget_connections()
    row, secrets = await load_connection(runtime, principal, connection_id)
    return connection_out(runtime, row, secrets)


@audited("connection.change")
async def change_at_vendor(
    runtime: Runtime,
    principal: Principal,
    connection_id: str,
    action: str,
    data: ConnectionUpdate | None = None,
) -> ConnectionOut:
    """``update`` (events, description), ``pause`` or ``resume`` the endpoint at the vendor."""
    row, secrets = await load_connection(runtime, principal, connection_id)
    if not row.vendor_state_enc:
        raise Invalid(
            "this connection was not provisioned by unihook: change its webhook at the vendor"
        )
    if action == "update" and (data is None or (data.events is None and data.description is None)):
        raise Invalid("nothing to change: give events or description")
    sealed, shown = await provisioning.change(
        runtime,
        row.id,
        row.provider,
        row.tenant,
        row.vendor_state_enc,
        events=data.events if data else None,
        description=data.description if data else None,
        action=action,
        ingest_url=ingest_url(runtime, row.provider, row.tenant),
    )
    async with runtime.sessions() as session, session.begin():
        target = await session.get(Connection, row.id)
        if target is None:
            raise NotFound("connection not found")
        target.vendor_state_enc = sealed
    return connection_out(runtime, row, secrets, shown)


async def _check_no_connection(runtime: Runtime, provider: str, tenant: str) -> None:
    async with runtime.sessions() as session:
        existing = await session.scalar(
            select(Connection.id).where(
                Connection.provider == provider, Connection.tenant == tenant
            )
        )
    if existing is not None:
        raise Conflict(f"a {provider} connection for this tenant already exists")
