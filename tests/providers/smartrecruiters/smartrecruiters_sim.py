"""A local SmartRecruiters: its Webhooks API (subscriptions, activation, secret keys) over real
HTTP on loopback, the activation handshake it sends, and its signed notifications.

Built from SmartRecruiters' developer docs: calls go to ``/webhooks-api/v201907/subscriptions``
with an API key in ``X-SmartToken`` (or an OAuth token as ``Authorization: Bearer``); a missing or
unknown credential is ``401``. ``POST /subscriptions`` takes ``callbackUrl`` and ``events`` and
answers ``201`` with the subscription ``inactive``. ``PUT /subscriptions/{id}/activation`` POSTs
to the callback URL with an ``X-Hook-Secret`` header and activates the subscription only if the
answer is ``200`` carrying the same value (within 20 s), then answers ``204``.
``POST /subscriptions/{id}/secret-key`` makes a key; the keys made before it stay valid for 24
hours (at most 16 live keys). Notifications carry ``event-id``, ``event-name``,
``event-version``, ``link``, ``smartrecruiters-timestamp`` and ``smartrecruiters-signature``:
``v1=<hex HMAC-SHA256>`` per live key, ``;``-separated, over
``{timestamp}.{body}.{event-id}.{event-name}.{event-version}.{link}``.

Where the docs are silent the simulator chooses, and says so: errors are
``{"code", "message"}``; ``events`` may be names or ``{name, version}`` objects (versions default
to ``1.0.0``); a user may hold 20 subscriptions (the help centre's limit), the 21st is ``400``;
the key is answered as ``{"secretKey"}``; a missing subscription is ``404``; activation and
notifications go to loopback URLs only (any other host counts as one that does not answer: no
DNS from tests).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.testing import (
    BearerTokenSimulator,
    Delivery,
    Reject,
    SimRequest,
    absolute_url,
    is_loopback,
    route,
    simulator_fixtures,
)

BASE = "/webhooks-api/v201907/subscriptions"
KEY_OVERLAP = 24 * 3600
MAX_KEYS = 16
MAX_SUBSCRIPTIONS = 20
HANDSHAKE_TIMEOUT = 20.0


@dataclass
class SimKey:
    value: str
    expires_at: float | None = None


@dataclass
class SimSubscription:
    id: str
    owner: str
    callback_url: str
    events: list[dict[str, str]]
    alerting_email: str | None = None
    status: str = "inactive"
    keys: list[SimKey] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "callbackUrl": self.callback_url,
            "events": self.events,
            "status": self.status,
        }

    def live_keys(self, now: float) -> list[str]:
        return [k.value for k in self.keys if k.expires_at is None or k.expires_at > now]


def signature(key: str, timestamp: str, body: bytes, event: Mapping[str, str]) -> str:
    """SmartRecruiters' v1 signature, computed here from its docs (not by the adapter)."""
    fields = [event.get(h, "") for h in ("event-id", "event-name", "event-version", "link")]
    signed = b".".join([timestamp.encode(), body, *(f.encode() for f in fields)])
    return "v1=" + hmac.new(key.encode(), signed, hashlib.sha256).hexdigest()


def _loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and is_loopback(parts.hostname or "")


