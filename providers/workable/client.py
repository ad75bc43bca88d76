"""Workable's SPI v3 subscriptions API, called through the ``httpx.AsyncClient`` the gateway hands
over: ``POST /subscriptions``, ``GET /subscriptions`` and ``DELETE /subscriptions/:id``.

Workable limits each token to 10 requests (OAuth and partner tokens: 50) per 10-second interval
and says where the interval ends in ``X-Rate-Limit-Reset``: the client waits for the next interval
when ``X-Rate-Limit-Remaining`` reaches 0, and once more after a ``429``, for at most ``max_wait``
seconds; beyond that the ``429`` is the answer (``quota``). Its methods raise the gateway's
``ProvisioningError`` directly, worded for the Workable call that failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

import httpx
import msgspec

from providers.client import BearerAuth, Query, VendorAPIError, VendorClient, path_segment
from providers.provisioning import ProvisioningError

API_URL: Final = "https://{subdomain}.workable.com/spi/v3"
RATE_INTERVAL: Final = 10.0
"""Workable's rate-limit interval, in seconds."""
_HINTS: Final = {
    "auth": " (check the API token, its account subdomain and its scopes: r_candidates for "
    "candidate events, r_employees for employee events)",
    "rate_limited": " (Workable allows 10 requests per 10 seconds per account token)",
}


class WSubscription(msgspec.Struct):
    """One entry of ``GET /subscriptions``."""

    id: int | str
    event: str | None = None
    target: str | None = None
    valid_until: str | None = None
    created_at: str | None = None
    stage_slug: str | None = None
    job_shortcode: str | None = None


class _List(msgspec.Struct):
    subscriptions: list[WSubscription] = msgspec.field(default_factory=list)


class _Created(msgspec.Struct):
    id: int | str


def api_base(template: str, subdomain: str) -> str:
    """The SPI base for an account: ``{subdomain}`` in the template is replaced by it."""
    return template.replace("{subdomain}", subdomain).rstrip("/")


class WorkableClient(VendorClient):
    """One account's subscriptions, authenticated with ``Authorization: Bearer <token>``."""

    vendor = "Workable"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        token: str,
        *,
        max_wait: float = RATE_INTERVAL,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(http, base_url, BearerAuth(token), clock=clock, sleep=sleep)
        self._max_wait = max_wait
        self._not_before = 0.0

    async def subscribe(self, target: str, event: str, args: Mapping[str, str] | None) -> str:
        """Create one subscription; its id. A ``2xx`` without an id is ``rejected``."""
        body: dict[str, Any] = {"target": target, "event": event}
        if args is not None:
            body["args"] = dict(args)
        response = await self._call("POST", "/subscriptions", body, f"did not subscribe {event}")
        try:
            return str(msgspec.json.decode(response.content, type=_Created).id)
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise ProvisioningError(
                "rejected",
                f"Workable answered {response.status_code} to the {event} subscription without "
                "a subscription id",
                status_code=response.status_code,
            ) from None

    async def subscriptions(self) -> list[WSubscription]:
        """The token's active subscriptions."""
        response = await self._call("GET", "/subscriptions", None, "did not list the subscriptions")
        try:
            return msgspec.json.decode(response.content, type=_List).subscriptions
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise ProvisioningError(
                "rejected", "Workable's list of subscriptions could not be read"
            ) from None

    async def unsubscribe(self, subscription_id: str) -> bool:
        """Delete one subscription; ``False`` when Workable has no such subscription (``404``)."""
        path = f"/subscriptions/{path_segment(subscription_id)}"
        try:
            await self._call("DELETE", path, None, f"did not delete subscription {subscription_id}")
        except ProvisioningError as exc:
            if exc.kind == "not_found":
                return False
            raise
        return True

    async def _call(self, method: str, path: str, body: Any, action: str) -> httpx.Response:
        try:
            return await self.request(method, path, json=body)
        except VendorAPIError as exc:
            if exc.status is None:
                message = f"could not reach Workable at {self.base_url} ({exc.message})"
            else:
                message = f"Workable {action}: {exc.status} {exc.message}{_HINTS.get(exc.kind, '')}"
            raise exc.as_provisioning_error(message=message) from None

    async def send(
        self, method: str, path: str, *, json: Any = None, params: Query = None
    ) -> httpx.Response:
        """Wait out a spent interval first; after a ``429``, once more if the wait is allowed."""
        for attempt in range(2):
            wait = self._not_before - self.clock()
            if wait > 0:
                await self.sleep(wait)
            response = await self.send_once(method, path, json=json, params=params)
            self._note_limits(response, limited=response.status_code == 429)
            if response.status_code != 429 or attempt or self._not_before == 0.0:
                break
        return response

    def _note_limits(self, response: httpx.Response, *, limited: bool) -> None:
        """Hold the next request until the next interval when this one used the last slot."""
        self._not_before = 0.0
        remaining = response.headers.get("x-rate-limit-remaining")
        if not limited and remaining != "0":
            return
        now = self.clock()
        reset = _number(response.headers.get("x-rate-limit-reset"))
        if reset is not None and reset > 1e11:
            reset /= 1000  # a timestamp in milliseconds
        until = reset if reset is not None and reset > now else now + RATE_INTERVAL
        if until - now <= self._max_wait:
            self._not_before = until


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None
