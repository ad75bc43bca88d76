"""Delivery visibility routes: an event's deliveries with every attempt, and redelivery."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import deliveries
from gateway.services.access import Principal
from schemas.api import Enqueued, RedeliverRequest


@get("/v1/events/{event_id:str}/deliveries", dependencies=AUTH, guards=GUARDS, tags=["events"])
async def event_deliveries(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    event_id: FromPath[str],
) -> dict[str, Any]:
    """Every delivery of an event (to the subscriptions the key can see), each with its
    attempts: time, status code, latency, response snippet, error."""
    return await deliveries.event_deliveries(request.app.state.runtime, principal, event_id)


@post(
    "/v1/events/{event_id:str}/redeliver",
    dependencies=AUTH,
    guards=GUARDS,
    tags=["events"],
    status_code=HTTP_202_ACCEPTED,
)
async def redeliver_event(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    event_id: FromPath[str],
    data: JSONBody[RedeliverRequest | None] = None,
) -> Enqueued:
    """Queue the event again: to one subscription, or to every matching one."""
    target = data.subscription_id if data is not None else None
    return await deliveries.redeliver_event(request.app.state.runtime, principal, event_id, target)
