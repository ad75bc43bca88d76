"""Pull streams: each with its acknowledged cursor and its lag."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from gateway.http.console.web import Viewer, render, runtime_of
from gateway.services import streams as service

PAGE = 50


@get("/streams")
async def streams_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    result = await service.list_streams(
        runtime_of(request), viewer.principal, limit=PAGE, cursor=cursor, with_lag=True
    )
    return render(
        request,
        "streams.html",
        viewer,
        streams=result["data"],
        next_cursor=result["next_cursor"],
        lag_bound=service.LAG_BOUND,
    )


ROUTES = [streams_page]