class SmartRecruitersSim(BearerTokenSimulator):
    name = "smartrecruiters-sim"
    default_owner = "user-1"
    unauthorized_message = "Missing or invalid credentials"
    unauthorized_code = "UNAUTHORIZED"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._start_clock = clock
        self.clock = clock
        """The simulator's time (a test moves it to see keys expire)."""
        self.api_keys: dict[str, str] = {}
        self.subscriptions: dict[str, SimSubscription] = {}
        self.handshakes: list[Delivery] = []

    # ---- data ---------------------------------------------------------------------------------

    def reset_state(self) -> None:
        self.clock = self._start_clock
        self.api_keys.clear()
        self.subscriptions.clear()
        self.handshakes.clear()

    def add_api_key(self, key: str, user: str = "user-1") -> None:
        with self.lock:
            self.api_keys[key] = user

    def subscription_list(self) -> list[SimSubscription]:
        return self.copies_of(self.subscriptions)

    # ---- the vendor's rules -------------------------------------------------------------------

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        key = request.headers.get("x-smarttoken")
        if key is not None:
            if key in self.api_keys:
                return self.api_keys[key]
            raise Reject(401, "Invalid API key", "UNAUTHORIZED")
        return super().authenticate(request, auth)

    def reject_body(self, reject: Reject) -> Any:
        return {"code": reject.code or "ERROR", "message": reject.message}

    def _owned(self, request: SimRequest) -> SimSubscription:
        return self.owned_record(self.subscriptions, request, "Subscription not found", "NOT_FOUND")

    @route("POST", BASE)
    def create(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object()
        url = absolute_url(body.get("callbackUrl"), "callbackUrl", code="INVALID_REQUEST")
        raw_events = body.get("events")
        if not isinstance(raw_events, list) or not raw_events:
            raise Reject(400, "events must name at least one event", "INVALID_REQUEST")
        events = []
        for item in raw_events:
            if isinstance(item, str):
                events.append({"name": item, "version": "1.0.0"})
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                events.append({"name": item["name"], "version": str(item.get("version", "1.0.0"))})
            else:
                raise Reject(400, "events must be event names", "INVALID_REQUEST")
        owned = [s for s in self.subscriptions.values() if s.owner == request.principal]
        if len(owned) >= MAX_SUBSCRIPTIONS:
            raise Reject(400, "Subscription limit reached", "LIMIT_EXCEEDED")
        subscription = SimSubscription(
            id=uuid.uuid4().hex[:16],
            owner=request.principal,
            callback_url=url,
            events=events,
            alerting_email=body.get("alertingEmailAddress"),
        )
        self.subscriptions[subscription.id] = subscription
        return 201, subscription.view()

    @route("GET", BASE + "/{id}")
    def show(self, request: SimRequest) -> tuple[int, Any]:
        return 200, self._owned(request).view()

    @route("DELETE", BASE + "/{id}")
    def delete(self, request: SimRequest) -> tuple[int, Any]:
        del self.subscriptions[self._owned(request).id]
        return 204, None

    @route("POST", BASE + "/{id}/secret-key")
    def new_key(self, request: SimRequest) -> tuple[int, Any]:
        subscription = self._owned(request)
        now = self.clock()
        if len(subscription.live_keys(now)) >= MAX_KEYS:
            raise Reject(400, "Too many active secret keys", "LIMIT_EXCEEDED")
        for key in subscription.keys:
            if key.expires_at is None:
                key.expires_at = now + KEY_OVERLAP
        key = SimKey(secrets.token_urlsafe(16))
        subscription.keys.append(key)
        return 201, {"secretKey": key.value}

    @route("PUT", BASE + "/{id}/activation")
    def activate(self, request: SimRequest) -> tuple[int, Any]:
        subscription = self._owned(request)
        if not self._handshake(subscription):
            raise Reject(400, "Callback URL did not confirm X-Hook-Secret", "ACTIVATION_FAILED")
        subscription.status = "active"
        return 204, None

    def _handshake(self, subscription: SimSubscription) -> bool:
        """POST the ``X-Hook-Secret``; whether the answer is ``200`` echoing it."""
        value = secrets.token_hex(8)
        delivery = Delivery(
            subscription.id, subscription.callback_url, b"", {"x-hook-secret": value}
        )
        if _loopback(subscription.callback_url):
            try:
                delivery.response = httpx.post(
                    subscription.callback_url,
                    headers=delivery.headers,
                    timeout=HANDSHAKE_TIMEOUT,
                    follow_redirects=False,
                )
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
        else:
            delivery.error = "not sent: the simulator calls loopback only"
        self.handshakes.append(delivery)
        answer = delivery.response
        return (
            answer is not None
            and answer.status_code == 200
            and answer.headers.get("x-hook-secret") == value
        )

    # ---- notifications ------------------------------------------------------------------------

    def notification(
        self,
        subscription_id: str,
        event_name: str,
        body: bytes,
        *,
        event_id: str | None = None,
        link: str | None = None,
        timestamp: int | None = None,
    ) -> dict[str, str]:
        """The headers SmartRecruiters sends with ``body``, signed by every live key."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            now = self.clock()
            keys = subscription.live_keys(now)
            version = next(
                (e["version"] for e in subscription.events if e["name"] == event_name), "1.0.0"
            )
        event = {
            "event-id": event_id or str(uuid.uuid4()),
            "event-name": event_name,
            "event-version": version,
        }
        if link is not None:
            event["link"] = link
        stamp = str(int(now if timestamp is None else timestamp))
        headers = {"content-type": "application/json", **event, "smartrecruiters-timestamp": stamp}
        if keys:
            headers["smartrecruiters-signature"] = ";".join(
                signature(k, stamp, body, event) for k in keys
            )
        return headers

    async def deliver(
        self, subscription_id: str, event_name: str, body: bytes, **options: Any
    ) -> Delivery:
        """Send one notification to the subscription's callback (loopback only)."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            if subscription.status != "active":
                raise RuntimeError("SmartRecruiters sends nothing to an inactive subscription")
            url = subscription.callback_url
        headers = self.notification(subscription_id, event_name, body, **options)
        if not _loopback(url):
            raise RuntimeError("the simulator delivers to loopback only")
        return await self.deliver_to(subscription_id, url, body, headers)


smartrecruiters_sim_server, smartrecruiters_sim = simulator_fixtures(
    SmartRecruitersSim, "smartrecruiters_sim"
)
