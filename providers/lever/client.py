"""An async client for Lever's "Webhooks via the API" (``/webhooks``), through a given client.

Lever's docs: ``GET /webhooks`` lists the account's webhooks, ``POST /webhooks`` creates one for
one event and returns its signature token (the only time Lever shows it), ``DELETE
/webhooks/:id`` deletes one (``204``). Authentication is HTTP Basic with an API key as the user
name and a blank password, or ``Authorization: Bearer <OAuth access token>`` (scopes
``webhooks:read:admin`` and ``webhooks:write:admin``). Errors are ``{"code", "message"}``.
Credentials and signature tokens never appear in a repr or an exception message.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any, Final
from urllib.parse import quote

import httpx
import msgspec

DEFAULT_API_URL: Final = "https://api.lever.co/v1"
BACKOFF: Final = (0.25, 0.5, 1.0)
"""Seconds to wait before retrying a ``429`` or ``503``, as Lever's docs ask (exponential
backoff); a ``Retry-After`` of up to 5 seconds is honoured instead."""
_MAX_RETRY_AFTER = 5.0
_MAX_MESSAGE_CHARS = 300


class LeverWebhook(msgspec.Struct, kw_only=True, rename="camel"):
    """A webhook as Lever returns it; everything but ``id`` has a default, so an answer in a
    slightly different shape never loses a just-created webhook."""

    id: str
    url: str = ""
    event: str = ""
    created_at: int | None = None
    updated_at: int | None = None
    configuration: dict[str, Any] = msgspec.field(default_factory=dict)

    def __repr__(self) -> str:
        return f"LeverWebhook(id={self.id!r}, event={self.event!r}, url={self.url!r})"


class LeverAPIError(Exception):
    """Lever answered with an error, or could not be reached (``status_code`` is ``None``).

    ``webhook_id`` is set when Lever created a webhook but its answer could not be read (no
    signature token in it): delete that webhook so nothing is left half-made.
    """

    def __init__(
        self,
        status_code: int | None,
        message: str,
        *,
        code: str | None = None,
        webhook_id: str | None = None,
    ) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.webhook_id = webhook_id

    def __str__(self) -> str:
        if self.status_code is None:
            return f"Lever unreachable: {self.message}"
        code = f" {self.code}" if self.code else ""
        return f"Lever {self.status_code}{code}: {self.message}"


def auth_header(*, api_key: str | None, access_token: str | None) -> str:
    """``Authorization`` for an API key (Basic, key as the user, blank password) or a token."""
    if access_token:
        return f"Bearer {access_token}"
    if api_key:
        return "Basic " + base64.b64encode(f"{api_key}:".encode()).decode("ascii")
    raise ValueError("an API key or an OAuth access token is needed")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return min(seconds, _MAX_RETRY_AFTER) if seconds >= 0 else None


class LeverClient:
    """One Lever account's webhooks, through the ``httpx.AsyncClient`` the caller owns."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str = DEFAULT_API_URL,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        backoff: tuple[float, ...] = BACKOFF,
    ) -> None:
        self._backoff = backoff
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._headers = {
            "authorization": auth_header(api_key=api_key, access_token=access_token),
            "accept": "application/json",
            "content-type": "application/json",
        }
        self._secrets = tuple(s for s in (api_key, access_token) if s)

    def __repr__(self) -> str:
        return f"LeverClient(base_url={self.base_url!r})"

    async def list_webhooks(self) -> list[LeverWebhook]:
        response = await self._request("GET", "/webhooks")
        data = self._json(response).get("data")
        if not isinstance(data, list):
            raise LeverAPIError(response.status_code, "the webhook list has no data array")
        return [self._convert(item) for item in data if isinstance(item, dict) and "id" in item]

    async def create_webhook(
        self, url: str, event: str, configuration: dict[str, Any] | None = None
    ) -> tuple[LeverWebhook, str]:
        """Create a webhook for one event; returns it and its signature token."""
        body: dict[str, Any] = {"url": url, "event": event}
        if configuration:
            body["configuration"] = configuration
        response = await self._request("POST", "/webhooks", body)
        data = self._json(response).get("data")
        # The docs print {"data": {"data": {...}}}; every other Lever answer has one level.
        if isinstance(data, dict) and isinstance(data.get("data"), dict):
            data = data["data"]
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise LeverAPIError(response.status_code, "the created webhook has no id")
        webhook = self._convert(data)
        token = webhook.configuration.get("signatureToken")
        if not isinstance(token, str) or not token:
            raise LeverAPIError(
                response.status_code,
                "the created webhook's answer has no signature token",
                webhook_id=webhook.id,
            )
        webhook.configuration = {
            k: v for k, v in webhook.configuration.items() if k != "signatureToken"
        }
        return webhook, token

    async def delete_webhook(self, webhook_id: str) -> None:
        await self._request("DELETE", "/webhooks/" + quote(webhook_id, safe=""))

    # ---- plumbing -----------------------------------------------------------------------------

    async def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        """One call, retried after a ``429`` or ``503`` (Lever's rate limit and maintenance)."""
        for delay in (*self._backoff, None):
            response = await self._send(method, path, body)
            if response.status_code not in (429, 503) or delay is None:
                break
            await asyncio.sleep(_retry_after(response) or delay)
        if response.is_success:
            return response
        code, message = self._error(response)
        raise LeverAPIError(response.status_code, message, code=code)

    async def _send(self, method: str, path: str, body: dict[str, Any] | None) -> httpx.Response:
        try:
            response = await self._http.request(
                method,
                self.base_url + path,
                headers=self._headers,
                content=msgspec.json.encode(body) if body is not None else None,
            )
        except httpx.HTTPError as exc:
            raise LeverAPIError(None, self._scrub(type(exc).__name__ + ": " + str(exc))) from None
        return response

    def _error(self, response: httpx.Response) -> tuple[str | None, str]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            code = body.get("code") if isinstance(body.get("code"), str) else None
            message = body.get("message")
            if isinstance(message, str) and message:
                return code, self._scrub(message)
            if code:
                return code, code
        text = response.text.strip() or response.reason_phrase or "error"
        return None, self._scrub(text)

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise LeverAPIError(response.status_code, "the answer is not JSON") from None
        if not isinstance(body, dict):
            raise LeverAPIError(response.status_code, "the answer is not a JSON object")
        return body

    def _convert(self, item: dict[str, Any]) -> LeverWebhook:
        try:
            return msgspec.convert(item, LeverWebhook)
        except msgspec.ValidationError as exc:
            raise LeverAPIError(None, f"unexpected webhook shape: {exc}") from None

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text[:_MAX_MESSAGE_CHARS]
