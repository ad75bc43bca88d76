"""A local Breezy HR: its Webhook Management API over real HTTP on loopback, and its deliveries.

Implements ``seeds/001_*.txt`` (and the partner guide, ``000_*.txt``): customer auth with
``Authorization: <api token>``, partner auth adding ``partner-api-key``; ten endpoints per owner,
the customer and each partner counted and listed separately; Breezy's validation messages; the
secret shown once on create and ``secret_prefix`` afterwards; pause and resume. ``deliver`` posts
an event to the subscribed endpoints signed as Breezy signs (hex HMAC-SHA256 of the body keyed by
the whole ``whsec_...`` secret) and keeps Breezy's delivery stats.

Where the docs are silent the simulator chooses, and says so: error bodies are
``{"error": "..."}``; a token for another company is ``403``; legacy endpoints are read-only
(``400 Legacy webhooks are read-only``) and deliver unsigned; one attempt per delivery, no retries.

Use it as a context manager (``with BreezySim() as sim:``) or through the ``breezy_sim`` fixture
(``pytest_plugins = ["tests.support.breezy_sim"]`` in the test module or the root conftest): one
server per session, its state reset for each test.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from providers.breezy import SAMPLES
from providers.breezy.client import BreezyClient
from tests.support.servers import Receive, Scope, Send, Simulator, read_request, respond

BREEZY_EVENTS: tuple[str, ...] = (
    "candidateAdded",
    "candidateDeleted",
    "candidateStatusUpdated",
    "companyPositionAdded",
    "companyPositionUpdated",
    "companyPositionDeleted",
    "companyPositionStateUpdated",
    "companyNotePosted",
    "companyNoteUpdated",
    "companyNoteDeleted",
)
"""The "Available Events" list of ``001_*.txt``, copied from the docs, not from the adapter."""

QUOTA = 10
SECRET_PREFIX = "whsec_"
WEBHOOK_VERSION = "1"

Owner = tuple[str, ...]
"""``("customer",)`` or ``("partner", partner_key)``; endpoints belong to (company, owner)."""

_COLLECTION = re.compile(r"^/v3/company/([^/]+)/webhook_endpoints/?$")
_ITEM = re.compile(r"^/v3/company/([^/]+)/webhook_endpoint/([^/]+)(?:/(pause|resume))?/?$")


def _now() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _object_id() -> str:
    """A 24-hex-digit id, shaped like the MongoDB ids Breezy uses."""
    return secrets.token_hex(12)


@dataclass
class SimEndpoint:
    """One endpoint in the simulator's state (a copy when read through ``BreezySim``)."""

    id: str
    company_id: str
    owner: Owner
    url: str
    events: list[str]
    description: str | None = None
    status: str = "active"
    enabled: bool = True
    secret: str | None = None
    is_legacy: bool = False
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    successful_deliveries: int = 0
    failed_deliveries: int = 0
    last_delivery_at: str | None = None

    def to_json(self, *, created: bool = False) -> dict[str, Any]:
        """The endpoint object as the docs show it: ``secret`` on create, else ``secret_prefix``."""
        out: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "description": self.description,
            "events": list(self.events),
            "status": self.status,
            "enabled": self.enabled,
            "stats": {
                "successful_deliveries": self.successful_deliveries,
                "failed_deliveries": self.failed_deliveries,
                "last_delivery_at": self.last_delivery_at,
            },
        }
        if created:
            out["secret"] = self.secret
        else:
            out["secret_prefix"] = SECRET_PREFIX
        out["created_at"] = self.created_at
        out["updated_at"] = self.updated_at
        if not created:
            out["is_legacy"] = self.is_legacy
        return out


@dataclass(frozen=True)
class SimCall:
    """One request the simulator answered (for asserting what a client did)."""

    method: str
    path: str
    status_code: int
    partner_key: str | None
    body: Any


@dataclass
class Delivery:
    """One delivery attempt made by ``BreezySim.deliver``."""

    endpoint_id: str
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


