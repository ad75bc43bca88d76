"""Kombo's read API for one integration, on the kit's ``VendorClient``.

From Kombo's API reference and its SDKs (generated from its OpenAPI): the API is at
``https://api.kombo.dev/v1`` (``https://api.us.kombo.dev/v1`` for the US region); every call
carries the account's API key as ``Authorization: Bearer <key>`` and names the integration in
``X-Integration-Id``. A list (``GET /hris/employees``, ``/ats/candidates``, ...) answers
``{"status": "success", "data": {"next": <cursor or null>, "results": [...]}}`` and takes
``cursor`` (the previous page's ``next``), ``page_size`` (at most 250) and ``updated_after`` (an
ISO 8601 time: the records that, or whose nested records, changed since). Deleted records are
left out unless ``include_deleted=true``. An error is ``{"status": "error", "error": {"code",
"message", ...}}``; the code (``PLATFORM.INTEGRATION_NOT_FOUND``, ``PLATFORM.RATE_LIMIT_EXCEEDED``)
is kept as the error's ``code``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import httpx
import msgspec

from providers.client import BearerAuth, VendorClient
from providers.kombo.payloads import KomboAnswer

API_URL: Final = "https://api.kombo.dev/v1"
PAGE_SIZE: Final = 250
"""Kombo's largest page."""
MAX_PAGES: Final = 20
"""Pages of one list read for one event at most (5,000 records at ``PAGE_SIZE``): a completion
is one event's worth of changes, not a full sync, and must end within the gateway's timeout."""

R = TypeVar("R")


def kombo_time(moment: datetime) -> str:
    """A time as Kombo's ``updated_after`` documents it: ``YYYY-MM-DDTHH:mm:ss.sssZ``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


class KomboClient(VendorClient):
    """Kombo's API as one account's API key, for one integration."""

    vendor = "Kombo"

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, api_key: str, integration_id: str
    ) -> None:
        super().__init__(
            http, base_url, BearerAuth(api_key), headers={"X-Integration-Id": integration_id}
        )

    def error_details(self, response: httpx.Response) -> tuple[str | None, str]:
        """Kombo nests its code with the message: ``{"error": {"code", "message"}}``."""
        code, message = super().error_details(response)
        try:
            body: Any = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            return code, message
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict) and isinstance(error.get("code"), str):
            code = error["code"]
        return code, message

    async def changed(
        self, path: str, into: type[R], updated_after: datetime, *, max_pages: int = MAX_PAGES
    ) -> tuple[list[R], bool]:
        """The records of the list at ``path`` that changed after ``updated_after``, page by
        page up to ``max_pages``; and whether more pages were left unread."""
        params = {"page_size": str(PAGE_SIZE), "updated_after": kombo_time(updated_after)}
        found: list[R] = []
        cursor: str | None = None
        for _ in range(max_pages):
            query = {**params, "cursor": cursor} if cursor else params
            answer = await self.get(path, params=query)
            try:
                page = msgspec.convert(answer, type=KomboAnswer[into])  # type: ignore[valid-type]
            except msgspec.ValidationError:
                raise self.error("rejected", f"an unreadable page of {path}", status=200) from None
            if page.data is None:
                raise self.error("rejected", f"a page of {path} without data", status=200)
            found.extend(page.data.results)
            cursor = page.data.next
            if not cursor:
                return found, False
        return found, True


__all__ = ["API_URL", "MAX_PAGES", "PAGE_SIZE", "KomboClient", "kombo_time"]
