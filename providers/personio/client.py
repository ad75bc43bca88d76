"""Personio's webhook management API and the reads of its records (v2), on the kit's
``VendorClient``.

From Personio's API reference: an access token comes from ``POST /v2/auth/token`` (the OAuth 2.0
client-credentials grant: form fields ``grant_type``, ``client_id``, ``client_secret``; scope
``personio:webhooks:write`` to manage webhooks); webhooks are managed with ``POST /v2/webhooks``
(``url``, ``description``, ``status``, ``auth_type``, ``token``, ``enabled_events``),
``GET /v2/webhooks``, ``PATCH /v2/webhooks/{id}`` and ``DELETE /v2/webhooks/{id}``. Personio's
errors are problem documents (``title``, ``detail``). Records are read with ``GET
/v2/persons/{id}`` and ``GET /v2/persons/{person_id}/employments/{id}`` (scope
``personio:persons:read``) and ``GET /v2/absence-periods/{id}`` (``personio:absences:read``).
"""

from __future__ import annotations

from typing import Any, Final

import httpx
import msgspec

from providers.client import BearerAuth, VendorClient, path_segment
from providers.personio.payloads import PersonioAbsencePeriod, PersonioEmployment, PersonioPerson

API_URL: Final = "https://api.personio.de"


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


def _problem(response: httpx.Response) -> str | None:
    try:
        body: Any = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
    if not isinstance(body, dict):
        return None
    for key in ("detail", "title", "error_description"):
        if isinstance(body.get(key), str) and body[key].strip():
            return str(body[key]).strip()
    return None


class PersonioClient(VendorClient):
    """Personio's webhook calls with one access token (``connect`` makes it)."""

    vendor = "Personio"

    @classmethod
    async def connect(
        cls, http: httpx.AsyncClient, client_id: str, client_secret: str, *, base_url: str
    ) -> PersonioClient:
        """A client holding an access token from ``POST /v2/auth/token``."""
        token_url = base_url.rstrip("/") + "/v2/auth/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        redact = cls(http, base_url, "", secrets=(client_id, client_secret))
        try:
            response = await http.post(token_url, data=form, headers={"accept": "application/json"})
        except httpx.HTTPError as exc:
            raise redact.error("unreachable", type(exc).__name__) from None
        if not response.is_success:
            raise redact.status_error(response)
        try:
            access = msgspec.json.decode(response.content, type=_Token).access_token
        except (msgspec.DecodeError, msgspec.ValidationError):
            raise redact.error("rejected", "an unreadable token answer", status=200) from None
        return cls(http, base_url, access, secrets=(client_id, client_secret))

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        access_token: str,
        *,
        secrets: tuple[str, ...] = (),
    ) -> None:
        super().__init__(http, base_url, BearerAuth(access_token), secrets=secrets)

    def error_details(self, response: httpx.Response) -> tuple[str | None, str]:
        found = _problem(response)
        return (None, found) if found else super().error_details(response)

    def _webhook(self, answer: Any) -> PersonioWebhookSetting:
        if isinstance(answer, dict) and isinstance(answer.get("_data"), dict):
            answer = answer["_data"]
        try:
            return msgspec.convert(answer, type=PersonioWebhookSetting)
        except msgspec.ValidationError:
            raise self.error("rejected", "an unreadable webhook") from None

    async def create(self, body: dict[str, Any]) -> PersonioWebhookSetting:
        return self._webhook(await self.post("/v2/webhooks", body))

    async def find(self, webhook_id: str) -> PersonioWebhookSetting:
        """The webhook with this id, from ``GET /v2/webhooks``; ``not_found`` when absent."""
        answer = await self.get("/v2/webhooks")
        items = answer.get("_data") if isinstance(answer, dict) else answer
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and str(item.get("id")) == webhook_id:
                return self._webhook(item)
        raise self.error("not_found", "no such webhook", status=404)

    async def change(self, webhook_id: str, body: dict[str, Any]) -> PersonioWebhookSetting:
        return self._webhook(await self.patch(f"/v2/webhooks/{path_segment(webhook_id)}", body))

    async def remove(self, webhook_id: str) -> None:
        await self.delete(f"/v2/webhooks/{path_segment(webhook_id)}")

    # ---- reading records ------------------------------------------------------------------------

    def _record(self, answer: Any, into: type[Any], what: str) -> Any:
        if isinstance(answer, dict) and isinstance(answer.get("_data"), dict):
            answer = answer["_data"]
        try:
            return msgspec.convert(answer, type=into)
        except msgspec.ValidationError:
            raise self.error("rejected", f"an unreadable {what}", status=200) from None

    async def person(self, person_id: str) -> PersonioPerson:
        found: PersonioPerson = self._record(
            await self.get(f"/v2/persons/{path_segment(person_id)}"), PersonioPerson, "person"
        )
        return found

    async def employment(self, person_id: str, employment_id: str) -> PersonioEmployment:
        path = f"/v2/persons/{path_segment(person_id)}/employments/{path_segment(employment_id)}"
        found: PersonioEmployment = self._record(
            await self.get(path), PersonioEmployment, "employment"
        )
        return found

    async def absence_period(self, period_id: str) -> PersonioAbsencePeriod:
        found: PersonioAbsencePeriod = self._record(
            await self.get(f"/v2/absence-periods/{path_segment(period_id)}"),
            PersonioAbsencePeriod,
            "absence period",
        )
        return found


__all__ = ["API_URL", "PersonioClient", "PersonioWebhookSetting"]
