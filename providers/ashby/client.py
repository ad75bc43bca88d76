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

import base64
from typing import Any, Final

import httpx
import msgspec

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
_MAX_MESSAGE_CHARS = 300


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


class AshbyAPIError(Exception):
    """Ashby refused the call or could not be reached (``status_code`` ``None``).

    ``code`` is Ashby's error code (``errorInfo.code``, else the first of ``errors``) when it sent
    one; ``webhook_id`` is set when a create succeeded but its answer could not be used, so the
    caller can delete that webhook again.
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

    @property
    def is_auth_error(self) -> bool:
        return self.status_code in (401, 403)

    @property
    def is_rate_limited(self) -> bool:
        return self.status_code == 429

    @property
    def is_not_found(self) -> bool:
        return self.code == NOT_FOUND

    @property
    def is_refusal(self) -> bool:
        """Ashby read the request and said no (``200`` with ``success: false``)."""
        return self.status_code == 200

    def __str__(self) -> str:
        if self.status_code is None:
            return f"Ashby unreachable: {self.message}"
        if self.status_code == 200:
            return f"Ashby refused: {self.message}"
        return f"Ashby {self.status_code}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"AshbyAPIError(status_code={self.status_code!r}, code={self.code!r}, "
            f"message={self.message!r})"
        )


_answer_decoder = msgspec.json.Decoder(_Answer)
_webhook_decoder = msgspec.json.Decoder(AshbyWebhook)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _failure(status: int, answer: _Answer | None, body: bytes) -> AshbyAPIError:
    info = answer.error_info if answer is not None else None
    errors = [str(e) for e in (answer.errors or [])] if answer is not None else []
    code = (info.code if info is not None else None) or (errors[0] if errors else None)
    message = (info.message if info is not None else None) or ", ".join(errors)
    if not message and status != 200 and answer is None:
        # A proxy's or load balancer's page, not Ashby's JSON (which could echo a token).
        message = body.decode("utf-8", "replace").strip()
    if not message:
        phrase = httpx.codes.get_reason_phrase(status) if status != 200 else ""
        message = phrase or "an answer unihook cannot read"
    if info is not None and info.request_id:
        message = f"{message} (request {info.request_id})"
    return AshbyAPIError(status, _clip(message), code=code)


class AshbyClient:
    """Ashby's webhook-setting calls for one API key, through a client the caller owns."""

    def __init__(self, http: httpx.AsyncClient, api_key: str, *, base_url: str = API_URL) -> None:
        self._http = http
        self.credentials = {"api_key": api_key}
        self._base = base_url.rstrip("/")
        token = base64.b64encode(f"{api_key}:".encode()).decode("ascii")
        self._headers = {
            "authorization": f"Basic {token}",
            "accept": "application/json; version=1",
            "content-type": "application/json",
        }

    def __repr__(self) -> str:
        return f"AshbyClient(base_url={self._base!r})"

    async def _call(self, method: str, body: dict[str, Any]) -> msgspec.Raw:
        try:
            response = await self._http.post(
                f"{self._base}/{method}", content=msgspec.json.encode(body), headers=self._headers
            )
        except httpx.HTTPError as exc:
            raise AshbyAPIError(None, f"{type(exc).__name__} calling {method}") from None
        try:
            answer: _Answer | None = _answer_decoder.decode(response.content)
        except (msgspec.DecodeError, msgspec.ValidationError):
            answer = None
        if response.status_code != 200:
            raise _failure(response.status_code, answer, response.content)
        if answer is None or answer.success is not True:
            raise _failure(200, answer, response.content)
        if bytes(answer.results) == b"null":
            raise AshbyAPIError(200, f"{method} answered success with no results")
        return answer.results

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

    async def delete(self, webhook_id: str) -> None:
        await self._call("webhook.delete", {"webhookId": webhook_id})

    @staticmethod
    def _webhook(results: msgspec.Raw, method: str) -> AshbyWebhook:
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
            raise AshbyAPIError(
                200, f"{method} answered an unreadable webhook", webhook_id=webhook_id
            ) from None
