"""An async client for Deel's webhook API: create, read, edit and delete webhook subscriptions.

Calls go to ``{base}/rest/v2/webhooks`` with ``Authorization: Bearer <API or OAuth token>``
(webhook endpoints need no particular scope). Answers are wrapped in ``{"data": ...}``; the
creation answer carries the subscription's ``signing_key``, which Deel shows only then. The
token and the key never appear in a repr or an error message.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from providers.client import TokenClient, path_segment

API_URL: Final = "https://api.letsdeel.com"
PREFIX: Final = "/rest/v2/webhooks"


class DeelSubscription(msgspec.Struct, kw_only=True):
    """A webhook subscription as Deel returns it."""

    id: str
    url: str = ""
    status: str | None = None
    events: list[str] = msgspec.field(default_factory=list)
    signing_key: str | None = None


class DeelClient(TokenClient):
    """Deel's webhook calls for one token."""

    vendor = "Deel"
    api_url = API_URL

    async def create(self, url: str, events: list[str], name: str) -> DeelSubscription:
        body = {
            "name": name,
            "description": "unihook: one ingest URL for every HR vendor",
            "events": events,
            "status": "enabled",
            "url": url,
            "api_version": "v2",
        }
        return self._subscription(await self.post(PREFIX, json=body), "create")

    async def subscription(self, webhook_id: str) -> DeelSubscription:
        return self._subscription(await self.get(f"{PREFIX}/{path_segment(webhook_id)}"), "get")

    async def set_status(self, webhook_id: str, status: str) -> DeelSubscription:
        found = await self.patch(f"{PREFIX}/{path_segment(webhook_id)}", json={"status": status})
        return self._subscription(found, "edit")

    async def delete_subscription(self, webhook_id: str) -> None:
        await self.request("DELETE", f"{PREFIX}/{path_segment(webhook_id)}")

    def _subscription(self, found: Any, doing: str) -> DeelSubscription:
        data = found.get("data") if isinstance(found, dict) else None
        return self.read_endpoint(data, DeelSubscription, doing=doing, what="webhook")
