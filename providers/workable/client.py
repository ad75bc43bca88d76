"""Workable's SPI v3 subscriptions API, called through the ``httpx.AsyncClient`` the gateway hands
over: ``POST /subscriptions``, ``GET /subscriptions`` and ``DELETE /subscriptions/:id``.

Workable limits each token to 10 requests (OAuth and partner tokens: 50) per 10-second interval
and says where the interval ends in ``X-Rate-Limit-Reset``: the client waits for the next interval
when ``X-Rate-Limit-Remaining`` reaches 0, and once more after a ``429``, for at most ``max_wait``
seconds; beyond that the ``429`` is the answer (``quota``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import msgspec

from providers import ProvisioningError

if TYPE_CHECKING:
    import httpx

API_URL: Final = "https://{subdomain}.workable.com/spi/v3"
RATE_INTERVAL: Final = 10.0
"""Workable's rate-limit interval, in seconds."""


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


class WorkableClient:
    """One account's subscriptions, authenticated with ``Authorization: Bearer <token>``."""

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
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._not_before = 0.0

    async def subscribe(self, target: str, event: str, args: Mapping[str, str] | None) -> str:
        """Create one subscription; its id. A ``2xx`` without an id is ``rejected``."""
        body: dict[str, Any] = {"target": target, "event": event}
        if args is not None:
            body["args"] = dict(args)
        response = await self._request("POST", "/subscriptions", body)
        if not response.is_success:
            raise _error(response, f"did not subscribe {event}")
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
        response = await self._request("GET", "/subscriptions", None)
        if not response.is_success:
            raise _error(response, "did not list the subscriptions")
        try:
            return msgspec.json.decode(response.content, type=_List).subscriptions
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise ProvisioningError(
                "rejected", "Workable's list of subscriptions could not be read"
            ) from None

    async def unsubscribe(self, subscription_id: str) -> bool:
        """Delete one subscription; ``False`` when Workable has no such subscription (``404``)."""
        response = await self._request("DELETE", f"/subscriptions/{subscription_id}", None)
        if response.status_code == 404:
            return False
        if not response.is_success:
            raise _error(response, f"did not delete subscription {subscription_id}")
        return True

    async def _request(self, method: str, path: str, body: Any) -> httpx.Response:
        import httpx

        for attempt in range(2):
            wait = self._not_before - self._clock()
            if wait > 0:
                await self._sleep(wait)
            try:
                response = await self._http.request(
                    method, self._base + path, json=body, headers=self._headers
                )
            except httpx.HTTPError as exc:
                where = f"{self._base} ({type(exc).__name__})"
                raise ProvisioningError(
                    "unreachable", f"could not reach Workable at {where}"
                ) from None
            self._note_limits(response, limited=response.status_code == 429)
            if response.status_code != 429 or attempt or self._not_before == 0.0:
                return response
        return response

    def _note_limits(self, response: httpx.Response, *, limited: bool) -> None:
        """Hold the next request until the next interval when this one used the last slot."""
        self._not_before = 0.0
        remaining = response.headers.get("x-rate-limit-remaining")
        if not limited and remaining != "0":
            return
        now = self._clock()
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


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "message", "errors"):
            if body.get(key):
                return str(body[key])[:300]
    text = response.text.strip()
    return text[:300] if text else response.reason_phrase or "no message"


def _error(response: httpx.Response, action: str) -> ProvisioningError:
    status = response.status_code
    message = f"Workable {action}: {status} {_message(response)}"
    if status in (401, 403):
        return ProvisioningError(
            "auth",
            message + " (check the API token, its account subdomain and its scopes: "
            "r_candidates for candidate events, r_employees for employee events)",
            status_code=status,
        )
    if status == 404:
        return ProvisioningError("not_found", message, status_code=status)
    if status == 429:
        return ProvisioningError(
            "quota",
            message + " (Workable allows 10 requests per 10 seconds per account token)",
            status_code=status,
        )
    return ProvisioningError("rejected", message, status_code=status)
