"""``/v1/connections``: a vendor account of a tenant, with its signing secrets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_409_CONFLICT
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from gateway.core.crypto import secret_prefix
from gateway.core.ids import new_id
from gateway.http.auth import Principal
from gateway.http.common import AUTH, clamp_limit, iso, page, valid_tenant
from gateway.runtime import Runtime, utcnow
from gateway.storage.models import Connection, ConnectionSecret
from schemas.api import ConnectionCreate, ConnectionOut, Provisioned, SecretRotate


def ingest_url(services: Runtime, provider: str, tenant: str) -> str:
    return f"{services.settings.public_url}/ingest/{provider}/{quote(tenant, safe='')}"


def connection_out(
    services: Runtime,
    row: Connection,
    secrets: list[ConnectionSecret],
    provisioned: Provisioned | None = None,
) -> ConnectionOut:
    now = utcnow()
    live = [s for s in secrets if s.expires_at is None or s.expires_at > now]
    return ConnectionOut(
        id=row.id,
        provider=row.provider,
        tenant=row.tenant,
        verify=row.verify,
        secret_prefix=secret_prefix(services.box.decrypt(live[0].secret_enc)) if live else None,
        ingest_url=ingest_url(services, row.provider, row.tenant),
        created_at=iso(row.created_at) or "",
        secrets=[
            {"id": s.id, "created_at": iso(s.created_at), "expires_at": iso(s.expires_at)}
            for s in live
        ],
        provisioned=provisioned,
    )


async def load_connection(services: Runtime, principal: Principal, connection_id: str) -> Any:
    async with services.sessions() as session:
        row = await session.get(Connection, connection_id)
        if row is None or not principal.can_see(row.tenant):
            raise NotFoundException("connection not found")
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


async def create_connection(
    services: Runtime, principal: Principal, data: ConnectionCreate
) -> ConnectionOut:
    """Connect a vendor account of a tenant (provisioning it at the vendor when asked)."""
    tenant = valid_tenant(data.tenant)
    principal.check(tenant, "tenant")
    if data.provider not in services.registry:
        raise ValidationException(
            f"unknown provider {data.provider!r}; known: {', '.join(services.registry.names())}"
        )
    provisioned: Provisioned | None = None
    vendor: dict[str, Any] = {}
    secret = data.secret
    if data.provision is not None:
        from gateway.services.provisioning import provision

        secret, provisioned, vendor = await provision(services, data.provider, tenant, data)
    elif data.verify and not secret:
        raise ValidationException("secret is required (or set verify: false)")
    now = utcnow()
    row = Connection(
        id=new_id("con"),
        provider=data.provider,
        tenant=tenant,
        verify=data.verify,
        created_at=now,
        **vendor,
    )
    secrets = (
        [
            ConnectionSecret(
                id=new_id("csec"),
                connection_id=row.id,
                secret_enc=services.box.encrypt(secret),
                created_at=now,
                expires_at=None,
            )
        ]
        if secret
        else []
    )
    try:
        async with services.sessions() as session, session.begin():
            session.add(row)
            await session.flush()
            session.add_all(secrets)
    except Exception as exc:
        if provisioned is not None:  # delete the vendor's endpoint: nothing half-made
            from gateway.services.provisioning import undo_provision

            await undo_provision(services, row, data)
        if not isinstance(exc, IntegrityError):
            raise
        raise ClientException(
            f"a {data.provider} connection for this tenant already exists",
            status_code=HTTP_409_CONFLICT,
        ) from None
    services.forget_connections()
    return connection_out(services, row, secrets, provisioned)


class ConnectionController(Controller):
    path = "/v1/connections"
    dependencies = AUTH
    tags = ["connections"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[ConnectionCreate],
    ) -> ConnectionOut:
        """Connect a vendor account of a tenant; the secret is stored encrypted."""
        return await create_connection(request.app.state.services, principal, data)

    @get("/")
    async def list_connections(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant: FromQuery[str | None] = None,
        provider: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        services: Runtime = request.app.state.services
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
        async with services.sessions() as session:
            rows = list((await session.execute(query)).scalars())
            ids = [r.id for r in rows]
            secrets = list(
                (
                    await session.execute(
                        select(ConnectionSecret)
                        .where(ConnectionSecret.connection_id.in_(ids))
                        .order_by(ConnectionSecret.created_at.desc())
                    )
                ).scalars()
            )
        by_conn: dict[str, list[ConnectionSecret]] = {}
        for s in secrets:
            by_conn.setdefault(s.connection_id, []).append(s)
        out = [connection_out(services, r, by_conn.get(r.id, [])) for r in rows]
        return page(out, n, lambda c: c.id)

    @get("/{connection_id:str}")
    async def get_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> ConnectionOut:
        services: Runtime = request.app.state.services
        row, secrets = await load_connection(services, principal, connection_id)
        provisioned = None
        if row.vendor_endpoint_id:
            from gateway.services.provisioning import vendor_health

            provisioned = await vendor_health(services, row)
        return connection_out(services, row, secrets, provisioned)

    @delete("/{connection_id:str}", status_code=HTTP_200_OK)
    async def delete_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> dict[str, bool]:
        """Delete a connection (and its endpoint at the vendor, when unihook provisioned it)."""
        services: Runtime = request.app.state.services
        row, _ = await load_connection(services, principal, connection_id)
        if row.vendor_endpoint_id:
            from gateway.services.provisioning import deprovision

            await deprovision(services, row)
        async with services.sessions() as session, session.begin():
            target = await session.get(Connection, connection_id)
            if target is not None:
                await session.delete(target)
        services.forget_connections()
        return {"success": True}

    @post("/{connection_id:str}/secrets", status_code=HTTP_200_OK)
    async def rotate_secret(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
        data: JSONBody[SecretRotate],
    ) -> ConnectionOut:
        """Add a new secret; the current ones keep verifying for ``previous_expires_in`` s."""
        services: Runtime = request.app.state.services
        if not data.secret:
            raise ValidationException("secret must not be empty")
        if data.previous_expires_in < 0:
            raise ValidationException("previous_expires_in must not be negative")
        row, _ = await load_connection(services, principal, connection_id)
        now = utcnow()
        expires = now + timedelta(seconds=data.previous_expires_in)
        async with services.sessions() as session, session.begin():
            await session.execute(
                update(ConnectionSecret)
                .where(
                    ConnectionSecret.connection_id == row.id,
                    (ConnectionSecret.expires_at.is_(None))
                    | (ConnectionSecret.expires_at > expires),
                )
                .values(expires_at=expires)
            )
            session.add(
                ConnectionSecret(
                    id=new_id("csec"),
                    connection_id=row.id,
                    secret_enc=services.box.encrypt(data.secret),
                    created_at=now,
                    expires_at=None,
                )
            )
        services.forget_connections()
        row, secrets = await load_connection(services, principal, connection_id)
        return connection_out(services, row, secrets)
