"""A local Personio: its v2 token endpoint and webhook management API over real HTTP on loopback,
and deliveries authenticated the way its webhooks are (the registered token in ``Authorization``).

From Personio's API reference: ``POST /v2/auth/token`` takes the client-credentials grant as form
fields and answers ``{access_token, token_type, expires_in, scope}``; ``POST /v2/webhooks``
creates a webhook (``url`` and ``enabled_events`` required; ``status`` defaults to ``DISABLED``,
``auth_type`` to ``TOKEN``); ``GET /v2/webhooks`` lists them; ``PATCH`` and ``DELETE
/v2/webhooks/{id}`` change and delete one. A delivery is the envelope ``{company_id, event_name,
occurred_at, payload}`` with ``Authorization: <token exactly as registered>``.

Where the docs are silent the simulator chooses: errors are ``{"title", "detail"}`` (problem
JSON); a bad client id or secret is ``401``; a missing or wrong bearer ``401``; an unknown event
name ``400``; an unknown webhook ``404``; lists are ``{"_data": [...]}``; the token is never
returned; deliveries go to loopback URLs only.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from providers.personio.adapter import EVENT_TYPES, UNMAPPED
from providers.personio.samples import SAMPLES
from tests.support.servers import Receive, Scope, Send, Simulator, read_request, respond

EVENT_NAMES = frozenset(EVENT_TYPES) | frozenset(UNMAPPED)


@dataclass
class SimWebhook:
    id: str
    url: str
    enabled_events: list[str]
    token: str | None
    status: str = "DISABLED"
    auth_type: str = "TOKEN"
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "description": self.description,
            "status": self.status,
            "auth_type": self.auth_type,
            "enabled_events": list(self.enabled_events),
        }


class _Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


@dataclass
class _State:
    clients: dict[str, str] = field(default_factory=dict)
    access: set[str] = field(default_factory=set)
    webhooks: dict[str, SimWebhook] = field(default_factory=dict)


class PersonioSim(Simulator):
    """Personio's v2 auth and webhook API on ``127.0.0.1:<free port>``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        super().__init__("personio-sim")

    def reset(self) -> None:
        with self._lock:
            self._state = _State()
        self.forget_injected()

    def add_client(self, client_id: str, client_secret: str) -> None:
        with self._lock:
            self._state.clients[client_id] = client_secret

    def webhooks(self) -> list[SimWebhook]:
        with self._lock:
            return [dataclasses.replace(w) for w in self._state.webhooks.values()]

    def deliver(self, event_name: str) -> list[httpx.Response]:
        """Send the sample ``event_name`` to every enabled webhook subscribed to it."""
        body = json.dumps(SAMPLES[event_name], separators=(",", ":")).encode()
        out = []
        for webhook in self.webhooks():
            if webhook.status != "ENABLED" or event_name not in webhook.enabled_events:
                continue
            host = urlsplit(webhook.url).hostname
            if host not in ("127.0.0.1", "localhost"):
                continue
            headers = {"content-type": "application/json"}
            if webhook.auth_type == "TOKEN" and webhook.token is not None:
                headers["authorization"] = webhook.token
            out.append(httpx.post(webhook.url, content=body, headers=headers, timeout=30))
        return out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read_request(scope, receive)
        injected = await self.injected_answer()
        if injected is not None:
            await respond(send, injected.status_code, injected.body, injected.content_type)
            return
        try:
            if request.path == "/v2/auth/token" and request.method == "POST":
                status, answer = 200, self._token(request.body)
            else:
                self._authorize(request.headers.get("authorization", ""))
                status, answer = self._route(request.method, request.path, request.json_body())
        except _Refused as exc:
            status, answer = exc.status, {"title": "Error", "detail": exc.detail}
        body = b"" if answer is None else json.dumps(answer).encode()
        await respond(send, status, body, "application/json")

    def _token(self, body: bytes) -> dict[str, Any]:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        with self._lock:
            expected = self._state.clients.get(form.get("client_id", ""))
        if (
            form.get("grant_type") != "client_credentials"
            or expected is None
            or not secrets.compare_digest(expected, form.get("client_secret", ""))
        ):
            raise _Refused(401, "invalid client credentials")
        access = "papi-" + secrets.token_hex(16)
        with self._lock:
            self._state.access.add(access)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 86400,
            "scope": "personio:webhooks:read personio:webhooks:write",
        }

    def _authorize(self, header: str) -> None:
        scheme, _, token = header.partition(" ")
        with self._lock:
            known = token in self._state.access
        if scheme != "Bearer" or not known:
            raise _Refused(401, "missing or invalid access token")

    @staticmethod
    def _events(value: Any) -> list[str]:
        if not isinstance(value, list) or not value:
            raise _Refused(400, "enabled_events must be a non-empty list")
        unknown = [e for e in value if e not in EVENT_NAMES]
        if unknown:
            raise _Refused(400, f"unknown events: {unknown}")
        return [str(e) for e in value]

    def _route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/v2/webhooks" and method == "POST":
            return 201, self._create(body if isinstance(body, dict) else {})
        if path == "/v2/webhooks" and method == "GET":
            return 200, {"_data": [w.to_json() for w in self.webhooks()]}
        if not path.startswith("/v2/webhooks/"):
            raise _Refused(404, "not found")
        webhook_id = path.rsplit("/", 1)[-1]
        with self._lock:
            webhook = self._state.webhooks.get(webhook_id)
        if webhook is None:
            raise _Refused(404, "webhook not found")
        if method == "DELETE":
            with self._lock:
                self._state.webhooks.pop(webhook_id, None)
            return 204, None
        if method == "PATCH" and isinstance(body, dict):
            with self._lock:
                if "enabled_events" in body:
                    webhook.enabled_events = self._events(body["enabled_events"])
                if body.get("status") in ("ENABLED", "DISABLED"):
                    webhook.status = body["status"]
                if "description" in body:
                    webhook.description = body["description"]
                if "token" in body:
                    webhook.token = body["token"]
            return 200, webhook.to_json()
        raise _Refused(405, "method not allowed")

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        url = body.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Refused(400, "url must be an absolute URL")
        auth_type = body.get("auth_type", "TOKEN")
        if auth_type not in ("TOKEN", "CUSTOM", "NONE"):
            raise _Refused(400, "unknown auth_type")
        webhook = SimWebhook(
            id=secrets.token_hex(8),
            url=url,
            enabled_events=self._events(body.get("enabled_events")),
            token=body.get("token") if isinstance(body.get("token"), str) else None,
            status=body.get("status")
            if body.get("status") in ("ENABLED", "DISABLED")
            else "DISABLED",
            auth_type=auth_type,
            description=body.get("description"),
        )
        with self._lock:
            self._state.webhooks[webhook.id] = webhook
        return webhook.to_json()


@pytest.fixture(scope="session")
def personio_sim_server() -> Iterator[PersonioSim]:
    with PersonioSim() as sim:
        yield sim


@pytest.fixture
def personio_sim(personio_sim_server: PersonioSim) -> PersonioSim:
    """The running Personio simulator with empty state."""
    personio_sim_server.reset()
    return personio_sim_server
