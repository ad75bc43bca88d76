"""An async client for Personio's webhook management API (v2).

From Personio's API reference: an access token comes from ``POST /v2/auth/token`` (the OAuth 2.0
client-credentials grant: form fields ``grant_type``, ``client_id``, ``client_secret``; scope
``personio:webhooks:write`` to manage webhooks); webhooks are managed with ``POST /v2/webhooks``
(``url``, ``description``, ``status``, ``auth_type``, ``token``, ``enabled_events``),
``GET /v2/webhooks``, ``PATCH /v2/webhooks/{id}`` and ``DELETE /v2/webhooks/{id}``. Secrets never
appear in a repr or an error message; the client sends only through the ``httpx.AsyncClient`` it
is given.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import httpx
import msgspec

API_URL: Final = "https://api.personio.de"
_MAX_MESSAGE_CHARS = 300

Kind = Literal["auth", "not_found", "rejected", "quota", "unreachable"]


class PersonioWebhookSetting(msgspec.Struct, kw_only=True):
    """A webhook as Personio's API returns it (the token is never read back)."""

    id: str | int
    url: str = ""
    description: str | None = None
    status: str = ""
    auth_type: str | None = None
    enabled_events: list[str] = msgspec.field(default_factory=list)


class _Token(msgspec.Struct):
    access_token: str


class PersonioAPIError(Exception):
    """Personio refused the call (``status_code``) or could not be reached (``None``)."""

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
            return f"Personio unreachable: {self.message}"
        return f"Personio {self.status_code}: {self.message}"


def _message(response: httpx.Response) -> str:
    try:
        document = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        document = None
    found: Any = None
    if isinstance(document, dict):
        found = (
            document.get("detail")
            or document.get("title")
            or document.get("message")
            or document.get("error_description")
            or document.get("errors")
        )
    if found:
        text = " ".join(str(found).split())
        return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"
    return httpx.codes.get_reason_phrase(response.status_code) or "an unreadable answer"


class PersonioClient:
    """Personio's webhook calls for one API client, through an HTTP client the caller owns."""

    def __init__(
        self, http: httpx.AsyncClient, client_id: str, client_secret: str, *, base_url: str
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._credentials = (client_id, client_secret)
        self._access: str | None = None

    def __repr__(self) -> str:
        return f"PersonioClient(base_url={self._base!r})"

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, f"{self._base}{path}", **kwargs)
        except httpx.HTTPError as exc:
            raise PersonioAPIError(None, f"{type(exc).__name__} calling {method} {path}") from None
        if not response.is_success:
            raise PersonioAPIError(response.status_code, _message(response))
        return response

    async def _token(self) -> str:
        if self._access is None:
            client_id, client_secret = self._credentials
            response = await self._send(
                "POST",
                "/v2/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": client_id,
                    "client_secret": client_secret,
                },
                headers={"accept": "application/json"},
            )
            try:
                self._access = msgspec.json.decode(response.content, type=_Token).access_token
            except (msgspec.DecodeError, msgspec.ValidationError):
                raise PersonioAPIError(response.status_code, "an unreadable token answer") from None
        return self._access

    async def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        headers = {
            "authorization": f"Bearer {await self._token()}",
            "accept": "application/json",
            "content-type": "application/json",
        }
        content = msgspec.json.encode(body) if body is not None else None
        return await self._send(method, path, content=content, headers=headers)

    @staticmethod
    def _webhook(response: httpx.Response) -> PersonioWebhookSetting:
        try:
            document = msgspec.json.decode(response.content)
            if isinstance(document, dict) and isinstance(document.get("_data"), dict):
                document = document["_data"]
            return msgspec.convert(document, type=PersonioWebhookSetting)
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise PersonioAPIError(response.status_code, "an unreadable webhook") from None

    async def create(self, body: dict[str, Any]) -> PersonioWebhookSetting:
        return self._webhook(await self._call("POST", "/v2/webhooks", body))

    async def find(self, webhook_id: str) -> PersonioWebhookSetting:
        """The webhook with this id, from ``GET /v2/webhooks``; ``not_found`` when absent."""
        response = await self._call("GET", "/v2/webhooks")
        try:
            document = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise PersonioAPIError(response.status_code, "an unreadable webhook list") from None
        items = document.get("_data") if isinstance(document, dict) else document
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and str(item.get("id")) == webhook_id:
                try:
                    return msgspec.convert(item, type=PersonioWebhookSetting)
                except msgspec.ValidationError:
                    break
        raise PersonioAPIError(404, "no such webhook")

    async def patch(self, webhook_id: str, body: dict[str, Any]) -> PersonioWebhookSetting:
        return self._webhook(await self._call("PATCH", f"/v2/webhooks/{webhook_id}", body))

    async def delete(self, webhook_id: str) -> None:
        await self._call("DELETE", f"/v2/webhooks/{webhook_id}")
