"""A local Personio: its v2 token endpoint and webhook management API over real HTTP on loopback,
and deliveries authenticated the way its webhooks are (the registered token in ``Authorization``).

From Personio's API reference: ``POST /v2/auth/token`` takes the client-credentials grant as form
fields and answers ``{access_token, token_type, expires_in, scope}``; ``POST /v2/webhooks``
creates a webhook (``url`` and ``enabled_events`` required; ``status`` defaults to ``DISABLED``,
``auth_type`` to ``TOKEN``); ``GET /v2/webhooks`` lists them; ``PATCH`` and ``DELETE
/v2/webhooks/{id}`` change and delete one; ``GET /v2/persons/{id}``, ``GET
/v2/persons/{person_id}/employments/{id}`` and ``GET /v2/absence-periods/{id}`` read records, each
needing its scope (``personio:persons:read``, ``personio:absences:read``). A delivery is the envelope ``{company_id, event_name,
occurred_at, payload}`` with ``Authorization: <token exactly as registered>``.

Where the docs are silent the simulator chooses: errors are ``{"title", "detail"}`` (problem
JSON); a bad client id or secret is ``401``; a missing or wrong bearer ``401``; an unknown event
name ``400``; an unknown webhook ``404``; lists are ``{"_data": [...]}``; the token is never
returned; deliveries go to loopback URLs only; a token carries every scope its client was given
(``add_client(scopes=...)``) and a call without the scope it needs is ``403``; records are
answered unwrapped (no ``_data``), as the v2 reads answer in Personio's forum examples.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from providers.personio.adapter import EVENT_TYPES, UNMAPPED
from providers.personio.samples import SAMPLES
from providers.testing import (
    Reject,
    SimRequest,
    VendorSimulator,
    event_names,
    route,
    simulator_fixtures,
)

EVENT_NAMES = frozenset(EVENT_TYPES) | frozenset(UNMAPPED)
ALL_SCOPES = frozenset(
    {
        "personio:webhooks:read",
        "personio:webhooks:write",
        "personio:persons:read",
        "personio:absences:read",
    }
)
PERSON, EMPLOYMENT, ABSENCE = "15482937", "20517734", "c8a5b7e2-4d1f-4b6a-9e3c-2f7d8a1b0c94"
SUPERVISOR = "15480001"
PERSON_RECORD: dict[str, Any] = {
    "id": PERSON,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "preferred_name": None,
    "email": "ada@example.com",
    "employments": [{"id": EMPLOYMENT}],
}
EMPLOYMENT_RECORD: dict[str, Any] = {
    "id": EMPLOYMENT,
    "person": {"id": PERSON},
    "status": "ACTIVE",
    "type": "INTERNAL",
    "position": {"title": "Engineer"},
    "supervisor": {"id": SUPERVISOR},
    "start_date": "2024-03-01",
    "end_date": None,
}
ABSENCE_RECORD: dict[str, Any] = {
    "id": ABSENCE,
    "person": {"id": PERSON},
    "absence_type": {"id": "3", "name": "Paid vacation"},
    "starts_from": {"date_time": "2025-06-16T00:00:00", "type": "FIRST_HALF"},
    "ends_at": {"date_time": "2025-06-20T00:00:00", "type": "SECOND_HALF"},
    "approval": {"status": "APPROVED"},
}


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


def _events(value: Any) -> list[str]:
    return event_names(value, EVENT_NAMES, "enabled_events")


class PersonioSim(VendorSimulator):
    """Personio's v2 auth and webhook API on ``127.0.0.1:<free port>``."""

    name = "personio-sim"

    def __init__(self) -> None:
        self._clients: dict[str, tuple[str, frozenset[str]]] = {}
        self._access: dict[str, frozenset[str]] = {}
        self._webhooks: dict[str, SimWebhook] = {}
        self.persons: dict[str, dict[str, Any]] = {}
        self.employments: dict[tuple[str, str], dict[str, Any]] = {}
        self.absence_periods: dict[str, dict[str, Any]] = {}
        super().__init__()

    def reset_state(self) -> None:
        self._clients.clear()
        self._access.clear()
        self._webhooks.clear()
        self.persons = {PERSON: dict(PERSON_RECORD)}
        self.employments = {(PERSON, EMPLOYMENT): dict(EMPLOYMENT_RECORD)}
        self.absence_periods = {ABSENCE: dict(ABSENCE_RECORD)}

    def add_client(
        self, client_id: str, client_secret: str, scopes: frozenset[str] = ALL_SCOPES
    ) -> None:
        with self.lock:
            self._clients[client_id] = (client_secret, scopes)

    def webhooks(self) -> list[SimWebhook]:
        return self.copies_of(self._webhooks)

    def deliver(self, event_name: str) -> list[httpx.Response]:
        """Send the sample ``event_name`` to every enabled webhook subscribed to it."""
        body = json.dumps(SAMPLES[event_name], separators=(",", ":")).encode()
        out = []
        for webhook in self.webhooks():
            if webhook.status != "ENABLED" or event_name not in webhook.enabled_events:
                continue
            if urlsplit(webhook.url).hostname not in ("127.0.0.1", "localhost"):
                continue
            headers = {"content-type": "application/json"}
            if webhook.auth_type == "TOKEN" and webhook.token is not None:
                headers["authorization"] = webhook.token
            out.append(httpx.post(webhook.url, content=body, headers=headers, timeout=30))
        return out

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self._access:
            raise Reject(401, "missing or invalid access token")
        if isinstance(auth, str) and auth not in self._access[token]:
            raise Reject(403, f"the token lacks the scope {auth}")
        return token

    def reject_body(self, reject: Reject) -> Any:
        return {"title": "Error", "detail": reject.message}

    @route("POST", "/v2/auth/token", auth=None)
    def token(self, request: SimRequest) -> tuple[int, Any]:
        form = {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        expected, scopes = self._clients.get(form.get("client_id", ""), ("", frozenset()))
        if (
            form.get("grant_type") != "client_credentials"
            or not expected
            or not secrets.compare_digest(expected, form.get("client_secret", ""))
        ):
            raise Reject(401, "invalid client credentials")
        access = "papi-" + secrets.token_hex(16)
        self._access[access] = scopes
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 86400,
            "scope": " ".join(sorted(scopes)),
        }

    @route("POST", "/v2/webhooks")
    def create(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object()
        url = body.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise Reject(400, "url must be an absolute URL")
        auth_type = body.get("auth_type", "TOKEN")
        if auth_type not in ("TOKEN", "CUSTOM", "NONE"):
            raise Reject(400, "unknown auth_type")
        status = body.get("status")
        webhook = SimWebhook(
            id=secrets.token_hex(8),
            url=str(url),
            enabled_events=_events(body.get("enabled_events")),
            token=body.get("token") if isinstance(body.get("token"), str) else None,
            status=status if status in ("ENABLED", "DISABLED") else "DISABLED",
            auth_type=auth_type,
            description=body.get("description"),
        )
        self._webhooks[webhook.id] = webhook
        return 201, webhook.to_json()

    @route("GET", "/v2/webhooks")
    def listing(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"_data": [w.to_json() for w in self._webhooks.values()]}

    def _webhook(self, request: SimRequest) -> SimWebhook:
        found = self._webhooks.get(request.params["id"])
        if found is None:
            raise Reject(404, "webhook not found")
        return found

    @route("PATCH", "/v2/webhooks/{id}")
    def change(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._webhook(request)
        body = request.json_object()
        if "enabled_events" in body:
            webhook.enabled_events = _events(body["enabled_events"])
        if body.get("status") in ("ENABLED", "DISABLED"):
            webhook.status = body["status"]
        if "description" in body:
            webhook.description = body["description"]
        if isinstance(body.get("token"), str):
            webhook.token = body["token"]
        return 200, webhook.to_json()

    @route("DELETE", "/v2/webhooks/{id}")
    def remove(self, request: SimRequest) -> tuple[int, Any]:
        self._webhook(request)
        del self._webhooks[request.params["id"]]
        return 204, None

    @route("GET", "/v2/persons/{id}", auth="personio:persons:read")
    def person(self, request: SimRequest) -> tuple[int, Any]:
        found = self.persons.get(request.params["id"])
        if found is None:
            raise Reject(404, "person not found")
        return 200, found

    @route("GET", "/v2/persons/{person_id}/employments/{id}", auth="personio:persons:read")
    def employment(self, request: SimRequest) -> tuple[int, Any]:
        found = self.employments.get((request.params["person_id"], request.params["id"]))
        if found is None:
            raise Reject(404, "employment not found")
        return 200, found

    @route("GET", "/v2/absence-periods/{id}", auth="personio:absences:read")
    def absence_period(self, request: SimRequest) -> tuple[int, Any]:
        found = self.absence_periods.get(request.params["id"])
        if found is None:
            raise Reject(404, "absence period not found")
        return 200, found


personio_sim_server, personio_sim = simulator_fixtures(PersonioSim, "personio_sim")
