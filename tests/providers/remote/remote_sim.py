"""A local Remote: its webhook-callback API over real HTTP on loopback, and its signed
notifications.

Built from Remote's docs: calls go to ``/v1/webhook-callbacks`` with ``Authorization: Bearer
<company-scoped access token>``; a missing or unknown token is ``401`` ``{"message":
"Unauthorized"}``. ``POST`` takes ``{url, subscribed_events}`` and answers ``201`` (the runtime's
status; the OpenAPI says ``200``) with ``{"data": {"webhook_callback": {id, url,
subscribed_events, signing_key}}}``, the key shown only then. ``PATCH /{id}`` takes ``url`` and
either ``subscribed_events`` or ``subscribe_to_all_events: true`` (both at once is ``422``);
``DELETE /{id}`` removes the callback. Notifications carry ``X-Remote-Timestamp`` (unix ms) and
``X-Remote-Signature`` (hex HMAC-SHA256 of body + ``:`` + timestamp); a retry keeps the first
attempt's timestamp.

Where the docs are silent the simulator chooses, and says so: ``GET`` answers
``{"data": {"webhook_callbacks": [...]}}`` without keys; an unknown event type is ``422``; a
missing callback is ``404``; notifications go to loopback URLs only (no DNS from tests). Records
are read with ``GET /v1/employments/{id}`` (``{"data": {"employment": ...}}``) and ``GET
/v1/timeoff/{id}`` (``{"data": {"timeoff": ...}}``), only the token's own company's; another
company's or an unknown one is ``404``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

from providers.remote.adapter import EVENT_TYPES, UNMAPPED_TYPES
from providers.testing import (
    BearerTokenSimulator,
    Delivery,
    Reject,
    SimRequest,
    absolute_url,
    event_names,
    loopback_only,
    route,
    simulator_fixtures,
)

BASE = "/v1/webhook-callbacks"
KNOWN_EVENTS = frozenset(EVENT_TYPES) | frozenset(UNMAPPED_TYPES)


@dataclass
class SimCallback:
    id: str
    company: str
    url: str
    subscribed_events: list[str]
    signing_key: str

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "subscribed_events": self.subscribed_events}


def signature(key: str, body: bytes, timestamp: str) -> str:
    """Remote's signature, computed here from its docs (not by the adapter)."""
    return hmac.new(key.encode(), body + b":" + timestamp.encode(), hashlib.sha256).hexdigest()


EMPLOYMENT = "b0f8c2d4-1111-2222-3333-444455556666"
TIMEOFF = "7c1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
EMPLOYMENT_RECORD: dict[str, Any] = {
    "id": EMPLOYMENT,
    "company_id": "acme-inc",
    "full_name": "Ada Lovelace",
    "personal_email": "ada@home.example",
    "work_email": "ada@example.com",
    "job_title": "Engineer",
    "country": {"code": "PRT", "name": "Portugal"},
    "type": "employee",
    "status": "active",
    "provisional_start_date": "2024-03-01",
}
TIMEOFF_RECORD: dict[str, Any] = {
    "id": TIMEOFF,
    "employment_id": EMPLOYMENT,
    "timeoff_type": "paid_time_off",
    "status": "approved",
    "start_date": "2025-02-03",
    "end_date": "2025-02-07",
}


