"""A local Gusto: its webhook subscription API over real HTTP on loopback, the verification-token
POST it sends to a subscription's URL, and its signed event deliveries.

From Gusto's webhooks guides and API reference: ``POST /v1/webhook_subscriptions``
(``{url, subscription_types}``) answers ``201`` with the subscription, ``status: "pending"``, and
then Gusto POSTs ``{"verification_token": ...}`` to the URL; ``PUT .../{uuid}/verify`` with that
token makes it ``verified`` (a wrong token is refused); ``GET .../{uuid}/request_verification_token``
sends the token again; ``GET|PUT|DELETE .../{uuid}`` read, change the types of and delete it.
Only a verified subscription receives events, each signed ``X-Gusto-Signature`` = hex
HMAC-SHA256 of the body keyed by the token. Requests need ``Authorization: Bearer <token>`` (or
``Token <token>``, the older scheme); a wrong one is ``401``.

Where the docs are silent the simulator chooses: errors are ``{"errors": [{"message"}]}``; a
wrong verification token is ``422``; an unknown subscription ``404``; the token POST is sent from
a background thread just after the answer (as Gusto's would be, by a job), and only to loopback
URLs (any other host is not contacted: tests never leave the machine, DNS included).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import ipaddress
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from providers.gusto.provisioner import SUBSCRIPTION_TYPES
from providers.gusto.samples import SAMPLES
from tests.support.servers import Receive, Scope, Send, Simulator, read_request, respond

PREFIX = "/v1/webhook_subscriptions"


@dataclass
class SimSubscription:
    uuid: str
    url: str
    subscription_types: list[str]
    verification_token: str
    status: str = "pending"

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "url": self.url,
            "status": self.status,
            "subscription_types": list(self.subscription_types),
        }


@dataclass(frozen=True)
class TokenPost:
    """One verification-token POST and the status it got (None: not sent or no answer)."""

    url: str
    status_code: int | None


def _local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sign(token: str, body: bytes) -> str:
    """``X-Gusto-Signature`` as Gusto's guide computes it."""
    return hmac.new(token.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class GustoSim(Simulator):
    """Gusto's webhook subscription API on ``127.0.0.1:<free port>``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._subscriptions: dict[str, SimSubscription] = {}
        self._senders: list[threading.Thread] = []
        self.token_posts: list[TokenPost] = []
        self.calls: list[tuple[str, str, int]] = []
        self.send_token_on_create = True
        self.token_requests_fail = False
        """When set, ``request_verification_token`` answers ``503`` and sends nothing."""
        self.verify_gate: threading.Event | None = None
        """When set, a verify call waits for this event (a test holds a confirmation open)."""
        self.verify_entered = threading.Event()
        super().__init__("gusto-sim")

    # ---- set-up and inspection ---------------------------------------------------------------

    def reset(self) -> None:
        self.wait_for_token_posts()
        with self._lock:
            self._tokens.clear()
            self._subscriptions.clear()
            self.token_posts.clear()
            self.calls.clear()
            self.send_token_on_create = True
            self.token_requests_fail = False
            self.verify_gate = None
            self.verify_entered.clear()
        self.forget_injected()

    def add_token(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)

    def subscriptions(self) -> list[SimSubscription]:
        with self._lock:
            return [dataclasses.replace(s) for s in self._subscriptions.values()]

    def resend_token(self, subscription_uuid: str) -> None:
        """Send a subscription's verification token again (as its re-request endpoint does)."""
        with self._lock:
            subscription = self._subscriptions[subscription_uuid]
        self._send_token(subscription)

    def verify_calls(self) -> list[int]:
        """The statuses of the verify calls answered so far."""
        with self._lock:
            return [status for _, path, status in self.calls if path.endswith("/verify")]

    def wait_for_token_posts(self) -> None:
        """Wait until every verification-token POST sent so far has had its answer."""
        while True:
            with self._lock:
                pending = [t for t in self._senders if t.is_alive()]
                self._senders = pending
            if not pending:
                return
            for thread in pending:
                thread.join(30)

    # ---- what Gusto sends ------------------------------------------------------------------

    def _send_token(self, subscription: SimSubscription) -> None:
        body = json.dumps({"verification_token": subscription.verification_token}).encode()
        url = subscription.url

        def post() -> None:
            status: int | None = None
            if _local(url):
                try:
                    status = httpx.post(
                        url, content=body, headers={"content-type": "application/json"}, timeout=30
                    ).status_code
                except httpx.HTTPError:
                    status = None
            with self._lock:
                self.token_posts.append(TokenPost(url, status))

        thread = threading.Thread(target=post, name="gusto-sim-token", daemon=True)
        with self._lock:
            self._senders.append(thread)
        thread.start()

    def deliver(self, event_type: str, **changes: Any) -> list[httpx.Response]:
        """Send the sample ``event_type`` (with ``changes``) to every verified subscription."""
        payload = {**SAMPLES[event_type], "uuid": str(uuid.uuid4()), **changes}
        body = json.dumps(payload, separators=(",", ":")).encode()
        out = []
        for subscription in self.subscriptions():
            if subscription.status != "verified" or not _local(subscription.url):
                continue
            headers = {
                "content-type": "application/json",
                "x-gusto-signature": sign(subscription.verification_token, body),
            }
            out.append(httpx.post(subscription.url, content=body, headers=headers, timeout=30))
        return out

    # ---- the API ----------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read_request(scope, receive)
        gate = self.verify_gate
        if gate is not None and request.path.endswith("/verify"):
            self.verify_entered.set()
            await asyncio.to_thread(gate.wait, 30)
        injected = await self.injected_answer()
        if injected is not None:
            await respond(send, injected.status_code, injected.body, injected.content_type)
            return
        try:
            self._authorize(request.headers.get("authorization", ""))
            status, answer = self._route(request.method, request.path, request.json_body())
        except _Refused as exc:
            status, answer = exc.status, {"errors": [{"message": exc.message}]}
        with self._lock:
            self.calls.append((request.method, request.path, status))
        body = b"" if answer is None else json.dumps(answer).encode()
        await respond(send, status, body, "application/json")

    def _authorize(self, header: str) -> None:
        scheme, _, token = header.partition(" ")
        with self._lock:
            known = token in self._tokens
        if scheme not in ("Bearer", "Token") or not known:
            raise _Refused(401, "Unauthorized: invalid or missing access token")

    def _route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == PREFIX and method == "POST":
            return self._create(body)
        if not path.startswith(PREFIX + "/"):
            raise _Refused(404, "Not Found")
        uuid_, _, action = path[len(PREFIX) + 1 :].partition("/")
        with self._lock:
            subscription = self._subscriptions.get(uuid_)
        if subscription is None:
            raise _Refused(404, "Webhook subscription not found")
        if action == "verify" and method == "PUT":
            return self._verify(subscription, body)
        if action == "request_verification_token" and method == "GET":
            if self.token_requests_fail:
                raise _Refused(503, "Service Unavailable")
            self._send_token(subscription)
            return 200, {}
        if action == "" and method == "GET":
            return 200, subscription.to_json()
        if action == "" and method == "PUT":
            types = self._types(body)
            with self._lock:
                subscription.subscription_types = types
            return 200, subscription.to_json()
        if action == "" and method == "DELETE":
            with self._lock:
                self._subscriptions.pop(uuid_, None)
            return 204, None
        raise _Refused(404, "Not Found")

    @staticmethod
    def _types(body: Any) -> list[str]:
        types = body.get("subscription_types") if isinstance(body, dict) else None
        if not isinstance(types, list) or not types:
            raise _Refused(422, "subscription_types is required")
        unknown = [t for t in types if t not in SUBSCRIPTION_TYPES]
        if unknown:
            raise _Refused(422, f"unknown subscription types: {unknown}")
        return [str(t) for t in types]

    def _create(self, body: Any) -> tuple[int, Any]:
        url = body.get("url") if isinstance(body, dict) else None
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Refused(422, "url is invalid")
        subscription = SimSubscription(
            uuid=str(uuid.uuid4()),
            url=str(url),
            subscription_types=self._types(body),
            verification_token=str(uuid.uuid4()),
        )
        with self._lock:
            self._subscriptions[subscription.uuid] = subscription
        if self.send_token_on_create:
            self._send_token(subscription)
        return 201, subscription.to_json()

    def _verify(self, subscription: SimSubscription, body: Any) -> tuple[int, Any]:
        token = body.get("verification_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not hmac.compare_digest(
            token.encode(), subscription.verification_token.encode()
        ):
            raise _Refused(422, "Invalid verification token")
        with self._lock:
            subscription.status = "verified"
        return 200, subscription.to_json()


@pytest.fixture(scope="session")
def gusto_sim_server() -> Iterator[GustoSim]:
    with GustoSim() as sim:
        yield sim


@pytest.fixture
def gusto_sim(gusto_sim_server: GustoSim) -> GustoSim:
    """The running Gusto simulator with empty state."""
    gusto_sim_server.reset()
    return gusto_sim_server
