"""``/v1/streams``: pull consumers read events after a server-side cursor and acknowledge them."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import streams
from gateway.services.access import Principal
from schemas.api import StreamAck, StreamCreate, StreamOut, StreamRead


class StreamController(Controller):
    path = "/v1/streams"
    dependencies = AUTH
    guards = GUARDS
    tags = ["streams"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[StreamCreate],
    ) -> StreamOut:
        """A cursor over the events matching ``events`` (and ``tenants``, ``filter``), from the
        oldest kept."""
        return await streams.create_stream(request.app.state.runtime, principal, data)

    @get("/")
    async def list_streams(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await streams.list_streams(
            request.app.state.runtime, principal, limit=limit, cursor=cursor
        )

    @get("/{stream_id:str}")
    async def get_stream(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        stream_id: FromPath[str],
    ) -> StreamOut:
        """The stream with its acknowledged cursor and lag (events after it, counted to 1001)."""
        return await streams.get_stream(request.app.state.runtime, principal, stream_id)

    @delete("/{stream_id:str}", status_code=HTTP_200_OK)
    async def delete_stream(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        stream_id: FromPath[str],
    ) -> dict[str, bool]:
        await streams.delete_stream(request.app.state.runtime, principal, stream_id)
        return {"success": True}

    @get("/{stream_id:str}/events")
    async def read(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        stream_id: FromPath[str],
        limit: FromQuery[int | None] = None,
        wait: FromQuery[float | None] = None,
    ) -> StreamRead:
        """The next events after the acknowledged cursor (long-polling up to ``wait`` seconds,
        at most 30); reading does not move the cursor, acknowledging does."""
        return await streams.read_stream(
            request.app.state.runtime, principal, stream_id, limit=limit, wait=wait
        )

    @post("/{stream_id:str}/ack", status_code=HTTP_200_OK)
    async def ack(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        stream_id: FromPath[str],
        data: JSONBody[StreamAck],
    ) -> StreamOut:
        """Move the cursor forward to a cursor a read of this stream returned."""
        return await streams.ack_stream(request.app.state.runtime, principal, stream_id, data)
