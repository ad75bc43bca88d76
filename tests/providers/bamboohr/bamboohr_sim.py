"""A local BambooHR: its webhook API over real HTTP on loopback, and its deliveries.

Built from BambooHR's OpenAPI spec (``WebhooksApi``, ``NewWebHook``, ``Webhook``,
``WebHookResponse``, ``WebhookEventType``) and its webhook guides:

- Served under ``/{company_domain}`` (the real host is ``{company_domain}.bamboohr.com``);
  HTTP Basic auth, the API key as the user name and any password. An unknown key, or a key of
  another company, is ``401``.
- ``POST /api/v1/webhooks``: ``name``, ``url`` (``https://`` only) and ``format`` (``json`` or
  ``form-encoded``) are required, else ``400``; ``events`` default to the three
  ``employee_with_fields.*`` types, may not mix those with the others (``400``), and
  ``monitorFields`` must be non-empty when they include an update (``400``); a monitored field
  the key's user may not see is ``403``. ``201`` with the webhook and its ``privateKey``, which
  no other answer carries.
- ``GET``/``PUT``/``DELETE /api/v1/webhooks/{id}``: another user's webhook is ``403``, a missing
  one ``404``; ``PUT`` replaces every field and keeps the private key; ``DELETE`` answers ``200``
  ``text/plain`` "Web hook has been deleted.".
- ``GET /api/v1/webhooks`` lists ``{"webhooks": [{id, name, created, lastSent, url}]}``;
  ``GET /api/v1/webhooks/monitor_fields`` lists ``{"fields": [{id, name, alias}]}``.
- ``deliver`` POSTs an event body to a webhook's URL signed as BambooHR signs (hex HMAC-SHA256
  of the body then ``X-BambooHR-Timestamp``) and retries a ``5xx`` (not a ``4xx``) up to 5 times.

Where the docs are silent the simulator chooses: ids are integers from 100; ``created`` and
``lastSent`` are ``YYYY-MM-DD HH:MM:SS`` (UTC); the private key is 32 hex digits; error bodies are
``{"error": {"code", "message"}}``; retries are immediate (the schedule is BambooHR's business).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.support.servers import Receive, Scope, Send, Simulator, read_request, respond

EVENTS: tuple[str, ...] = (
    "employee_with_fields.updated",
    "employee_with_fields.created",
    "employee_with_fields.deleted",
    "employee.created",
    "employee.updated",
    "employee.deleted",
    "company.updated",
    "company.deleted",
    "company-integrations.updated",
)
"""``WebhookEventType`` of BambooHR's spec, copied from there, not from the adapter."""
DEFAULT_EVENTS = EVENTS[:3]
FIELDS: tuple[tuple[int, str, str], ...] = (
    (1, "First Name", "firstName"),
    (2, "Last Name", "lastName"),
    (17, "Job Title", "jobTitle"),
    (4, "Department", "department"),
    (5, "Employment Status", "employmentHistoryStatus"),
    (6, "Status", "status"),
)
_PATH = re.compile(r"^/([A-Za-z0-9-]+)/api/v1/webhooks(?:/([^/]+))?/?$")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class SimWebhook:
    id: int
    company: str
    api_key: str
    name: str
    url: str
    format: str
    events: list[str]
    monitor_fields: list[str]
    post_fields: dict[str, str]
    include_company_domain: bool
    private_key: str
    created: str
    last_sent: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created": self.created,
            "lastSent": self.last_sent,
            "monitorFields": self.monitor_fields,
            "postFields": self.post_fields,
            "url": self.url,
            "format": self.format,
            "includeCompanyDomain": self.include_company_domain,
            "events": self.events,
        }


@dataclass
class Attempt:
    status_code: int | None
    headers: dict[str, str]


@dataclass
class Delivery:
    webhook_id: int
    body: bytes
    attempts: list[Attempt] = field(default_factory=list)


