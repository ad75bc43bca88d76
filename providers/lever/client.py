"""An async client for Lever's "Webhooks via the API" (``/webhooks``), through a given client.

Lever's docs: ``GET /webhooks`` lists the account's webhooks, ``POST /webhooks`` creates one for
one event and returns its signature token (the only time Lever shows it), ``DELETE
/webhooks/:id`` deletes one (``204``). Authentication is HTTP Basic with an API key as the user
name and a blank password, or ``Authorization: Bearer <OAuth access token>`` (scopes
``webhooks:read:admin`` and ``webhooks:write:admin``). Errors are ``{"code", "message"}``.
Credentials and signature tokens never appear in a repr or an exception message
(``VendorClient`` redacts them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Final

import httpx
import msgspec

from providers.client import (
    Auth,
    BasicAuth,
    BearerAuth,
    RetryPolicy,
    VendorClient,
    path_segment,
)

DEFAULT_API_URL: Final = "https://api.lever.co/v1"
RETRY: Final = RetryPolicy(backoff=(0.25, 0.5, 1.0), max_wait=5.0)
"""Lever's docs ask for exponential backoff after a ``429`` or ``503``; a ``Retry-After`` (up to
5 seconds) is honoured instead."""


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


def lever_auth(*, api_key: str | None, access_token: str | None) -> Auth:
    """An API key (Basic, key as the user, blank password) or an OAuth access token (Bearer)."""
    if access_token:
        return BearerAuth(access_token)
    if api_key:
        return BasicAuth(api_key)
    raise ValueError("an API key or an OAuth access token is needed")


class LeverClient(VendorClient):
    """One Lever account's webhooks, through the ``httpx.AsyncClient`` the caller owns."""

    vendor = "Lever"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str = DEFAULT_API_URL,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        retry: RetryPolicy = RETRY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        auth = lever_auth(api_key=api_key, access_token=access_token)
        super().__init__(http, base_url, auth, retry=retry, sleep=sleep)

    async def list_webhooks(self) -> list[LeverWebhook]:
        data = self._object(await self.get("/webhooks")).get("data")
        if not isinstance(data, list):
            raise self.error("rejected", "the webhook list has no data array", status=200)
        return [self._convert(item) for item in data if isinstance(item, dict) and "id" in item]

    async def create_webhook(
        self, url: str, event: str, configuration: dict[str, Any] | None = None
    ) -> tuple[LeverWebhook, str]:
        """Create a webhook for one event; returns it and its signature token."""
        body: dict[str, Any] = {"url": url, "event": event}
        if configuration:
            body["configuration"] = configuration
        response = await self.request("POST", "/webhooks", json=body)
        status = response.status_code
        data = self._object(self.parse(response), status).get("data")
        # The docs print {"data": {"data": {...}}}; every other Lever answer has one level.
        if isinstance(data, dict) and isinstance(data.get("data"), dict):
            data = data["data"]
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise self.error("rejected", "the created webhook has no id", status=status)
        webhook = self._convert(data)
        token = webhook.configuration.get("signatureToken")
        if not isinstance(token, str) or not token:
            raise self.error(
                "rejected",
                "the created webhook's answer has no signature token",
                status=status,
                created_id=webhook.id,
            )
        webhook.configuration = {
            k: v for k, v in webhook.configuration.items() if k != "signatureToken"
        }
        return webhook, token

    async def delete_webhook(self, webhook_id: str) -> None:
        await self.request("DELETE", "/webhooks/" + path_segment(webhook_id))

    # -- reads, for completing thin events (``providers.lever.completer``) ---------------------

    async def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        """``GET /opportunities/:id`` with its applications and stage expanded (Lever's
        ``expand`` parameter, given once per field)."""
        path = "/opportunities/" + path_segment(opportunity_id)
        return self._data(await self.get(path + "?expand=applications&expand=stage"))

    async def posting(self, posting_id: str) -> dict[str, Any]:
        """``GET /postings/:id``."""
        return self._data(await self.get("/postings/" + path_segment(posting_id)))

    async def stage(self, stage_id: str) -> dict[str, Any]:
        """``GET /stages/:id`` (a stage's name, for the stage an application left)."""
        return self._data(await self.get("/stages/" + path_segment(stage_id)))

    def _data(self, body: Any) -> dict[str, Any]:
        data = self._object(body).get("data")
        if not isinstance(data, dict):
            raise self.error("rejected", "the answer has no data object", status=200)
        return data

    def _object(self, body: Any, status: int = 200) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise self.error("rejected", "the answer is not a JSON object", status=status)
        return body

    def _convert(self, item: dict[str, Any]) -> LeverWebhook:
        try:
            return msgspec.convert(item, LeverWebhook)
        except msgspec.ValidationError as exc:
            raise self.error("rejected", f"unexpected webhook shape: {exc}") from None