class _Reject(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class BreezySim(Simulator):
    """Breezy's Webhook Management API on ``127.0.0.1:<free port>``, plus deliveries.

    Args:
        allow_http_loopback: accept ``http://`` destination URLs whose host is loopback (the
            tests' gateway serves plain HTTP). Off by default, as at Breezy. May be set later.
        quota: endpoints per owner (Breezy: 10).
    """

    def __init__(self, *, allow_http_loopback: bool = False, quota: int = QUOTA) -> None:
        super().__init__("breezy-sim")
        self.allow_http_loopback = allow_http_loopback
        self._allow_http_loopback_default = allow_http_loopback
        self.quota = quota
        self.calls: list[SimCall] = []
        self._lock = threading.Lock()
        self._customers: dict[str, str] = {}  # api token -> company id
        self._partners: set[str] = set()
        self._endpoints: dict[str, SimEndpoint] = {}

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    def reset(self) -> None:
        """Forget every token, partner, endpoint, injected answer and call; keep serving."""
        with self._lock:
            self.allow_http_loopback = self._allow_http_loopback_default
            self._customers.clear()
            self._partners.clear()
            self._endpoints.clear()
            self.calls.clear()
        self.forget_injected()

    def add_customer(self, company_id: str, api_token: str) -> None:
        """Accept ``Authorization: <api_token>`` for ``company_id``."""
        with self._lock:
            self._customers[api_token] = company_id

    def add_partner(self, partner_key: str) -> None:
        """Accept ``partner-api-key: <partner_key>`` (with any registered customer token)."""
        with self._lock:
            self._partners.add(partner_key)

    def add_legacy_endpoint(
        self, company_id: str, url: str, events: list[str] | None = None
    ) -> SimEndpoint:
        """A customer's pre-API webhook: ``is_legacy``, read-only, delivers unsigned."""
        endpoint = SimEndpoint(
            id=_object_id(),
            company_id=company_id,
            owner=("customer",),
            url=url,
            events=list(events or BREEZY_EVENTS),
            is_legacy=True,
        )
        with self._lock:
            self._endpoints[endpoint.id] = endpoint
            return dataclasses.replace(endpoint)

    def endpoints(
        self, company_id: str | None = None, *, partner_key: str | None = None
    ) -> list[SimEndpoint]:
        """Copies of the stored endpoints, oldest first; ``partner_key`` narrows to a partner's."""
        with self._lock:
            return [
                dataclasses.replace(e)
                for e in self._endpoints.values()
                if (company_id is None or e.company_id == company_id)
                and (partner_key is None or e.owner == ("partner", partner_key))
            ]

    def endpoint(self, endpoint_id: str) -> SimEndpoint:
        """A copy of one endpoint, whoever owns it (``KeyError`` if there is none)."""
        with self._lock:
            return dataclasses.replace(self._endpoints[endpoint_id])

    def secret_of(self, endpoint_id: str) -> str | None:
        return self.endpoint(endpoint_id).secret

    # ---- deliveries ----------------------------------------------------------------------------

    async def deliver(
        self,
        company_id: str,
        event_type: str,
        payload: Mapping[str, Any] | bytes | None = None,
        *,
        timeout: float = 30.0,
    ) -> list[Delivery]:
        """POST one event to every active, enabled endpoint of the company subscribed to it.

        ``payload`` ``None`` sends the adapter's sample for ``event_type`` with a fresh ``_id``;
        a mapping is sent as compact JSON (as Breezy's ``JSON.stringify``); bytes are sent as they
        are. Each endpoint gets one attempt; its stats record the outcome.
        """
        body = _event_body(event_type, payload)
        with self._lock:
            targets = [
                dataclasses.replace(e)
                for e in self._endpoints.values()
                if e.company_id == company_id
                and e.status == "active"
                and e.enabled
                and event_type in e.events
            ]
        results: list[Delivery] = []
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            for target in targets:
                headers = {
                    "content-type": "application/json",
                    "user-agent": "Breezy-Webhooks (unihook test simulator)",
                }
                if not target.is_legacy and target.secret is not None:
                    signature = hmac.new(
                        target.secret.encode("utf-8"), body, hashlib.sha256
                    ).hexdigest()
                    headers["X-Hook-Signature"] = signature
                    headers["X-Breezy-Webhook-Version"] = WEBHOOK_VERSION
                delivery = Delivery(
                    endpoint_id=target.id, url=target.url, body=body, headers=headers
                )
                try:
                    delivery.response = await client.post(target.url, content=body, headers=headers)
                except httpx.HTTPError as exc:
                    delivery.error = f"{type(exc).__name__}: {exc}"
                self._record_delivery(target.id, delivery.ok)
                results.append(delivery)
        return results

    def _record_delivery(self, endpoint_id: str, ok: bool) -> None:
        with self._lock:
            endpoint = self._endpoints.get(endpoint_id)
            if endpoint is None:  # deleted while the request was in flight
                return
            if ok:
                endpoint.successful_deliveries += 1
            else:
                endpoint.failed_deliveries += 1
            endpoint.last_delivery_at = _now()

    # ---- the ASGI application ------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read_request(scope, receive)
        injected = await self.injected_answer()
        if injected is not None:
            status, content, content_type = (
                injected.status_code,
                injected.body,
                injected.content_type,
            )
        else:
            try:
                status, answer = self._handle(
                    request.method, request.path, request.headers, request.body
                )
            except _Reject as reject:
                status, answer = reject.status_code, {"error": reject.message}
            content, content_type = json.dumps(answer).encode(), "application/json"
        call = SimCall(
            request.method,
            request.path,
            status,
            request.headers.get("partner-api-key"),
            request.json_body(),
        )
        with self._lock:
            self.calls.append(call)
        await respond(send, status, content, content_type)

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], raw_body: bytes
    ) -> tuple[int, Any]:
        if match := _COLLECTION.match(path):
            company_id = unquote(match.group(1))
            if method == "GET":
                return 200, self._list(company_id, headers)
            if method == "POST":
                return 200, self._create(company_id, headers, raw_body)
            raise _Reject(405, "Method not allowed")
        if match := _ITEM.match(path):
            company_id, endpoint_id = unquote(match.group(1)), unquote(match.group(2))
            action = match.group(3)
            if action is not None:
                if method != "POST":
                    raise _Reject(405, "Method not allowed")
                return 200, self._set_status(company_id, endpoint_id, headers, action)
            if method == "GET":
                return 200, self._get(company_id, endpoint_id, headers)
            if method == "PUT":
                return 200, self._update(company_id, endpoint_id, headers, raw_body)
            if method == "DELETE":
                return 200, self._delete(company_id, endpoint_id, headers)
            raise _Reject(405, "Method not allowed")
        raise _Reject(404, "Not found")

    # ---- the API's behaviour (called with no lock held) -----------------------------------------

    def _owner(self, company_id: str, headers: Mapping[str, str]) -> Owner:
        token = headers.get("authorization", "")
        partner_key = headers.get("partner-api-key")
        with self._lock:
            token_company = self._customers.get(token) if token else None
            partner_ok = partner_key is None or partner_key in self._partners
        if token_company is None:
            raise _Reject(401, "Unauthorized")
        if not partner_ok:
            raise _Reject(401, "Invalid partner API key")
        if token_company != company_id:
            raise _Reject(403, "Forbidden")
        return ("partner", partner_key) if partner_key is not None else ("customer",)

    def _list(self, company_id: str, headers: Mapping[str, str]) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        with self._lock:
            mine = [
                e.to_json()
                for e in self._endpoints.values()
                if e.company_id == company_id and e.owner == owner
            ]
        return {"data": mine}

    def _get(self, company_id: str, endpoint_id: str, headers: Mapping[str, str]) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        with self._lock:
            return self._owned(company_id, endpoint_id, owner).to_json()

    def _create(
        self, company_id: str, headers: Mapping[str, str], raw_body: bytes
    ) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        body = _json_object(raw_body)
        url = self._valid_url(body.get("url"))
        events = _valid_events(body.get("events"))
        description = _valid_description(body.get("description"))
        with self._lock:
            used = sum(
                1
                for e in self._endpoints.values()
                if e.company_id == company_id and e.owner == owner
            )
            if used >= self.quota:
                raise _Reject(429, "Quota exceeded")
            endpoint = SimEndpoint(
                id=_object_id(),
                company_id=company_id,
                owner=owner,
                url=url,
                events=events,
                description=description,
                secret=SECRET_PREFIX + secrets.token_hex(32),
            )
            self._endpoints[endpoint.id] = endpoint
            return endpoint.to_json(created=True)

    def _update(
        self,
        company_id: str,
        endpoint_id: str,
        headers: Mapping[str, str],
        raw_body: bytes,
    ) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        body = _json_object(raw_body)
        changes: dict[str, Any] = {}
        if "url" in body:
            changes["url"] = self._valid_url(body["url"])
        if "events" in body:
            changes["events"] = _valid_events(body["events"])
        if "description" in body:
            changes["description"] = _valid_description(body["description"])
        if "enabled" in body:
            if not isinstance(body["enabled"], bool):
                raise _Reject(400, "Enabled must be a boolean")
            changes["enabled"] = body["enabled"]
        with self._lock:
            endpoint = self._owned(company_id, endpoint_id, owner)
            if endpoint.is_legacy:
                raise _Reject(400, "Legacy webhooks are read-only")
            for name, value in changes.items():
                setattr(endpoint, name, value)
            endpoint.updated_at = _now()
            return endpoint.to_json()

    def _delete(
        self, company_id: str, endpoint_id: str, headers: Mapping[str, str]
    ) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        with self._lock:
            endpoint = self._owned(company_id, endpoint_id, owner)
            if endpoint.is_legacy:
                raise _Reject(400, "Legacy webhooks are read-only")
            del self._endpoints[endpoint.id]
        return {"success": True}

    def _set_status(
        self, company_id: str, endpoint_id: str, headers: Mapping[str, str], action: str
    ) -> dict[str, Any]:
        owner = self._owner(company_id, headers)
        with self._lock:
            endpoint = self._owned(company_id, endpoint_id, owner)
            if endpoint.is_legacy:
                raise _Reject(400, "Legacy webhooks are read-only")
            endpoint.status = "paused" if action == "pause" else "active"
            endpoint.updated_at = _now()
            return endpoint.to_json()

    def _owned(self, company_id: str, endpoint_id: str, owner: Owner) -> SimEndpoint:
        """The endpoint if this owner has it in this company (lock held), else ``404``."""
        endpoint = self._endpoints.get(endpoint_id)
        if endpoint is None or endpoint.company_id != company_id or endpoint.owner != owner:
            raise _Reject(404, "Webhook endpoint not found")
        return endpoint

    def _valid_url(self, value: Any) -> str:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise _Reject(400, "Invalid URL format")
        try:
            parts = urlsplit(value)
            host = parts.hostname
            _ = parts.port
        except ValueError:
            raise _Reject(400, "Invalid URL format") from None
        if not parts.scheme or not host:
            raise _Reject(400, "Invalid URL format")
        scheme = parts.scheme.lower()
        if scheme == "https":
            return value
        if scheme == "http" and self.allow_http_loopback and _is_loopback(host):
            return value
        raise _Reject(400, "URL must use HTTPS protocol")


