"""An async client for Gusto's webhook subscription API.

Gusto's API reference: ``POST /v1/webhook_subscriptions`` (``{url, subscription_types}``, answers
the subscription with ``uuid`` and ``status: "pending"``), ``GET|PUT|DELETE
/v1/webhook_subscriptions/{uuid}``, ``PUT /v1/webhook_subscriptions/{uuid}/verify``
(``{verification_token}``) and ``GET /v1/webhook_subscriptions/{uuid}/request_verification_token``
(Gusto POSTs the token to the URL again). Authentication is the ``Authorization`` header:
``Bearer <system access token>`` in current API versions, ``Token <organization API token>`` in
older ones. Errors come back as ``{"errors": [...]}`` (422 for an invalid or unroutable URL).
Tokens never appear in a repr or an error message; the client sends only through the
``httpx.AsyncClient`` it is given.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import httpx
import msgspec

API_URL: Final = "https://api.gusto.com"
_MAX_MESSAGE_CHARS = 300

Kind = Literal["auth", "not_found", "rejected", "quota", "unreachable"]


class GustoSubscription(msgspec.Struct, kw_only=True):
    uuid: str
    url: str = ""
    status: str = ""
    subscription_types: list[str] = msgspec.field(default_factory=list)


class GustoAPIError(Exception):
    """Gusto refused the call (``status_code``) or could not be reached (``None``)."""

    def __init__(self, status_code: int | None, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message

    @property
    def kind(self) -> Kind:
        code = self.status_code
        if code is None or code >= 500:
            return "unreachable"
        if code in (401, 403):
            return "auth"
        if code == 404:
            return "not_found"
        if code == 429:
            return "quota"
        return "rejected"

    def __str__(self) -> str:
        if self.status_code is None:
            return f"Gusto unreachable: {self.message}"
        return f"Gusto {self.status_code}: {self.message}"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _message(response: httpx.Response) -> str:
    """Gusto's error text (``errors`` or ``message``), never the request's own values."""
    try:
        document = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        document = None
    found: Any = None
    if isinstance(document, dict):
        found = document.get("errors") or document.get("message") or document.get("error")
    if isinstance(found, list):
        parts = []
        for item in found:
            if isinstance(item, dict):
                parts.append(str(item.get("message") or item.get("error_key") or item))
            else:
                parts.append(str(item))
        found = "; ".join(parts)
    if isinstance(found, dict):
        found = "; ".join(f"{k}: {v}" for k, v in found.items())
    return _clip(str(found)) if found else httpx.codes.get_reason_phrase(response.status_code)


class GustoClient:
    """Gusto's webhook subscription calls for one API token, through a client the caller owns."""

    def __init__(
        self, http: httpx.AsyncClient, api_token: str, *, base_url: str = API_URL, scheme: str
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._headers = {
            "authorization": f"{scheme} {api_token}",
            "accept": "application/json",
            "content-type": "application/json",
        }

    def __repr__(self) -> str:
        return f"GustoClient(base_url={self._base!r})"

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        content = msgspec.json.encode(body) if body is not None else None
        try:
            response = await self._http.request(
                method, f"{self._base}{path}", content=content, headers=self._headers
            )
        except httpx.HTTPError as exc:
            raise GustoAPIError(None, f"{type(exc).__name__} calling {method} {path}") from None
        if not response.is_success:
            raise GustoAPIError(response.status_code, _message(response))
        return response

    @staticmethod
    def _subscription(response: httpx.Response) -> GustoSubscription:
        try:
            return msgspec.json.decode(response.content, type=GustoSubscription)
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise GustoAPIError(response.status_code, "an unreadable subscription") from None

    async def create(self, url: str, subscription_types: list[str]) -> GustoSubscription:
        body = {"url": url, "subscription_types": subscription_types}
        return self._subscription(await self._call("POST", "/v1/webhook_subscriptions", body))

    async def get(self, uuid: str) -> GustoSubscription:
        return self._subscription(await self._call("GET", f"/v1/webhook_subscriptions/{uuid}"))

    async def update(self, uuid: str, subscription_types: list[str]) -> GustoSubscription:
        body = {"subscription_types": subscription_types}
        path = f"/v1/webhook_subscriptions/{uuid}"
        return self._subscription(await self._call("PUT", path, body))

    async def delete(self, uuid: str) -> None:
        await self._call("DELETE", f"/v1/webhook_subscriptions/{uuid}")

    async def verify(self, uuid: str, verification_token: str) -> GustoSubscription:
        path = f"/v1/webhook_subscriptions/{uuid}/verify"
        body = {"verification_token": verification_token}
        return self._subscription(await self._call("PUT", path, body))

    async def request_verification_token(self, uuid: str) -> None:
        await self._call("GET", f"/v1/webhook_subscriptions/{uuid}/request_verification_token")
