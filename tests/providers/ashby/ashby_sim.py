"""A local Ashby: its webhook-setting API (``webhook.create|info|update|delete``) over real HTTP
on loopback, the ping it sends when a webhook is created or edited, and its signed deliveries.

Built from Ashby's developer docs: every call is ``POST`` with a JSON body; HTTP Basic auth with
the API key as the user name and an empty password; a missing key is ``401``, a wrong or
deactivated key ``403``, a key without the endpoint's permission (``apiKeysWrite`` to create,
update or delete, ``apiKeysRead`` for info) ``403`` with ``missing_endpoint_permission``; what
would be a ``4xx`` otherwise is ``200`` with ``{"success": false, "errors": [code], "errorInfo":
{code, message, requestId}}``. ``webhook.create`` takes ``webhookType`` (the enum of the API
reference), ``requestUrl`` and ``secretToken``, all required, and echoes the token back;
``webhook.info`` never shows it. Creating or editing a webhook sends a ``ping``; if the endpoint
does not answer or answers an error, the webhook is kept but disabled. Deliveries are signed
``Ashby-Signature: sha256=<hex HMAC-SHA256 of the body>`` keyed by the secret token, and retried
on every failure except ``401``, ``403``, ``404``, ``405`` and ``410``.

Where the docs are silent the simulator chooses, and says so: a non-``POST`` is ``405`` and an
unknown method name ``404`` (both with the error body); ``requestUrl`` must be an absolute
``http(s)`` URL; a ping fails on no answer or a status of ``400`` or more ("any code >400" in the
docs); a missing webhook is ``webhook_not_found``; rate limiting (off unless ``rate_limit`` is set)
is ``429`` with ``Retry-After`` and ``rate_limit_exceeded``; the same type and URL twice is allowed
(the docs invite several webhooks per event) unless ``reject_duplicates`` is set, which answers
``duplicate_webhook``; deliveries retry at once, without Ashby's delays; pings and deliveries go
to loopback URLs only (any other host counts as one that does not answer: no DNS from tests).

Use it as a context manager (``with AshbySim() as sim:``) or through the ``ashby_sim`` fixture
(loaded as a plugin by ``tests/conftest.py``): one server per session, reset for each test.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.ashby.samples import SAMPLES
from providers.client import tls_context
from providers.testing import (
    Reject,
    SimRequest,
    VendorSimulator,
    basic_user,
    is_loopback,
    route,
    simulator_fixtures,
)

WEBHOOK_TYPES: tuple[str, ...] = (
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
"""``webhook.create``'s ``webhookType`` enum, copied from Ashby's API reference (not the adapter)."""

UNLISTED_TYPES: tuple[str, ...] = (
    "jobCreate",
    "jobUpdate",
    "openingCreate",
    "signatureRequestUpdate",
)
"""Types with a payload schema in the reference but missing from that enum."""

NON_RETRYABLE: frozenset[int] = frozenset({401, 403, 404, 405, 410})
"""Ashby's "Retries" guide: answers it never retries."""

MAX_ATTEMPTS = 10
WRITE, READ = "apiKeysWrite", "apiKeysRead"
_PERMISSION = {
    "webhook.create": WRITE,
    "webhook.update": WRITE,
    "webhook.delete": WRITE,
    "webhook.info": READ,
}


@dataclass
class SimWebhook:
    """One webhook setting (a copy when read through ``AshbySim``)."""

    id: str
    organization: str
    webhook_type: str
    request_url: str
    secret_token: str
    enabled: bool = True

    def to_json(self, *, with_secret: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "enabled": self.enabled,
            "requestUrl": self.request_url,
            "webhookType": self.webhook_type,
        }
        if with_secret:
            out["secretToken"] = self.secret_token
        return out


@dataclass
class Attempt:
    status_code: int | None
    error: str | None = None


@dataclass
class Delivery:
    """One event sent to one webhook, with every attempt Ashby's retry rule made."""

    webhook_id: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: list[Attempt] = field(default_factory=list)
    last: httpx.Response | None = None

    @property
    def status_code(self) -> int | None:
        return self.attempts[-1].status_code if self.attempts else None

    @property
    def ok(self) -> bool:
        code = self.status_code
        return code is not None and 200 <= code < 300