def _json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body) if raw_body.strip() else {}
    except ValueError:
        raise _Reject(400, "Invalid JSON") from None
    if not isinstance(body, dict):
        raise _Reject(400, "Invalid JSON")
    return body


def _valid_events(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _Reject(400, "Events must be an array")
    if not value:
        raise _Reject(400, "At least one event must be specified")
    if any(not isinstance(event, str) or event not in BREEZY_EVENTS for event in value):
        raise _Reject(400, "Invalid events")
    return list(dict.fromkeys(value))


def _valid_description(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Reject(400, "Invalid description")
    return value


def _event_body(event_type: str, payload: Mapping[str, Any] | bytes | None) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if payload is None:
        sample = SAMPLES.get(event_type)
        envelope: Any = (
            copy.deepcopy(sample)
            if sample is not None
            else {"type": event_type, "object": {}, "creation_date": _now()}
        )
        envelope = {"_id": _object_id(), **{k: v for k, v in envelope.items() if k != "_id"}}
    else:
        envelope = payload
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="session")
def breezy_sim_server() -> Iterator[BreezySim]:
    """One simulator process-wide: starting and stopping uvicorn per test costs ~0.3 s."""
    with BreezySim() as sim:
        yield sim


@pytest.fixture
def breezy_sim(breezy_sim_server: BreezySim) -> BreezySim:
    """The running Breezy simulator with empty state (no tokens, partners or endpoints)."""
    breezy_sim_server.reset()
    return breezy_sim_server


@contextlib.asynccontextmanager
async def breezy_client(
    base_url: str, api_token: str, partner_api_key: str | None = None, *, timeout: float = 10.0
) -> AsyncIterator[BreezyClient]:
    """A ``BreezyClient`` over its own ``httpx.AsyncClient``, closed when the block ends."""
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
        yield BreezyClient(http, base_url, api_token, partner_api_key)
