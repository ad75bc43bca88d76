"""``/v1/connections``: a vendor account of a tenant, with its signing secrets."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import connections, unverified
from gateway.services.access import Principal
from schemas.api import ConnectionCreate, ConnectionOut, ConnectionUpdate, SecretRotate


class ConnectionController(Controller):
    path = "/v1/connections"
    dependencies = AUTH
    guards = GUARDS
    tags = ["connections"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[ConnectionCreate],
    ) -> ConnectionOut:
        """Connect a vendor account of a tenant; with ``provision``, the vendor's endpoint is
        created through its API. The secret is stored encrypted."""
        return await connections.create_connection(request.app.state.runtime, principal, data)

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
        return await connections.list_connections(
            request.app.state.runtime,
            principal,
            tenant=tenant,
            provider=provider,
            limit=limit,
            cursor=cursor,
        )

    @get("/{connection_id:str}")
    async def get_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> ConnectionOut:
        """A connection, with the vendor's view of its endpoint when unihook provisioned it."""
        return await connections.get_connection(request.app.state.runtime, principal, connection_id)

    @patch("/{connection_id:str}")
    async def update_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
        data: JSONBody[ConnectionUpdate],
    ) -> ConnectionOut:
        """Change whether (and with which vendor API credentials) the connection completes thin
        events, and a provisioned endpoint's events or description at the vendor."""
        return await connections.update_connection(
            request.app.state.runtime, principal, connection_id, data
        )

    @post("/{connection_id:str}/pause", status_code=HTTP_200_OK)
    async def pause_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> ConnectionOut:
        """Pause a provisioned endpoint at the vendor (where its API can)."""
        return await connections.change_at_vendor(
            request.app.state.runtime, principal, connection_id, "pause"
        )

    @post("/{connection_id:str}/resume", status_code=HTTP_200_OK)
    async def resume_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> ConnectionOut:
        """Resume a paused provisioned endpoint at the vendor."""
        return await connections.change_at_vendor(
            request.app.state.runtime, principal, connection_id, "resume"
        )

    @delete("/{connection_id:str}", status_code=HTTP_200_OK)
    async def delete_connection(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> dict[str, bool]:
        """Delete a connection (and its endpoint at the vendor, when unihook provisioned it)."""
        await connections.delete_connection(request.app.state.runtime, principal, connection_id)
        return {"success": True}

    @post("/{connection_id:str}/secrets", status_code=HTTP_200_OK)
    async def rotate_secret(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
        data: JSONBody[SecretRotate],
    ) -> ConnectionOut:
        """Add a new secret; the current ones keep verifying for ``previous_expires_in`` s
        (``null``: with no expiry, for connections holding one secret per vendor webhook)."""
        return await connections.rotate_secret(
            request.app.state.runtime, principal, connection_id, data
        )

    @get("/{connection_id:str}/unverified")
    async def list_unverified(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Requests to this connection whose signature did not verify, newest first: when, the
        vendor headers, and why (never the body). Kept for ``UNIHOOK_UNVERIFIED_TTL`` seconds,
        at most ``UNIHOOK_UNVERIFIED_PER_CONNECTION``."""
        return await unverified.list_unverified(
            request.app.state.runtime, principal, connection_id, limit=limit, cursor=cursor
        )

    @post("/{connection_id:str}/unverified/verify", status_code=HTTP_200_OK)
    async def reverify_unverified(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        connection_id: FromPath[str],
    ) -> dict[str, int]:
        """Check every kept unverified request against the connection's current secrets; each
        that verifies now is ingested as if it had just arrived (dedup, normalisation, fan-out).
        """
        result = await unverified.reverify(
            request.app.state.runtime,
            request.app.state.ingest_writer,
            principal,
            connection_id,
        )
        return {"recovered": result.recovered, "still_unverified": result.still_unverified}
