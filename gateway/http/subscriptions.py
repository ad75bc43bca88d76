"""``/v1/subscriptions``: where normalised events are re-emitted."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from gateway.http.auth import AUTH, GUARDS
from gateway.services import subscriptions
from gateway.services.access import Principal
from schemas.api import (
    Enqueued,
    FilterMatch,
    FilterTest,
    ReplayRequest,
    SecretOut,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionUpdate,
)


class SubscriptionController(Controller):
    path = "/v1/subscriptions"
    dependencies = AUTH
    guards = GUARDS
    tags = ["subscriptions"]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[SubscriptionCreate],
    ) -> SubscriptionOut:
        """Subscribe a URL to event patterns; the signing secret is in this answer only."""
        return await subscriptions.create_subscription(request.app.state.runtime, principal, data)

    @get("/")
    async def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        return await subscriptions.list_subscriptions(
            request.app.state.runtime, principal, limit=limit, cursor=cursor
        )

    @get("/{subscription_id:str}")
    async def get_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        return await subscriptions.get_subscription(
            request.app.state.runtime, principal, subscription_id
        )

    @put("/{subscription_id:str}")
    async def update_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[SubscriptionUpdate],
    ) -> SubscriptionOut:
        """Change only the fields given (``null`` clears description, tenants, providers)."""
        return await subscriptions.update_subscription(
            request.app.state.runtime, principal, subscription_id, data
        )

    @delete("/{subscription_id:str}", status_code=HTTP_200_OK)
    async def delete_subscription(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> dict[str, bool]:
        """Delete it with its queued deliveries and their history."""
        await subscriptions.delete_subscription(
            request.app.state.runtime, principal, subscription_id
        )
        return {"success": True}

    @post("/{subscription_id:str}/pause", status_code=HTTP_200_OK)
    async def pause(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        """Hold deliveries: matching events keep queueing and are sent on resume."""
        return await subscriptions.set_status(
            request.app.state.runtime, principal, subscription_id, "paused"
        )

    @post("/{subscription_id:str}/resume", status_code=HTTP_200_OK)
    async def resume(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SubscriptionOut:
        """Deliver again, everything held included (a disabled subscription too)."""
        return await subscriptions.set_status(
            request.app.state.runtime, principal, subscription_id, "active"
        )

    @post("/{subscription_id:str}/rotate-secret", status_code=HTTP_200_OK)
    async def rotate_secret(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
    ) -> SecretOut:
        """A new secret; the previous ones keep signing alongside it for 24 hours."""
        return await subscriptions.rotate_secret(
            request.app.state.runtime, principal, subscription_id
        )

    @post("/{subscription_id:str}/replay", status_code=HTTP_202_ACCEPTED)
    async def replay(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[ReplayRequest],
    ) -> Enqueued:
        """Queue again every matching event received in [since, until), delivered or not."""
        return await subscriptions.replay(
            request.app.state.runtime, principal, subscription_id, data
        )

    @post("/{subscription_id:str}/recover", status_code=HTTP_202_ACCEPTED)
    async def recover(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[ReplayRequest],
    ) -> Enqueued:
        """Queue again only the events received in [since, until) whose delivery failed."""
        return await subscriptions.recover(
            request.app.state.runtime, principal, subscription_id, data
        )

    @post("/{subscription_id:str}/filter-test", status_code=HTTP_200_OK)
    async def filter_test(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        data: JSONBody[FilterTest],
    ) -> FilterMatch:
        """Whether this subscription's filter matches ``event`` (a canonical event object)."""
        return await subscriptions.filter_test(
            request.app.state.runtime, principal, subscription_id, data
        )

    @get("/{subscription_id:str}/deliveries")
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        subscription_id: FromPath[str],
        status: FromQuery[str | None] = None,
        limit: FromQuery[int | None] = None,
        cursor: FromQuery[str | None] = None,
    ) -> dict[str, Any]:
        """Newest first; ``status`` is pending, succeeded or failed."""
        return await subscriptions.subscription_deliveries(
            request.app.state.runtime,
            principal,
            subscription_id,
            status=status,
            limit=limit,
            cursor=cursor,
        )
