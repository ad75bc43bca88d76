"""A local Lever: its "Webhooks via the API" endpoints over real HTTP on loopback, and deliveries.

Built from Lever's API documentation: ``GET /v1/webhooks``, ``POST /v1/webhooks`` (``201`` with
the signature token, nested ``{"data": {"data": {...}}}`` as the docs print it), ``PUT
/v1/webhooks`` (only webhooks created through the API), ``DELETE /v1/webhooks/:id`` (``204``).
Authentication is HTTP Basic with an API key as the user name, or an OAuth bearer token whose
scopes must include ``webhooks:read:admin`` (reads) or ``webhooks:write:admin`` (writes). Errors
are ``{"code", "message"}`` with the documented statuses (400, 401, 403, 404, 429); the rate limit
is a token bucket per key, 10 requests a second with bursts of 20. A webhook sends nothing until
a Super Admin switches its event group on (``activate``), as the docs warn.

Where the docs are silent the simulator chooses, and says so: error ``code`` values other than
``ResourceNotFound``; ``403`` for changing a webhook made in Lever's UI; conditions allowed only
on the four events the docs call configurable; no duplicate check (Lever documents none, so two
webhooks may share an event and URL); no ``Retry-After`` on ``429``; the Basic password ignored.

``deliver`` posts an event to the account's webhooks for it, each signed with its own signature
token as Lever signs (hex HMAC-SHA256 of ``token + triggeredAt``), ``User-Agent: Lever-Webhooks``;
``rerun`` sends a delivery's exact body again (the dashboard's Rerun button).
"""

from __future__ import annotations

import asyncio
import base64
import copy
import dataclasses
import ipaddress
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from providers.lever.samples import SAMPLES
from providers.lever.signing import signature
from tests.support.servers import Receive, Scope, Send, Simulator, read_body, respond

LEVER_EVENTS: tuple[str, ...] = (
    "applicationCreated",
    "candidateHired",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
)
"""The webhook triggers of Lever's docs ("Webhooks via the API"), copied from the docs."""

CONFIGURABLE: tuple[str, ...] = (
    "applicationCreated",
    "candidateArchiveChange",
    "candidateHired",
    "candidateStageChange",
)
ORIGINS: tuple[str, ...] = ("applied", "sourced", "referred", "university", "agency", "internal")
READ_SCOPE = "webhooks:read:admin"
WRITE_SCOPE = "webhooks:write:admin"
USER_AGENT = "Lever-Webhooks"

_COLLECTION = re.compile(r"^/v1/webhooks/?$")
_ITEM = re.compile(r"^/v1/webhooks/([^/]+)/?$")


def _millis() -> int:
    return int(time.time() * 1000)


@dataclass
class SimWebhook:
    """One webhook in the simulator's state (a copy when read through ``LeverSim``)."""

    id: str
    account: str
    url: str
    event: str
    signature_token: str
    conditions: dict[str, Any] | None = None
    via_api: bool = True
    created_at: int = field(default_factory=_millis)
    updated_at: int = field(default_factory=_millis)

    def to_json(self, *, created: bool = False) -> dict[str, Any]:
        """As the docs show it: the signature token on create only, conditions otherwise."""
        configuration: dict[str, Any] = {}
        if created:
            configuration["signatureToken"] = self.signature_token
        elif self.conditions is not None:
            configuration["conditions"] = copy.deepcopy(self.conditions)
        if created:
            return {
                "id": self.id,
                "event": self.event,
                "url": self.url,
                "configuration": configuration,
                "createdAt": self.created_at,
                "updatedAt": self.updated_at,
            }
        return {
            "id": self.id,
            "url": self.url,
            "event": self.event,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "configuration": configuration,
        }


@dataclass(frozen=True)
class SimCall:
    """One request the simulator answered."""

    method: str
    path: str
    status_code: int
    authorization: str | None
    body: Any