@dataclass
class _Key:
    organization: str
    permissions: frozenset[str]
    active: bool = True


def _request_id() -> str:
    return secrets.token_hex(13).upper()[:26]


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {
        "success": False,
        "errors": [code],
        "errorInfo": {"code": code, "message": message, "requestId": _request_id()},
    }


def sign(secret: str, body: bytes) -> str:
    """The ``Ashby-Signature`` value for ``body``, as Ashby's docs compute it."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class AshbySim(VendorSimulator):
    """Ashby's webhook-setting API on ``127.0.0.1:<free port>``, plus pings and deliveries.

    Args:
        rate_limit: requests per ``rate_window`` seconds per API key before ``429`` (None: off).
        reject_duplicates: refuse a second webhook with the same type and URL.
        extra_types: webhook types accepted beyond the reference's enum (e.g. ``UNLISTED_TYPES``).
        ping_timeout: seconds a ping may take before it counts as failed.
    """

    def __init__(
        self,
        *,
        rate_limit: int | None = None,
        rate_window: float = 60.0,
        reject_duplicates: bool = False,
        extra_types: tuple[str, ...] = (),
        ping_timeout: float = 10.0,
    ) -> None:
        super().__init__()
        self._defaults = (rate_limit, rate_window, reject_duplicates, extra_types)
        self.rate_limit, self.rate_window = rate_limit, rate_window
        self.reject_duplicates = reject_duplicates
        self.extra_types = extra_types
        self.ping_timeout = ping_timeout
        self.pings: list[Delivery] = []
        self._keys: dict[str, _Key] = {}
        self._webhooks: dict[str, SimWebhook] = {}
        self._hits: dict[str, list[float]] = {}

    # ---- set-up and inspection -----------------------------------------------------------------

    def reset_state(self) -> None:
        """Forget every key, webhook and ping; the settings go back to their defaults."""
        self.rate_limit, self.rate_window, self.reject_duplicates, self.extra_types = self._defaults
        self._keys.clear()
        self._webhooks.clear()
        self._hits.clear()
        self.pings.clear()

    def add_key(
        self,
        api_key: str,
        organization: str = "acme",
        *,
        permissions: tuple[str, ...] = (READ, WRITE),
    ) -> None:
        """Accept ``api_key`` for ``organization`` with these API-key-module permissions."""
        with self.lock:
            self._keys[api_key] = _Key(organization, frozenset(permissions))

    def deactivate_key(self, api_key: str) -> None:
        with self.lock:
            self._keys[api_key].active = False

    def webhooks(self, organization: str | None = None) -> list[SimWebhook]:
        """Copies of the stored webhooks, oldest first."""
        return self.copies_of(self._webhooks, organization=organization)

    def webhook(self, webhook_id: str) -> SimWebhook:
        with self.lock:
            return dataclasses.replace(self._webhooks[webhook_id])

    def set_enabled(self, webhook_id: str, enabled: bool) -> None:
        """Flip a webhook's flag as an admin would in Ashby's UI (no ping)."""
        with self.lock:
            self._webhooks[webhook_id].enabled = enabled

    def remove(self, webhook_id: str) -> None:
        """Delete a webhook behind unihook's back (as an admin would in Ashby's UI)."""
        with self.lock:
            del self._webhooks[webhook_id]

    # ---- pings and deliveries ------------------------------------------------------------------

    def _ping(self, webhook: SimWebhook) -> bool:
        """POST the ping to the webhook's URL; whether it counts as answered (below 400)."""
        body = json.dumps(
            {
                "webhookActionId": str(uuid.uuid4()),
                "action": "ping",
                "data": {"webhookActionType": "ping"},
            },
            separators=(",", ":"),
        ).encode()
        delivery = Delivery(webhook.id, webhook.request_url, body, _headers(webhook, body))
        if not _local(webhook.request_url):
            # Tests must not leave the machine (no DNS either): a name the simulator will not
            # look up counts as a URL that does not answer, as it would for Ashby.
            delivery.attempts.append(Attempt(None, "not pinged: the simulator pings loopback only"))
            with self.lock:
                self.pings.append(delivery)
            return False
        try:
            response = httpx.post(
                webhook.request_url,
                content=body,
                headers=delivery.headers,
                timeout=self.ping_timeout,
                follow_redirects=False,
                verify=tls_context(),
            )
            delivery.attempts.append(Attempt(response.status_code))
            delivery.last = response
        except httpx.HTTPError as exc:
            delivery.attempts.append(Attempt(None, f"{type(exc).__name__}: {exc}"))
        with self.lock:
            self.pings.append(delivery)
        code = delivery.status_code
        return code is not None and code < 400

    async def deliver(
        self,
        action: str,
        payload: Mapping[str, Any] | bytes | None = None,
        *,
        organization: str = "acme",
        webhook_action_id: bool = True,
        max_attempts: int = MAX_ATTEMPTS,
        timeout: float = 30.0,
    ) -> list[Delivery]:
        """Send one event to every enabled webhook of its type, retrying as Ashby does.

        ``payload`` None sends the sample for ``action`` with a fresh ``webhookActionId`` (or
        none at all with ``webhook_action_id=False``); a mapping is sent as compact JSON; bytes
        as they are. Every webhook of the type gets the same ``webhookActionId``, as Ashby's
        docs promise. A failed attempt is retried at once unless its status is one Ashby never
        retries, up to ``max_attempts``.
        """
        body = _event_body(action, payload, webhook_action_id)
        with self.lock:
            targets = [
                dataclasses.replace(w)
                for w in self._webhooks.values()
                if w.organization == organization and w.webhook_type == action and w.enabled
            ]
        results: list[Delivery] = []
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, verify=tls_context()
        ) as client:
            for target in targets:
                delivery = Delivery(target.id, target.request_url, body, _headers(target, body))
                if not _local(target.request_url):
                    delivery.attempts.append(Attempt(None, "not sent: loopback only"))
                    results.append(delivery)
                    continue
                for _ in range(max_attempts):
                    try:
                        response = await client.post(
                            target.request_url, content=body, headers=delivery.headers
                        )
                    except httpx.HTTPError as exc:
                        delivery.attempts.append(Attempt(None, f"{type(exc).__name__}: {exc}"))
                        continue
                    delivery.last = response
                    delivery.attempts.append(Attempt(response.status_code))
                    if response.is_success or response.status_code in NON_RETRYABLE:
                        break
                results.append(delivery)
        return results

    # ---- serving -------------------------------------------------------------------------------
    # The pings run in this server's thread: the handlers are synchronous on purpose, like Ashby
    # answering webhook.create only after its ping came back.

    def reject_body(self, reject: Reject) -> Any:
        return _error_body(reject.code or "invalid_input", reject.message)

    def no_route(self, request: SimRequest, path_known: bool) -> Reject:
        if path_known:
            return Reject(405, "Only POST is supported", "method_not_allowed")
        return Reject(404, f"Unknown endpoint {request.path}", "not_found")

    def answer_headers(self, request: SimRequest, status: int) -> list[tuple[str, str]]:
        return [("retry-after", str(int(self.rate_window)))] if status == 429 else []

    def authenticate(self, request: SimRequest, auth: Any) -> str:
        return self._authorize(basic_user(request.headers.get("authorization", "")), auth)

    @route("POST", "/webhook.create", auth=WRITE)
    def _create(self, request: SimRequest) -> tuple[int, Any]:
        organization, body = request.principal, _json_object(request)
        webhook_type = body.get("webhookType")
        if not isinstance(webhook_type, str) or webhook_type not in (
            WEBHOOK_TYPES + self.extra_types
        ):
            raise Reject(200, f"Invalid webhookType: {webhook_type!r}", "invalid_input")
        url = _valid_url(body.get("requestUrl"))
        token = body.get("secretToken")
        if not isinstance(token, str) or not token:
            raise Reject(200, "secretToken is required", "invalid_input")
        if self.reject_duplicates and any(
            w.organization == organization
            and w.webhook_type == webhook_type
            and w.request_url == url
            for w in self._webhooks.values()
        ):
            raise Reject(
                200, "A webhook with this type and URL already exists", "duplicate_webhook"
            )
        webhook = SimWebhook(str(uuid.uuid4()), organization, webhook_type, url, token)
        webhook.enabled = self._ping(webhook)
        self._webhooks[webhook.id] = webhook
        return 200, {"success": True, "results": webhook.to_json(with_secret=True)}

    def _owned(self, organization: str, body: dict[str, Any]) -> SimWebhook:
        webhook_id = body.get("webhookId")
        if not isinstance(webhook_id, str) or not webhook_id:
            raise Reject(200, "webhookId is required", "invalid_input")
        webhook = self._webhooks.get(webhook_id)
        if webhook is None or webhook.organization != organization:
            raise Reject(200, "Webhook not found", "webhook_not_found")
        return webhook

    @route("POST", "/webhook.info", auth=READ)
    def _info(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._owned(request.principal, _json_object(request))
        return 200, {"success": True, "results": webhook.to_json(with_secret=False)}

    @route("POST", "/webhook.update", auth=WRITE)
    def _update(self, request: SimRequest) -> tuple[int, Any]:
        body = _json_object(request)
        changes = {k: body[k] for k in ("enabled", "requestUrl", "secretToken") if k in body}
        if not changes:
            raise Reject(
                200, "One of enabled, requestUrl or secretToken must be provided", "invalid_input"
            )
        if "enabled" in changes and not isinstance(changes["enabled"], bool):
            raise Reject(200, "enabled must be a boolean", "invalid_input")
        if "requestUrl" in changes:
            changes["requestUrl"] = _valid_url(changes["requestUrl"])
        if "secretToken" in changes and (
            not isinstance(changes["secretToken"], str) or not changes["secretToken"]
        ):
            raise Reject(200, "secretToken must be a non-empty string", "invalid_input")
        webhook = self._owned(request.principal, body)
        webhook.request_url = changes.get("requestUrl", webhook.request_url)
        webhook.secret_token = changes.get("secretToken", webhook.secret_token)
        wanted = changes.get("enabled", webhook.enabled)
        webhook.enabled = self._ping(dataclasses.replace(webhook)) if wanted else False
        return 200, {"success": True, "results": webhook.to_json(with_secret=True)}

    @route("POST", "/webhook.delete", auth=WRITE)
    def _delete(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._owned(request.principal, _json_object(request))
        del self._webhooks[webhook.id]
        return 200, {"success": True, "results": {"webhookId": webhook.id}}

    def _authorize(self, api_key: str | None, permission: str) -> str:
        if not api_key:
            raise Reject(401, "Missing API key: use HTTP Basic auth", "unauthenticated")
        with self.lock:
            key = self._keys.get(api_key)
            if key is None or not key.active:
                raise Reject(403, "The API key is invalid or deactivated", "invalid_api_key")
            if permission not in key.permissions:
                raise Reject(
                    403,
                    f"The API key is missing the {permission} permission",
                    "missing_endpoint_permission",
                )
            if self.rate_limit is not None:
                now = time.monotonic()
                hits = [t for t in self._hits.get(api_key, []) if now - t < self.rate_window]
                if len(hits) >= self.rate_limit:
                    self._hits[api_key] = hits
                    raise Reject(429, "Too many requests", "rate_limit_exceeded")
                hits.append(now)
                self._hits[api_key] = hits
            return key.organization


def _json_object(request: SimRequest) -> dict[str, Any]:
    body: dict[str, Any] = request.json_object("Request payload is malformed", status=200)
    return body


def _valid_url(value: Any) -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise Reject(200, "requestUrl must be a valid URL", "invalid_input")
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        raise Reject(200, "requestUrl must be a valid URL", "invalid_input") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Reject(200, "requestUrl must be a valid URL", "invalid_input")
    return value


def _local(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def _headers(webhook: SimWebhook, body: bytes) -> dict[str, str]:
    headers = {"content-type": "application/json", "user-agent": "Ashby (unihook test simulator)"}
    if webhook.secret_token:
        headers["ashby-signature"] = sign(webhook.secret_token, body)
    return headers


def _event_body(
    action: str, payload: Mapping[str, Any] | bytes | None, with_action_id: bool
) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if payload is None:
        sample = SAMPLES.get(action)
        envelope: dict[str, Any] = (
            copy.deepcopy(sample) if sample is not None else {"action": action, "data": {}}
        )
        envelope.pop("webhookActionId", None)
        if with_action_id:
            envelope = {"webhookActionId": str(uuid.uuid4()), **envelope}
    else:
        envelope = dict(payload)
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


ashby_sim_server, ashby_sim = simulator_fixtures(AshbySim, "ashby_sim")
