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
(``pytest_plugins = ["tests.support.ashby_sim"]``): one server per session, reset for each test.
"""

from __future__ import annotations

import base64
import binascii
import copy
import dataclasses
import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from providers.ashby.samples import SAMPLES
from tests.support.servers import Receive, Scope, Send, Simulator, read_body

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


@dataclass(frozen=True)
class SimCall:
    """One request the simulator answered."""

    path: str
    status_code: int
    api_key: str | None
    body: Any
    answer: Any


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


class _Fail(Exception):
    """An answer other than success: HTTP ``status`` with Ashby's error body."""

    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


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


class AshbySim(Simulator):
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
        self._defaults = (rate_limit, rate_window, reject_duplicates, extra_types)
        self.rate_limit, self.rate_window = rate_limit, rate_window
        self.reject_duplicates = reject_duplicates
        self.extra_types = extra_types
        self.ping_timeout = ping_timeout
        self.calls: list[SimCall] = []
        self.pings: list[Delivery] = []
        self._lock = threading.Lock()
        self._keys: dict[str, _Key] = {}
        self._webhooks: dict[str, SimWebhook] = {}
        self._hits: dict[str, list[float]] = {}
        self._injected: list[tuple[int, bytes]] = []
        super().__init__("ashby-sim")

    # ---- set-up and inspection -----------------------------------------------------------------

    def reset(self) -> None:
        """Forget every key, webhook, call and injected answer; keep serving."""
        with self._lock:
            self.rate_limit, self.rate_window, self.reject_duplicates, self.extra_types = (
                self._defaults
            )
            self._keys.clear()
            self._webhooks.clear()
            self._hits.clear()
            self._injected.clear()
            self.calls.clear()
            self.pings.clear()

    def add_key(
        self,
        api_key: str,
        organization: str = "acme",
        *,
        permissions: tuple[str, ...] = (READ, WRITE),
    ) -> None:
        """Accept ``api_key`` for ``organization`` with these API-key-module permissions."""
        with self._lock:
            self._keys[api_key] = _Key(organization, frozenset(permissions))

    def deactivate_key(self, api_key: str) -> None:
        with self._lock:
            self._keys[api_key].active = False

    def webhooks(self, organization: str | None = None) -> list[SimWebhook]:
        """Copies of the stored webhooks, oldest first."""
        with self._lock:
            return [
                dataclasses.replace(w)
                for w in self._webhooks.values()
                if organization is None or w.organization == organization
            ]

    def webhook(self, webhook_id: str) -> SimWebhook:
        with self._lock:
            return dataclasses.replace(self._webhooks[webhook_id])

    def set_enabled(self, webhook_id: str, enabled: bool) -> None:
        """Flip a webhook's flag as an admin would in Ashby's UI (no ping)."""
        with self._lock:
            self._webhooks[webhook_id].enabled = enabled

    def remove(self, webhook_id: str) -> None:
        """Delete a webhook behind unihook's back (as an admin would in Ashby's UI)."""
        with self._lock:
            del self._webhooks[webhook_id]

    def fail_next(self, status_code: int, body: bytes | Mapping[str, Any] = b"") -> None:
        """Answer the next API request with this status and body instead."""
        raw = json.dumps(body).encode() if isinstance(body, Mapping) else body
        with self._lock:
            self._injected.append((status_code, raw))

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
            with self._lock:
                self.pings.append(delivery)
            return False
        try:
            response = httpx.post(
                webhook.request_url,
                content=body,
                headers=delivery.headers,
                timeout=self.ping_timeout,
                follow_redirects=False,
            )
            delivery.attempts.append(Attempt(response.status_code))
            delivery.last = response
        except httpx.HTTPError as exc:
            delivery.attempts.append(Attempt(None, f"{type(exc).__name__}: {exc}"))
        with self._lock:
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
        with self._lock:
            targets = [
                dataclasses.replace(w)
                for w in self._webhooks.values()
                if w.organization == organization and w.webhook_type == action and w.enabled
            ]
        results: list[Delivery] = []
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw_body = await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path: str = scope["path"]
        extra: list[tuple[bytes, bytes]] = []
        with self._lock:
            injected = self._injected.pop(0) if self._injected else None
        api_key = _basic_user(headers.get("authorization", ""))
        if injected is not None:
            status, content = injected
            answer: Any = None
        else:
            try:
                # The pings run in this server's thread: the handler is synchronous on purpose,
                # like Ashby answering webhook.create only after its ping came back.
                status, answer = 200, self._handle(scope["method"], path, api_key, raw_body)
            except _Fail as fail:
                status, answer = fail.status, _error_body(fail.code, fail.message)
                if fail.status == 429:
                    extra.append((b"retry-after", str(int(self.rate_window)).encode()))
            content = json.dumps(answer).encode()
        try:
            logged: Any = json.loads(raw_body) if raw_body else None
        except ValueError:
            logged = raw_body
        with self._lock:
            self.calls.append(SimCall(path, status, api_key, logged, answer))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(content)).encode()),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    # ---- the API -------------------------------------------------------------------------------

    def _handle(self, method: str, path: str, api_key: str | None, raw_body: bytes) -> Any:
        name = path.strip("/")
        if name not in _PERMISSION:
            raise _Fail("not_found", f"Unknown endpoint {path}", 404)
        if method != "POST":
            raise _Fail("method_not_allowed", "Only POST is supported", 405)
        organization = self._authorize(api_key, _PERMISSION[name])
        body = _json_object(raw_body)
        if name == "webhook.create":
            return self._create(organization, body)
        if name == "webhook.info":
            return self._info(organization, body)
        if name == "webhook.update":
            return self._update(organization, body)
        return self._delete(organization, body)

    def _authorize(self, api_key: str | None, permission: str) -> str:
        if not api_key:
            raise _Fail("unauthenticated", "Missing API key: use HTTP Basic auth", 401)
        with self._lock:
            key = self._keys.get(api_key)
            if key is None or not key.active:
                raise _Fail("invalid_api_key", "The API key is invalid or deactivated", 403)
            if permission not in key.permissions:
                raise _Fail(
                    "missing_endpoint_permission",
                    f"The API key is missing the {permission} permission",
                    403,
                )
            if self.rate_limit is not None:
                now = time.monotonic()
                hits = [t for t in self._hits.get(api_key, []) if now - t < self.rate_window]
                if len(hits) >= self.rate_limit:
                    self._hits[api_key] = hits
                    raise _Fail("rate_limit_exceeded", "Too many requests", 429)
                hits.append(now)
                self._hits[api_key] = hits
            return key.organization

    def _create(self, organization: str, body: dict[str, Any]) -> Any:
        webhook_type = body.get("webhookType")
        if not isinstance(webhook_type, str) or webhook_type not in (
            WEBHOOK_TYPES + self.extra_types
        ):
            raise _Fail("invalid_input", f"Invalid webhookType: {webhook_type!r}")
        url = _valid_url(body.get("requestUrl"))
        token = body.get("secretToken")
        if not isinstance(token, str) or not token:
            raise _Fail("invalid_input", "secretToken is required")
        with self._lock:
            if self.reject_duplicates and any(
                w.organization == organization
                and w.webhook_type == webhook_type
                and w.request_url == url
                for w in self._webhooks.values()
            ):
                raise _Fail("duplicate_webhook", "A webhook with this type and URL already exists")
        webhook = SimWebhook(str(uuid.uuid4()), organization, webhook_type, url, token)
        webhook.enabled = self._ping(webhook)
        with self._lock:
            self._webhooks[webhook.id] = webhook
        return {"success": True, "results": webhook.to_json(with_secret=True)}

    def _owned(self, organization: str, body: dict[str, Any]) -> SimWebhook:
        webhook_id = body.get("webhookId")
        if not isinstance(webhook_id, str) or not webhook_id:
            raise _Fail("invalid_input", "webhookId is required")
        webhook = self._webhooks.get(webhook_id)
        if webhook is None or webhook.organization != organization:
            raise _Fail("webhook_not_found", "Webhook not found")
        return webhook

    def _info(self, organization: str, body: dict[str, Any]) -> Any:
        with self._lock:
            webhook = self._owned(organization, body)
            return {"success": True, "results": webhook.to_json(with_secret=False)}

    def _update(self, organization: str, body: dict[str, Any]) -> Any:
        changes = {k: body[k] for k in ("enabled", "requestUrl", "secretToken") if k in body}
        if not changes:
            raise _Fail(
                "invalid_input", "One of enabled, requestUrl or secretToken must be provided"
            )
        if "enabled" in changes and not isinstance(changes["enabled"], bool):
            raise _Fail("invalid_input", "enabled must be a boolean")
        if "requestUrl" in changes:
            changes["requestUrl"] = _valid_url(changes["requestUrl"])
        if "secretToken" in changes and (
            not isinstance(changes["secretToken"], str) or not changes["secretToken"]
        ):
            raise _Fail("invalid_input", "secretToken must be a non-empty string")
        with self._lock:
            webhook = self._owned(organization, body)
            webhook.request_url = changes.get("requestUrl", webhook.request_url)
            webhook.secret_token = changes.get("secretToken", webhook.secret_token)
            wanted = changes.get("enabled", webhook.enabled)
            edited = dataclasses.replace(webhook)
        enabled = self._ping(edited) if wanted else False
        with self._lock:
            current = self._webhooks.get(edited.id)
            if current is None:
                raise _Fail("webhook_not_found", "Webhook not found")
            current.enabled = enabled
            return {"success": True, "results": current.to_json(with_secret=True)}

    def _delete(self, organization: str, body: dict[str, Any]) -> Any:
        with self._lock:
            webhook = self._owned(organization, body)
            del self._webhooks[webhook.id]
        return {"success": True, "results": {"webhookId": webhook.id}}


def _basic_user(authorization: str) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, _password = decoded.partition(":")
    return user or None


def _json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body) if raw_body.strip() else {}
    except ValueError:
        raise _Fail("invalid_input", "Request payload is malformed") from None
    if not isinstance(body, dict):
        raise _Fail("invalid_input", "Request payload is malformed")
    return body


def _valid_url(value: Any) -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise _Fail("invalid_input", "requestUrl must be a valid URL")
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        raise _Fail("invalid_input", "requestUrl must be a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise _Fail("invalid_input", "requestUrl must be a valid URL")
    return value


def _local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


@pytest.fixture(scope="session")
def ashby_sim_server() -> Iterator[AshbySim]:
    with AshbySim() as sim:
        yield sim


@pytest.fixture
def ashby_sim(ashby_sim_server: AshbySim) -> AshbySim:
    """The running Ashby simulator with empty state."""
    ashby_sim_server.reset()
    return ashby_sim_server
