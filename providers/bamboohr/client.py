"""BambooHR's webhook API (``/api/v1/webhooks``), from its OpenAPI spec, on the kit's
``VendorClient``.

- Base ``https://{companyDomain}.bamboohr.com``; HTTP Basic auth with the API key as the user
  name and any password (BambooHR's convention: ``x``).
- ``POST /api/v1/webhooks`` ``NewWebHook`` → ``201`` with the webhook and its ``privateKey``
  ("Private key is included in the create webhook only!"); ``400`` malformed, ``401`` invalid
  key, ``403`` field permission violations.
- ``GET``/``PUT``/``DELETE /api/v1/webhooks/{id}``: ``403`` another user's webhook, ``404`` none.
  ``PUT`` replaces the whole webhook; the private key stays. ``DELETE`` answers plain text.
- ``GET /api/v1/webhooks/monitor_fields`` → ``{"fields": [{"id", "name", "alias"}]}``.

The API key and the private keys BambooHR answers never appear in a repr or an error message.
"""

from __future__ import annotations

from typing import Any, Final

import httpx
import msgspec

from providers.client import BasicAuth, VendorClient, path_segment

API_URL: Final = "https://{company_domain}.bamboohr.com"
"""The API base; ``{company_domain}`` is the account's subdomain."""


class BambooHRWebhook(msgspec.Struct, kw_only=True, rename="camel"):
    """A webhook as BambooHR returns it (``privateKey`` only from create)."""

    id: int | str
    name: str | None = None
    url: str | None = None
    format: str | None = None
    events: list[str] | None = None
    monitor_fields: list[str] | None = None
    created: str | None = None
    last_sent: str | None = None
    private_key: str | None = None

    def __repr__(self) -> str:
        return f"BambooHRWebhook(id={self.id!r}, url={self.url!r}, events={self.events!r})"


class BambooHRField(msgspec.Struct, kw_only=True):
    """A monitorable field: its id, display name and API alias."""

    id: int | str | None = None
    name: str | None = None
    alias: str | None = None


class _FieldList(msgspec.Struct):
    fields: list[BambooHRField] = msgspec.field(default_factory=list)


def api_base(template: str, company_domain: str) -> str:
    """The API base for a company: ``{company_domain}`` in the template is replaced by it."""
    return template.replace("{company_domain}", company_domain).rstrip("/")


class BambooHRClient(VendorClient):
    """One BambooHR user's webhooks, authenticated with the user's API key."""

    vendor = "BambooHR"

    def __init__(self, http: httpx.AsyncClient, base_url: str, api_key: str) -> None:
        super().__init__(http, base_url, BasicAuth(api_key, "x"))

    def _webhook(self, found: Any, doing: str, response: httpx.Response) -> BambooHRWebhook:
        try:
            webhook = msgspec.convert(found, BambooHRWebhook)
        except msgspec.ValidationError:
            created = found.get("id") if isinstance(found, dict) else None
            raise self.error(
                "rejected",
                f"{doing} answered an unreadable webhook",
                status=response.status_code,
                created_id=str(created) if isinstance(created, int | str) else None,
            ) from None
        return webhook

    async def create(self, webhook: dict[str, Any]) -> BambooHRWebhook:
        response = await self.request("POST", "/api/v1/webhooks", json=webhook)
        return self._webhook(self.parse(response), "creating the webhook", response)

    async def get_webhook(self, webhook_id: str) -> BambooHRWebhook:
        response = await self.request("GET", f"/api/v1/webhooks/{path_segment(webhook_id)}")
        return self._webhook(self.parse(response), "reading the webhook", response)

    async def replace(self, webhook_id: str, webhook: dict[str, Any]) -> BambooHRWebhook:
        path = f"/api/v1/webhooks/{path_segment(webhook_id)}"
        response = await self.request("PUT", path, json=webhook)
        return self._webhook(self.parse(response), "updating the webhook", response)

    async def delete_webhook(self, webhook_id: str) -> None:
        # BambooHR answers "Web hook has been deleted." as text: no JSON to read.
        await self.request("DELETE", f"/api/v1/webhooks/{path_segment(webhook_id)}")

    async def monitor_fields(self) -> list[BambooHRField]:
        found = await self.get("/api/v1/webhooks/monitor_fields")
        try:
            return msgspec.convert(found, _FieldList).fields
        except msgspec.ValidationError:
            raise self.error("rejected", "monitor_fields answered an unreadable list") from None
