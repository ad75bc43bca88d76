"""A local Deel: its webhook API over real HTTP on loopback, and its signed deliveries.

Built from Deel's developer docs: calls go to ``/rest/v2/webhooks`` with ``Authorization: Bearer
<token>`` (webhook endpoints need no scope); a missing or unknown token is ``401``.
``POST /rest/v2/webhooks`` takes ``{name, description, events, status, url, api_version}`` and
answers ``201`` with the webhook and its ``signing_key`` (shown only then); ``GET`` lists them
or shows one (without the key), ``PATCH`` edits any of those fields, ``DELETE`` removes one,
``GET /rest/v2/webhooks/events`` lists the event types with a ``payload_example``. Deliveries
carry ``x-deel-signature`` (hex HMAC-SHA256 of ``POST`` + body), ``x-deel-hmac-label`` and
``x-deel-webhook-version``, and only go to ``enabled`` webhooks.

Where the docs are silent the simulator chooses, and says so: answers are ``{"data": ...}`` and
refusals ``{"errors": [{"message"}]}``; a request body may also be wrapped in ``{"data": ...}``
(Deel's other v2 endpoints take that shape); an unknown event type is ``400``; a missing webhook
is ``404``; deliveries go to loopback URLs only (no DNS from tests).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from providers.deel.samples import SAMPLES
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

BASE = "/rest/v2/webhooks"
STATUSES = ("enabled", "disabled")


@dataclass
class SimWebhook:
    id: str
    owner: str
    name: str
    url: str
    events: list[str]
    status: str
    signing_key: str
    description: str = ""
    api_version: str = "v2"
    deliveries: list[Delivery] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "status": self.status,
            "url": self.url,
            "events": self.events,
            "api_version": self.api_version,
        }


def signature(key: str, body: bytes) -> str:
    """Deel's signature, computed here from its docs (not by the adapter)."""
    return hmac.new(key.encode(), b"POST" + body, hashlib.sha256).hexdigest()


class DeelSim(BearerTokenSimulator):
    name = "deel-sim"
    default_owner = "org-1"

    def __init__(self) -> None:
        super().__init__()
        self.webhooks: dict[str, SimWebhook] = {}

    def reset_state(self) -> None:
        self.webhooks.clear()

    def webhook_list(self) -> list[SimWebhook]:
        return self.copies_of(self.webhooks)

    # ---- the vendor's rules -------------------------------------------------------------------

    def reject_body(self, reject: Reject) -> Any:
        return {"errors": [{"message": reject.message}]}

    @staticmethod
    def _fields(request: SimRequest) -> dict[str, Any]:
        body = request.json_object()
        inner = body.get("data")
        return inner if isinstance(inner, dict) else body

    def _owned(self, request: SimRequest) -> SimWebhook:
        return self.owned_record(self.webhooks, request, "Webhook not found")

    @route("POST", BASE)
    def create(self, request: SimRequest) -> tuple[int, Any]:
        body = self._fields(request)
        status = body.get("status", "enabled")
        if status not in STATUSES:
            raise Reject(400, "status must be enabled or disabled")
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise Reject(400, "name is required")
        webhook = SimWebhook(
            id=str(uuid.uuid4()),
            owner=request.principal,
            name=name,
            description=str(body.get("description") or ""),
            url=absolute_url(body.get("url"), "url"),
            events=event_names(body.get("events"), SAMPLES, "events"),
            status=status,
            api_version=str(body.get("api_version") or "v2"),
            signing_key=secrets.token_hex(24),
        )
        self.webhooks[webhook.id] = webhook
        return 201, {"data": {**webhook.view(), "signing_key": webhook.signing_key}}

    @route("GET", BASE)
    def list_webhooks(self, request: SimRequest) -> tuple[int, Any]:
        owned = [w.view() for w in self.webhooks.values() if w.owner == request.principal]
        return 200, {"data": owned}

    @route("GET", BASE + "/events")
    def event_types(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {
            "data": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
                    "name": name,
                    "payload_example": example,
                }
                for name, example in SAMPLES.items()
            ]
        }

    @route("GET", BASE + "/{id}")
    def show(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"data": self._owned(request).view()}

    @route("PATCH", BASE + "/{id}")
    def edit(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._owned(request)
        body = self._fields(request)
        if "status" in body:
            if body["status"] not in STATUSES:
                raise Reject(400, "status must be enabled or disabled")
            webhook.status = body["status"]
        if "events" in body:
            webhook.events = event_names(body["events"], SAMPLES, "events")
        if "url" in body:
            webhook.url = absolute_url(body["url"], "url")
        for name in ("name", "description"):
            if isinstance(body.get(name), str):
                setattr(webhook, name, body[name])
        return 200, {"data": webhook.view()}

    @route("DELETE", BASE + "/{id}")
    def delete(self, request: SimRequest) -> tuple[int, Any]:
        del self.webhooks[self._owned(request).id]
        return 200, {"data": {"deleted": True}}

    # ---- deliveries ---------------------------------------------------------------------------

    def headers_for(self, webhook_id: str, body: bytes) -> dict[str, str]:
        with self.lock:
            webhook = self.webhooks[webhook_id]
        return {
            "content-type": "application/json",
            "x-deel-signature": signature(webhook.signing_key, body),
            "x-deel-hmac-label": webhook.name,
            "x-deel-webhook-version": "1.0.0",
        }

    async def deliver(self, webhook_id: str, body: bytes) -> Delivery:
        """Send one event to the webhook's URL (enabled webhooks, loopback only)."""
        with self.lock:
            webhook = self.webhooks[webhook_id]
            if webhook.status != "enabled":
                raise RuntimeError("Deel sends nothing to a disabled webhook")
            url = loopback_only(webhook.url)
        return await self.deliver_to(webhook_id, url, body, self.headers_for(webhook_id, body))


deel_sim_server, deel_sim = simulator_fixtures(DeelSim, "deel_sim")