@dataclass
class Delivery:
    """One request made by ``LeverSim.deliver`` or ``rerun``."""

    webhook_id: str
    url: str
    body: bytes
    headers: dict[str, str]
    response: httpx.Response | None = None
    error: str | None = None

    @property
    def status_code(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.is_success


@dataclass
class _Credential:
    account: str
    scopes: frozenset[str]
    bucket: float
    refilled_at: float


@dataclass
class _Injected:
    status_code: int
    body: bytes
    content_type: str
    delay: float
    after: int = 0


class _Reject(Exception):
    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status_code, self.code, self.message = status_code, code, message


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class LeverSim(Simulator):
    """Lever's webhook API on ``127.0.0.1:<free port>`` (``api_url`` ends in ``/v1``).

    Args:
        allow_http_loopback: accept ``http://`` webhook URLs on loopback (the tests' gateway is
            plain HTTP); Lever takes HTTPS only. May be set later.
        rate: steady requests a second per key (Lever: 10). ``burst``: the bucket's size (20).
        create_nesting: ``"double"`` answers create with ``{"data": {"data": ...}}`` as the docs
            print it; ``"single"`` with ``{"data": ...}`` as every other Lever endpoint.
    """

    def __init__(
        self,
        *,
        allow_http_loopback: bool = False,
        rate: float = 10.0,
        burst: int = 20,
        create_nesting: Literal["double", "single"] = "double",
    ) -> None:
        self.allow_http_loopback = allow_http_loopback
        self.rate, self.burst, self.create_nesting = rate, burst, create_nesting
        self._defaults = (allow_http_loopback, rate, burst, create_nesting)
        self.calls: list[SimCall] = []
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._credentials: dict[str, _Credential] = {}
        self._webhooks: dict[str, SimWebhook] = {}
        self._active_groups: set[tuple[str, str]] = set()
        self._injected: list[_Injected] = []
        super().__init__("lever-sim")

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url(self) -> str:
        return self._server.base_url + "/v1"

    def reset(self) -> None:
        """Forget every key, token, webhook, activation, injected answer and call."""
        with self._lock:
            (self.allow_http_loopback, self.rate, self.burst, self.create_nesting) = self._defaults
            self._credentials.clear()
            self._webhooks.clear()
            self._active_groups.clear()
            self._injected.clear()
            self.calls.clear()
            self.deliveries.clear()

    def add_api_key(self, account: str, api_key: str, *, webhooks: bool = True) -> None:
        """Accept ``api_key`` for ``account``; ``webhooks=False``: a key without that permission."""
        scopes = frozenset({READ_SCOPE, WRITE_SCOPE}) if webhooks else frozenset()
        self._add_credential("basic:" + api_key, account, scopes)

    def add_oauth_token(self, account: str, access_token: str, scopes: tuple[str, ...]) -> None:
        """Accept ``Authorization: Bearer <access_token>`` with these OAuth scopes."""
        self._add_credential("bearer:" + access_token, account, frozenset(scopes))

    def _add_credential(self, key: str, account: str, scopes: frozenset[str]) -> None:
        with self._lock:
            self._credentials[key] = _Credential(account, scopes, float(self.burst), time.time())

    def add_ui_webhook(self, account: str, url: str, event: str) -> SimWebhook:
        """A webhook a Lever user made in the settings page: listed, not changeable by the API."""
        hook = SimWebhook(
            id=str(uuid.uuid4()),
            account=account,
            url=url,
            event=event,
            signature_token=secrets.token_hex(24),
            via_api=False,
        )
        with self._lock:
            self._webhooks[hook.id] = hook
        return dataclasses.replace(hook)

    def activate(self, account: str, *events: str) -> None:
        """A Super Admin switches these event groups on (all ten when none is named)."""
        with self._lock:
            for event in events or LEVER_EVENTS:
                self._active_groups.add((account, event))

    def webhooks(self, account: str | None = None) -> list[SimWebhook]:
        with self._lock:
            return [
                dataclasses.replace(h)
                for h in self._webhooks.values()
                if account is None or h.account == account
            ]

    def webhook(self, webhook_id: str) -> SimWebhook:
        with self._lock:
            return dataclasses.replace(self._webhooks[webhook_id])

    def fail_next(
        self,
        status_code: int,
        body: bytes | str | Mapping[str, Any] = b"",
        *,
        content_type: str | None = None,
        delay: float = 0.0,
        after: int = 0,
    ) -> None:
        """Answer an API request with this instead (after ``delay`` seconds): the next one, or
        the one after ``after`` more have been answered normally."""
        if isinstance(body, Mapping):
            raw, default_type = json.dumps(body).encode(), "application/json"
        elif isinstance(body, str):
            raw, default_type = body.encode(), "text/plain; charset=utf-8"
        else:
            raw, default_type = body, "application/octet-stream"
        with self._lock:
            self._injected.append(
                _Injected(status_code, raw, content_type or default_type, delay, after)
            )

    # ---- deliveries ----------------------------------------------------------------------------

    async def deliver(
        self,
        account: str,
        event: str,
        data: Mapping[str, Any] | None = None,
        *,
        timeout: float = 30.0,
    ) -> list[Delivery]:
        """POST one event to each of the account's webhooks for it whose group is on.

        ``data`` ``None`` sends the adapter's sample ``data`` for the event. Each webhook's body
        has its own token and is signed with its own signature token.
        """
        payload_data = copy.deepcopy(dict(data) if data is not None else SAMPLES[event]["data"])
        with self._lock:
            targets = [
                dataclasses.replace(h)
                for h in self._webhooks.values()
                if h.account == account
                and h.event == event
                and (account, event) in self._active_groups
            ]
        out = []
        for target in targets:
            out.append(await self._post(target, event, payload_data, timeout))
        return out

    async def send_test(self, webhook_id: str, *, timeout: float = 30.0) -> Delivery:
        """The settings page's "test your webhook URL": ``candidateHired`` with empty ``data``."""
        return await self._post(self.webhook(webhook_id), "candidateHired", {}, timeout)

    async def rerun(self, delivery: Delivery, *, timeout: float = 30.0) -> Delivery:
        """Send a delivery's exact bytes again."""
        again = Delivery(delivery.webhook_id, delivery.url, delivery.body, dict(delivery.headers))
        return await self._send(again, timeout)

    async def _post(
        self, target: SimWebhook, event: str, data: dict[str, Any], timeout: float
    ) -> Delivery:
        triggered_at, token = _millis(), secrets.token_hex(24)
        body = json.dumps(
            {
                "triggeredAt": triggered_at,
                "event": event,
                "data": data,
                "signature": signature(token, triggered_at, target.signature_token),
                "token": token,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
        return await self._send(Delivery(target.id, target.url, body, headers), timeout)

    async def _send(self, delivery: Delivery, timeout: float) -> Delivery:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            try:
                delivery.response = await client.post(
                    delivery.url, content=delivery.body, headers=delivery.headers
                )
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    # ---- serving ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw_body = await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method: str = scope["method"]
        path = scope.get("raw_path", scope["path"].encode()).decode("latin-1").split("?", 1)[0]
        injected = None
        with self._lock:
            if self._injected and self._injected[0].after > 0:
                self._injected[0].after -= 1
            elif self._injected:
                injected = self._injected.pop(0)
        if injected is not None:
            if injected.delay:
                await asyncio.sleep(injected.delay)
            status, content, content_type = (
                injected.status_code,
                injected.body,
                injected.content_type,
            )
        else:
            try:
                status, answer = self._handle(method, path, headers, raw_body)
            except _Reject as reject:
                status, answer = (
                    reject.status_code,
                    {"code": reject.code, "message": reject.message},
                )
            content = b"" if answer is None else json.dumps(answer).encode()
            content_type = "application/json"
        try:
            logged: Any = json.loads(raw_body) if raw_body else None
        except ValueError:
            logged = raw_body
        with self._lock:
            self.calls.append(SimCall(method, path, status, headers.get("authorization"), logged))
        await respond(send, status, content, content_type)

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[int, Any]:
        if _COLLECTION.match(path):
            if method == "GET":
                return 200, self._list(self._account(headers, READ_SCOPE))
            if method == "POST":
                return 201, self._create(self._account(headers, WRITE_SCOPE), raw_body)
            if method == "PUT":
                return 200, self._update(self._account(headers, WRITE_SCOPE), raw_body)
            raise _Reject(404, "ResourceNotFound", f"{method} {path} is not a known action")
        if match := _ITEM.match(path):
            if method == "DELETE":
                self._delete(self._account(headers, WRITE_SCOPE), unquote(match.group(1)))
                return 204, None
            raise _Reject(404, "ResourceNotFound", f"{method} {path} is not a known action")
        raise _Reject(404, "ResourceNotFound", f"{method} {path} is not a known action")

    # ---- the API's behaviour ------------------------------------------------------------------

    def _account(self, headers: Mapping[str, str], scope: str) -> str:
        key = _credential_key(headers.get("authorization", ""))
        with self._lock:
            credential = self._credentials.get(key) if key else None
            if credential is None:
                raise _Reject(401, "Unauthorized", "A valid API key was not provided")
            now = time.time()
            credential.bucket = min(
                float(self.burst), credential.bucket + (now - credential.refilled_at) * self.rate
            )
            credential.refilled_at = now
            if credential.bucket < 1:
                raise _Reject(429, "TooManyRequests", "Rate limit exceeded")
            credential.bucket -= 1
            if scope not in credential.scopes:
                raise _Reject(403, "Forbidden", f"Not authorized: needs {scope}")
            return credential.account

    def _list(self, account: str) -> dict[str, Any]:
        with self._lock:
            return {"data": [h.to_json() for h in self._webhooks.values() if h.account == account]}

    def _create(self, account: str, raw_body: bytes) -> dict[str, Any]:
        body = _json_object(raw_body)
        url = self._valid_url(body.get("url"))
        event = body.get("event")
        if not isinstance(event, str) or event not in LEVER_EVENTS:
            raise _Reject(400, "InvalidRequest", "event must be one of the webhook triggers")
        conditions = _valid_configuration(event, body.get("configuration"))
        hook = SimWebhook(
            id=str(uuid.uuid4()),
            account=account,
            url=url,
            event=event,
            signature_token=secrets.token_hex(24),
            conditions=conditions,
        )
        with self._lock:
            self._webhooks[hook.id] = hook
        created = hook.to_json(created=True)
        return {"data": {"data": created}} if self.create_nesting == "double" else {"data": created}

    def _update(self, account: str, raw_body: bytes) -> dict[str, Any]:
        items = _json_object(raw_body).get("data")
        if not isinstance(items, list) or not items:
            raise _Reject(400, "InvalidRequest", "data must be a non-empty array")
        updates: list[tuple[str, str | None, Any]] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise _Reject(400, "InvalidRequest", "each update needs the webhook's id")
            url = self._valid_url(item["url"]) if "url" in item else None
            updates.append((item["id"], url, item.get("configuration", ...)))
        with self._lock:
            for webhook_id, _, _ in updates:
                self._owned(account, webhook_id)
            for webhook_id, url, configuration in updates:
                hook = self._webhooks[webhook_id]
                if url is not None:
                    hook.url = url
                if configuration is not ...:
                    hook.conditions = _valid_configuration(hook.event, configuration)
                hook.updated_at = _millis()
            changed = [self._webhooks[webhook_id].to_json() for webhook_id, _, _ in updates]
        return {"data": changed}

    def _delete(self, account: str, webhook_id: str) -> None:
        with self._lock:
            self._owned(account, webhook_id)
            del self._webhooks[webhook_id]

    def _owned(self, account: str, webhook_id: str) -> SimWebhook:
        """The account's API-made webhook (lock held); ``404`` or ``403`` otherwise."""
        hook = self._webhooks.get(webhook_id)
        if hook is None or hook.account != account:
            raise _Reject(404, "ResourceNotFound", f"webhooks {webhook_id} was not found")
        if not hook.via_api:
            raise _Reject(403, "Forbidden", "Only webhooks created via the API can be changed")
        return hook

    def _valid_url(self, value: Any) -> str:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise _Reject(400, "InvalidRequest", "url must be a valid URL")
        try:
            parts = urlsplit(value)
            host = parts.hostname
            _ = parts.port
        except ValueError:
            raise _Reject(400, "InvalidRequest", "url must be a valid URL") from None
        if not parts.scheme or not host:
            raise _Reject(400, "InvalidRequest", "url must be a valid URL")
        scheme = parts.scheme.lower()
        if scheme == "https" or (
            scheme == "http" and self.allow_http_loopback and _is_loopback(host)
        ):
            return value
        raise _Reject(400, "InvalidRequest", "Only HTTPS webhook URLs are supported")


def _credential_key(authorization: str) -> str | None:
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "bearer:" + value.strip()
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[0]
        except ValueError:
            return None
        return "basic:" + user if user else None
    return None


def _json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body) if raw_body.strip() else {}
    except ValueError:
        raise _Reject(400, "InvalidRequest", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise _Reject(400, "InvalidRequest", "The request body must be a JSON object")
    return body


def _valid_configuration(event: str, value: Any) -> dict[str, Any] | None:
    """``configuration.conditions.origins``: a subset of the documented origins, on the four
    events the docs call configurable."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or set(value) - {"conditions"}:
        raise _Reject(400, "InvalidRequest", "configuration may only hold conditions")
    conditions = value.get("conditions")
    if not isinstance(conditions, dict) or set(conditions) - {"origins"}:
        raise _Reject(400, "InvalidRequest", "conditions may only hold origins")
    origins = conditions.get("origins")
    if not isinstance(origins, list) or not origins or any(o not in ORIGINS for o in origins):
        raise _Reject(400, "InvalidRequest", f"origins must be some of {', '.join(ORIGINS)}")
    if event not in CONFIGURABLE:
        raise _Reject(400, "InvalidRequest", f"{event} cannot be configured with conditions")
    return {"origins": list(dict.fromkeys(origins))}


@pytest.fixture(scope="session")
def lever_sim_server() -> Iterator[LeverSim]:
    """One simulator per session; each test gets it reset."""
    with LeverSim() as sim:
        yield sim


@pytest.fixture
def lever_sim(lever_sim_server: LeverSim) -> LeverSim:
    """The running Lever simulator with empty state."""
    lever_sim_server.reset()
    return lever_sim_server