class _Reject(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class BambooHRSim(Simulator):
    """BambooHR's webhook API on ``127.0.0.1:<free port>``, plus deliveries."""

    def __init__(self) -> None:
        super().__init__("bamboohr-sim")
        self._lock = threading.Lock()
        self._keys: dict[str, tuple[str, frozenset[str]]] = {}
        self._webhooks: dict[int, SimWebhook] = {}
        self._ids = itertools.count(100)
        self.deliveries: list[Delivery] = []
        self.require_https = True
        """BambooHR refuses a URL not starting ``https://``; a test whose gateway listens on
        plain HTTP on loopback turns this off."""

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url_template(self) -> str:
        """The value for ``UNIHOOK_PROVIDER_BAMBOOHR_API_URL``."""
        return self.base_url + "/{company_domain}"

    def reset(self) -> None:
        with self._lock:
            self._keys.clear()
            self._webhooks.clear()
            self.deliveries.clear()
        self.require_https = True
        self.forget_injected()

    def add_key(self, company: str, api_key: str, fields: Iterator[str] | None = None) -> None:
        """An API key of a user of ``company`` who may see ``fields`` (aliases; default all)."""
        allowed = frozenset(fields) if fields is not None else frozenset(a for _, _, a in FIELDS)
        with self._lock:
            self._keys[api_key] = (company, allowed)

    def webhooks(self) -> list[SimWebhook]:
        with self._lock:
            return [replace(w) for w in self._webhooks.values()]

    # ---- deliveries (BambooHR's side) ---------------------------------------------------------

    def deliver(self, webhook_id: int, body: bytes, *, sent_at: int | None = None) -> Delivery:
        """POST ``body`` to the webhook's URL as BambooHR does, retrying a 5xx up to 5 times."""
        with self._lock:
            webhook = replace(self._webhooks[webhook_id])
        delivery = Delivery(webhook_id, body)
        stamp = str(sent_at if sent_at is not None else int(time.time()))
        digest = hmac.new(
            webhook.private_key.encode(), body + stamp.encode(), hashlib.sha256
        ).hexdigest()
        headers = {
            "content-type": "application/json"
            if webhook.format == "json"
            else "application/x-www-form-urlencoded",
            "x-bamboohr-timestamp": stamp,
            "x-bamboohr-signature": digest,
        }
        if webhook.include_company_domain:
            headers["company-domain"] = webhook.company
        with httpx.Client(timeout=10.0) as http:
            for _ in range(6):
                try:
                    status: int | None = http.post(
                        webhook.url, content=body, headers=headers
                    ).status_code
                except httpx.HTTPError:
                    status = None
                delivery.attempts.append(Attempt(status, dict(headers)))
                if status is not None and status < 500:
                    break
        with self._lock:
            if webhook_id in self._webhooks:
                self._webhooks[webhook_id].last_sent = _now()
            self.deliveries.append(delivery)
        return delivery

    # ---- the API ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read_request(scope, receive)
        injected = await self.injected_answer()
        if injected is not None:
            await respond(send, injected.status_code, injected.body, injected.content_type)
            return
        try:
            status, answer = self._answer(
                request.method, request.path, request.headers, request.body
            )
        except _Reject as exc:
            body = {"error": {"code": exc.status_code, "message": exc.message}}
            await respond(send, exc.status_code, json.dumps(body).encode(), "application/json")
            return
        if isinstance(answer, str):
            await respond(send, status, answer.encode(), "text/plain; charset=utf-8")
        else:
            await respond(send, status, json.dumps(answer).encode(), "application/json")

    def _user(self, company: str, headers: dict[str, str]) -> tuple[str, frozenset[str]]:
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("basic "):
            raise _Reject(401, "The user API key is invalid.")
        try:
            user = base64.b64decode(auth[6:].strip()).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            raise _Reject(401, "The user API key is invalid.") from None
        with self._lock:
            found = self._keys.get(user)
        if found is None or found[0] != company:
            raise _Reject(401, "The user API key is invalid.")
        return user, found[1]

    def _answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        match = _PATH.match(path)
        if match is None:
            raise _Reject(404, "Not found")
        company, item = match.groups()
        api_key, allowed = self._user(company, headers)
        if item == "monitor_fields" and method == "GET":
            return 200, {
                "fields": [{"id": i, "name": n, "alias": a} for i, n, a in FIELDS if a in allowed]
            }
        if item is None:
            if method == "POST":
                return 201, self._create(company, api_key, allowed, body)
            if method == "GET":
                with self._lock:
                    mine = [w for w in self._webhooks.values() if w.api_key == api_key]
                return 200, {
                    "webhooks": [
                        {k: w.to_json()[k] for k in ("id", "name", "created", "lastSent", "url")}
                        for w in mine
                    ]
                }
            raise _Reject(405, "Method not allowed")
        webhook = self._own(item, api_key)
        if method == "GET":
            return 200, webhook.to_json()
        if method == "PUT":
            fields = self._fields(body, allowed)
            with self._lock:
                kept = self._webhooks[webhook.id]
                for name, value in fields.items():
                    setattr(kept, name, value)
                return 200, kept.to_json()
        if method == "DELETE":
            with self._lock:
                self._webhooks.pop(webhook.id, None)
            return 200, "Web hook has been deleted."
        raise _Reject(405, "Method not allowed")

    def _own(self, item: str, api_key: str) -> SimWebhook:
        if not item.isdigit():
            raise _Reject(404, "The webhook does not exist.")
        with self._lock:
            webhook = self._webhooks.get(int(item))
        if webhook is None:
            raise _Reject(404, "The webhook does not exist.")
        if webhook.api_key != api_key:
            raise _Reject(403, "The API user key does not have permission to see the webhook.")
        return webhook

    def _fields(self, body: bytes, allowed: frozenset[str]) -> dict[str, Any]:
        try:
            data = json.loads(body)
        except ValueError:
            raise _Reject(400, "Provided JSON is bad.") from None
        if not isinstance(data, dict):
            raise _Reject(400, "Provided JSON is bad.")
        name, url, fmt = data.get("name"), data.get("url"), data.get("format")
        if not isinstance(name, str) or not name:
            raise _Reject(400, "name is required")
        if not isinstance(url, str) or not url.startswith(
            "https://" if self.require_https else ("https://", "http://")
        ):
            raise _Reject(400, "url must begin with https://")
        if fmt not in ("json", "form-encoded"):
            raise _Reject(400, "format must be json or form-encoded")
        events = data.get("events") or list(DEFAULT_EVENTS)
        if not isinstance(events, list) or any(e not in EVENTS for e in events):
            raise _Reject(400, "events holds an unknown event type")
        if len({e.startswith("employee_with_fields.") for e in events}) > 1:
            raise _Reject(400, "Cannot mix employee_with_fields events with employee events")
        monitor = data.get("monitorFields") or []
        if not isinstance(monitor, list) or not all(isinstance(f, str) for f in monitor):
            raise _Reject(400, "monitorFields must be a list of fields")
        if not monitor and {"employee.updated", "employee_with_fields.updated"} & set(events):
            raise _Reject(400, "At least one monitor field is required")
        denied = [f for f in monitor if f not in allowed]
        if denied:
            raise _Reject(403, f"Permission violations in the fields selected: {', '.join(denied)}")
        post = data.get("postFields") or {}
        return {
            "name": name,
            "url": url,
            "format": fmt,
            "events": list(events),
            "monitor_fields": list(monitor),
            "post_fields": dict(post) if isinstance(post, dict) else {},
            "include_company_domain": bool(data.get("includeCompanyDomain")),
        }

    def _create(
        self, company: str, api_key: str, allowed: frozenset[str], body: bytes
    ) -> dict[str, Any]:
        fields = self._fields(body, allowed)
        with self._lock:
            webhook = SimWebhook(
                id=next(self._ids),
                company=company,
                api_key=api_key,
                private_key=secrets.token_hex(16),
                created=_now(),
                **fields,
            )
            self._webhooks[webhook.id] = webhook
        return {**webhook.to_json(), "privateKey": webhook.private_key}


@pytest.fixture(scope="session")
def _bamboohr_server() -> Iterator[BambooHRSim]:
    with BambooHRSim() as sim:
        yield sim


@pytest.fixture
def bamboohr_sim(_bamboohr_server: BambooHRSim) -> Iterator[BambooHRSim]:
    _bamboohr_server.reset()
    yield _bamboohr_server
    _bamboohr_server.reset()
