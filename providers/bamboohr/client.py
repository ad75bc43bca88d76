"""An async client for BambooHR's webhook API (``/api/v1/webhooks``), from its OpenAPI spec.

- Base ``https://{companyDomain}.bamboohr.com``; HTTP Basic auth with the API key as the user
  name and any password (BambooHR's convention: ``x``).
- ``POST /api/v1/webhooks`` ``NewWebHook`` → ``201`` with the webhook and its ``privateKey``
  ("Private key is included in the create webhook only!"); ``400`` malformed, ``401`` invalid
  key, ``403`` field permission violations.
- ``GET``/``PUT``/``DELETE /api/v1/webhooks/{id}``: ``403`` another user's webhook, ``404`` none.
  ``PUT`` replaces the whole webhook; the private key stays.
- ``GET /api/v1/webhooks/monitor_fields`` → ``{"fields": [{"id", "name", "alias"}]}``.

The API key and private keys never appear in a repr or an error message. The client does no I/O
of its own: it sends through the ``httpx.AsyncClient`` it is given.
"""

from __future__ import annotations

import base64
from typing import Any, Final

import httpx
import msgspec

API_URL: Final = "https://{company_domain}.bamboohr.com"
"""The API base; ``{company_domain}`` is the account's subdomain."""
_MAX_MESSAGE_CHARS = 300


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


class BambooHRAPIError(Exception):
    """BambooHR refused the call or could not be reached (``status_code`` ``None``)."""

    def __init__(self, status_code: int | None, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message

    def __str__(self) -> str:
        if self.status_code is None:
            return f"BambooHR unreachable: {self.message}"
        return f"BambooHR {self.status_code}: {self.message}"

    def __repr__(self) -> str:
        return f"BambooHRAPIError(status_code={self.status_code!r}, message={self.message!r})"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _message(response: httpx.Response) -> str:
    """BambooHR's error text: ``{"error": {"message"}}``, ``{"message"}``, or the plain body
    (its errors are not all JSON); never anything of the request."""
    try:
        found = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        found = None
    if isinstance(found, dict):
        error = found.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return _clip(error["message"])
        for key in ("message", "error"):
            if isinstance(found.get(key), str):
                return _clip(found[key])
    text = response.content.decode("utf-8", "replace").strip()
    if text and len(text) < 500 and "<" not in text:
        return _clip(text)
    return httpx.codes.get_reason_phrase(response.status_code) or "an answer unihook cannot read"


class BambooHRClient:
    """BambooHR's webhook calls for one API key and company, through a client the caller owns."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        company_domain: str,
        api_key: str,
        *,
        base_url: str = API_URL,
    ) -> None:
        self._http = http
        self.credentials = {"api_key": api_key}
        self._base = base_url.replace("{company_domain}", company_domain).rstrip("/")
        token = base64.b64encode(f"{api_key}:x".encode()).decode("ascii")
        self._headers = {"authorization": f"Basic {token}", "accept": "application/json"}

    def __repr__(self) -> str:
        return f"BambooHRClient(base_url={self._base!r})"

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, expect: int = 200
    ) -> bytes:
        headers = dict(self._headers)
        content = None
        if body is not None:
            content = msgspec.json.encode(body)
            headers["content-type"] = "application/json"
        try:
            response = await self._http.request(
                method, f"{self._base}{path}", content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            raise BambooHRAPIError(None, f"{type(exc).__name__} calling {method} {path}") from None
        if response.status_code != expect:
            raise BambooHRAPIError(response.status_code, _message(response))
        return response.content

    def _webhook(self, content: bytes, doing: str) -> BambooHRWebhook:
        try:
            return msgspec.json.decode(content, type=BambooHRWebhook)
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise BambooHRAPIError(200, f"{doing} answered an unreadable webhook") from None

    async def create(self, webhook: dict[str, Any]) -> BambooHRWebhook:
        content = await self._call("POST", "/api/v1/webhooks", webhook, expect=201)
        return self._webhook(content, "creating the webhook")

    async def get(self, webhook_id: str) -> BambooHRWebhook:
        content = await self._call("GET", f"/api/v1/webhooks/{webhook_id}")
        return self._webhook(content, "reading the webhook")

    async def replace(self, webhook_id: str, webhook: dict[str, Any]) -> BambooHRWebhook:
        content = await self._call("PUT", f"/api/v1/webhooks/{webhook_id}", webhook)
        return self._webhook(content, "updating the webhook")

    async def delete(self, webhook_id: str) -> None:
        await self._call("DELETE", f"/api/v1/webhooks/{webhook_id}")

    async def monitor_fields(self) -> list[BambooHRField]:
        content = await self._call("GET", "/api/v1/webhooks/monitor_fields")
        try:
            return msgspec.json.decode(content, type=_FieldList).fields
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise BambooHRAPIError(200, "monitor_fields answered an unreadable list") from None
