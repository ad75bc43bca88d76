"""An async client for Ashby's webhook-setting API: ``webhook.create``, ``info``, ``update``,
``delete``.

Ashby's API reference: every call is ``POST {base}/<method>`` with a JSON body, HTTP Basic auth with
the API key as the user name and an empty password. A missing key is ``401``, a wrong or
deactivated one ``403``, a key without the endpoint's permission ``403``
``missing_endpoint_permission``; other refusals come back as ``200`` with
``{"success": false, "errorInfo": {"code", "message", "requestId"}}`` (older answers carry only
``"errors": [codes]``). The API key and secret tokens never appear in a repr or an error message.
The client does no I/O of its own: it sends through the ``httpx.AsyncClient`` it is given.
"""

from __future__ import annotations

from typing import Any, Final

import httpx
import msgspec

from providers.client import APIErrorKind, BasicAuth, VendorClient

API_URL: Final = "https://api.ashbyhq.com"
WEBHOOK_TYPES: Final[tuple[str, ...]] = (
    "applicationSubmit",
    "applicationUpdate",
    "candidateHire",
    "candidateStageChange",
    "candidateDelete",
    "candidateMerge",
    "interviewPlanTransition",
    "interviewScheduleCreate",
    "interviewScheduleUpdate",
    "jobPostingUpdate",
    "jobPostingPublish",
    "jobPostingUnpublish",
    "offerCreate",
    "offerUpdate",
    "offerDelete",
    "pushToHRIS",
    "surveySubmit",
)
"""``webhook.create``'s ``webhookType`` enum in Ashby's API reference."""
UNLISTED_TYPES: Final[tuple[str, ...]] = (
    "jobCreate",
    "jobUpdate",
    "openingCreate",
    "signatureRequestUpdate",
)
"""Types with a payload page in Ashby's reference that the ``webhookType`` enum does not list."""
NOT_FOUND: Final = "webhook_not_found"


class AshbyWebhook(msgspec.Struct, kw_only=True, rename="camel"):
    """A webhook setting as Ashby returns it (``secretToken`` only from create and update)."""

    id: str
    enabled: bool = True
    request_url: str = ""
    webhook_type: str = ""
    secret_token: str | None = None

    def __repr__(self) -> str:
        return (
            f"AshbyWebhook(id={self.id!r}, enabled={self.enabled!r}, "
            f"request_url={self.request_url!r}, webhook_type={self.webhook_type!r})"
        )


class _ErrorInfo(msgspec.Struct, rename="camel"):
    code: str | None = None
    message: str | None = None
    request_id: str | None = None


class _Answer(msgspec.Struct, rename="camel"):
    success: bool | None = None
    results: msgspec.Raw = msgspec.Raw(b"null")
    errors: list[Any] | None = None
    error_info: _ErrorInfo | None = None


_answer_decoder = msgspec.json.Decoder(_Answer)
_webhook_decoder = msgspec.json.Decoder(AshbyWebhook)


def _details(answer: _Answer) -> tuple[str | None, str]:
    """Ashby's error code and text (``errorInfo``, else the deprecated ``errors`` array)."""
    info = answer.error_info
    errors = [str(e) for e in (answer.errors or [])]
    code = (info.code if info is not None else None) or (errors[0] if errors else None)
    message = (info.message if info is not None else None) or ", ".join(errors)
    if message and info is not None and info.request_id:
        message = f"{message} (request {info.request_id})"
    return code, message


class AshbyClient(VendorClient):
    """Ashby's webhook-setting calls for one API key, through a client the caller owns."""

    vendor = "Ashby"

    def __init__(self, http: httpx.AsyncClient, api_key: str, *, base_url: str = API_URL) -> None:
        super().__init__(
            http,
            base_url,
            BasicAuth(api_key),
            headers={"accept": "application/json; version=1"},
        )
        self.credentials = {"api_key": api_key}

    async def _call(self, method: str, body: dict[str, Any]) -> msgspec.Raw:
        response = await self.send("POST", f"/{method}", json=body)
        if response.status_code != 200:
            raise self.status_error(response)
        answer = _answer(response.content)
        if answer is None or answer.success is not True:
            code, message = _details(answer) if answer is not None else (None, "")
            kind: APIErrorKind = "not_found" if code == NOT_FOUND else "rejected"
            raise self.error(
                kind,
                message or "an answer unihook cannot read",
                status=200,
                code=code,
            )
        if bytes(answer.results) == b"null":
            raise self.error("rejected", f"{method} answered success with no results", status=200)
        return answer.results

    def error_details(self, response: httpx.Response) -> tuple[str | None, str]:
        answer = _answer(response.content)
        if answer is not None:
            code, message = _details(answer)
            if message:
                return code, message
        return super().error_details(response)

    async def create(self, webhook_type: str, request_url: str, secret_token: str) -> AshbyWebhook:
        results = await self._call(
            "webhook.create",
            {"webhookType": webhook_type, "requestUrl": request_url, "secretToken": secret_token},
        )
        return self._webhook(results, "webhook.create")

    async def info(self, webhook_id: str) -> AshbyWebhook:
        return self._webhook(await self._call("webhook.info", {"webhookId": webhook_id}), "info")

    async def set_enabled(self, webhook_id: str, enabled: bool) -> AshbyWebhook:
        results = await self._call("webhook.update", {"webhookId": webhook_id, "enabled": enabled})
        return self._webhook(results, "webhook.update")

    async def delete_webhook(self, webhook_id: str) -> None:
        await self._call("webhook.delete", {"webhookId": webhook_id})

    def _webhook(self, results: msgspec.Raw, method: str) -> AshbyWebhook:
        try:
            return _webhook_decoder.decode(results)
        except (msgspec.DecodeError, msgspec.ValidationError):
            webhook_id = None
            try:
                found = msgspec.json.decode(results)
                if isinstance(found, dict) and isinstance(found.get("id"), str):
                    webhook_id = found["id"]
            except msgspec.DecodeError:
                pass
            raise self.error(
                "rejected",
                f"{method} answered an unreadable webhook",
                status=200,
                created_id=webhook_id,
            ) from None


def _answer(content: bytes) -> _Answer | None:
    try:
        return _answer_decoder.decode(content)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
