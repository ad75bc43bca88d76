"""An async client for Remote's webhook callbacks (register, list and delete them) and the reads
of the records its notifications name (``GET /v1/employments/{id}``, ``GET /v1/timeoff/{id}``).

Calls go to ``{base}/v1/webhook-callbacks`` with ``Authorization: Bearer <company-scoped access
token>``. Answers are wrapped in ``{"data": ...}``; registering answers the callback with its
``signing_key``, shown only then (the runtime answers ``201``, Remote's OpenAPI says ``200``:
both are read). Remote has no call to read one callback: ``GET`` lists them. The token and the
key never appear in a repr or an error message.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from providers.client import TokenClient, path_segment
from providers.remote.payloads import RemoteEmploymentRecord, RemoteTimeOffRecord

API_URL: Final = "https://gateway.remote.com"
PREFIX: Final = "/v1/webhook-callbacks"


class RemoteCallback(msgspec.Struct, kw_only=True):
    """A webhook callback as Remote returns it."""

    id: str
    url: str = ""
    subscribed_events: list[str] = msgspec.field(default_factory=list)
    signing_key: str | None = None


class RemoteClient(TokenClient):
    """Remote's webhook-callback calls for one access token."""

    vendor = "Remote"
    api_url = API_URL

    async def register(self, url: str, events: list[str]) -> RemoteCallback:
        found = await self.post(PREFIX, json={"url": url, "subscribed_events": events})
        data = found.get("data") if isinstance(found, dict) else None
        inner = data.get("webhook_callback") if isinstance(data, dict) else None
        return self._callback(inner, "register")

    async def callbacks(self) -> list[RemoteCallback]:
        found = await self.get(PREFIX)
        data = found.get("data") if isinstance(found, dict) else None
        items = data.get("webhook_callbacks") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise self.error("rejected", "list answered no webhook_callbacks")
        return [self._callback(item, "list") for item in items]

    async def delete_callback(self, callback_id: str) -> None:
        await self.request("DELETE", f"{PREFIX}/{path_segment(callback_id)}")

    def _callback(self, found: Any, doing: str) -> RemoteCallback:
        return self.read_endpoint(found, RemoteCallback, doing=doing, what="webhook callback")

    async def _record(self, path: str, key: str, into: type[Any]) -> Any:
        """``{"data": {key: record}}`` from ``GET path``."""
        found = await self.get(path)
        data = found.get("data") if isinstance(found, dict) else None
        try:
            return msgspec.convert(data.get(key) if isinstance(data, dict) else None, into)
        except msgspec.ValidationError:
            raise self.error("rejected", f"an unreadable {key}", status=200) from None

    async def employment(self, employment_id: str) -> RemoteEmploymentRecord:
        found: RemoteEmploymentRecord = await self._record(
            f"/v1/employments/{path_segment(employment_id)}", "employment", RemoteEmploymentRecord
        )
        return found

    async def time_off(self, timeoff_id: str) -> RemoteTimeOffRecord:
        found: RemoteTimeOffRecord = await self._record(
            f"/v1/timeoff/{path_segment(timeoff_id)}", "timeoff", RemoteTimeOffRecord
        )
        return found