class RemoteSim(BearerTokenSimulator):
    name = "remote-sim"
    default_owner = "acme-inc"

    def __init__(self) -> None:
        super().__init__()
        self.callbacks: dict[str, SimCallback] = {}
        self.employments: dict[str, dict[str, Any]] = {}
        self.time_offs: dict[str, dict[str, Any]] = {}

    def reset_state(self) -> None:
        self.callbacks.clear()
        self.employments = {EMPLOYMENT: dict(EMPLOYMENT_RECORD)}
        self.time_offs = {TIMEOFF: dict(TIMEOFF_RECORD)}

    def callback_list(self) -> list[SimCallback]:
        return self.copies_of(self.callbacks)

    # ---- the vendor's rules -------------------------------------------------------------------

    def reject_body(self, reject: Reject) -> Any:
        return {"message": reject.message}

    def _owned(self, request: SimRequest) -> SimCallback:
        return self.owned_record(
            self.callbacks, request, "Webhook callback not found", owner_field="company"
        )

    @staticmethod
    def _events(value: Any) -> list[str]:
        return event_names(value, KNOWN_EVENTS, "subscribed_events", status=422)

    @route("POST", BASE)
    def register(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object()
        callback = SimCallback(
            id=str(uuid.uuid4()),
            company=request.principal,
            url=absolute_url(body.get("url"), "url", status=422),
            subscribed_events=self._events(body.get("subscribed_events")),
            signing_key=secrets.token_hex(13),
        )
        self.callbacks[callback.id] = callback
        return 201, {
            "data": {"webhook_callback": {**callback.view(), "signing_key": callback.signing_key}}
        }

    @route("GET", BASE)
    def list_callbacks(self, request: SimRequest) -> tuple[int, Any]:
        owned = [c.view() for c in self.callbacks.values() if c.company == request.principal]
        return 200, {"data": {"webhook_callbacks": owned}}

    @route("PATCH", BASE + "/{id}")
    def edit(self, request: SimRequest) -> tuple[int, Any]:
        callback = self._owned(request)
        body = request.json_object()
        if "subscribed_events" in body and body.get("subscribe_to_all_events"):
            raise Reject(422, "subscribed_events and subscribe_to_all_events are exclusive")
        if body.get("subscribe_to_all_events") is True:
            callback.subscribed_events = sorted(KNOWN_EVENTS)
        elif "subscribed_events" in body:
            callback.subscribed_events = self._events(body["subscribed_events"])
        if "url" in body:
            callback.url = absolute_url(body["url"], "url", status=422)
        return 200, {"data": {"webhook_callback": callback.view()}}

    @route("DELETE", BASE + "/{id}")
    def delete(self, request: SimRequest) -> tuple[int, Any]:
        del self.callbacks[self._owned(request).id]
        return 200, {"data": {"status": "ok"}}

    # ---- notifications ------------------------------------------------------------------------

    @route("GET", "/v1/employments/{id}")
    def employment(self, request: SimRequest) -> tuple[int, Any]:
        found = self.employments.get(request.params["id"])
        if found is None or found["company_id"] != request.principal:
            raise Reject(404, "Employment not found")
        return 200, {"data": {"employment": found}}

    @route("GET", "/v1/timeoff/{id}")
    def time_off(self, request: SimRequest) -> tuple[int, Any]:
        found = self.time_offs.get(request.params["id"])
        owner = self.employments.get(found["employment_id"]) if found else None
        if found is None or owner is None or owner["company_id"] != request.principal:
            raise Reject(404, "Time off not found")
        return 200, {"data": {"timeoff": found}}

    def headers_for(
        self, callback_id: str, body: bytes, timestamp: str | None = None
    ) -> dict[str, str]:
        with self.lock:
            callback = self.callbacks[callback_id]
        stamp = timestamp or str(int(time.time() * 1000))
        return {
            "content-type": "application/json",
            "x-remote-timestamp": stamp,
            "x-remote-signature": signature(callback.signing_key, body, stamp),
        }

    async def deliver(
        self, callback_id: str, body: bytes, timestamp: str | None = None
    ) -> Delivery:
        """Send one notification to the callback's URL (loopback only); pass the first
        attempt's ``timestamp`` to send a retry."""
        with self.lock:
            url = loopback_only(self.callbacks[callback_id].url)
        headers = self.headers_for(callback_id, body, timestamp)
        return await self.deliver_to(callback_id, url, body, headers)


remote_sim_server, remote_sim = simulator_fixtures(RemoteSim, "remote_sim")
