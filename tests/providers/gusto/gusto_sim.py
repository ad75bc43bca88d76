"""A local Gusto: its webhook subscription API over real HTTP on loopback, the verification-token
POST it sends to a subscription's URL, and its signed event deliveries.

From Gusto's webhooks guides and API reference: ``POST /v1/webhook_subscriptions``
(``{url, subscription_types}``) answers ``201`` with the subscription, ``status: "pending"``, and
then Gusto POSTs ``{"verification_token": ...}`` to the URL; ``PUT .../{uuid}/verify`` with that
token makes it ``verified``; ``GET .../{uuid}/request_verification_token`` sends the token again;
``GET|PUT|DELETE .../{uuid}`` read, change the types of and delete it. Only a verified
subscription receives events, each signed ``X-Gusto-Signature`` = hex HMAC-SHA256 of the body
keyed by the token. Requests need ``Authorization: Bearer <token>`` (or ``Token <token>``, the
older scheme); a wrong one is ``401``. Records are read with a company's access token: ``GET
/v1/employees/{id}``, ``GET /v1/contractors/{id}``, ``GET /v1/companies/{company_id}/payrolls/{id}``
(``404`` for an unknown one).

Where the docs are silent the simulator chooses: errors are ``{"errors": [{"message"}]}``; a
wrong verification token is ``422``; an unknown subscription ``404``; the token POST is sent from
a background thread just after the answer (as Gusto's would be, by a job), and only to loopback
URLs (any other host is not contacted: tests never leave the machine, DNS included).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.gusto.provisioner import SUBSCRIPTION_TYPES
from providers.gusto.samples import SAMPLES
from providers.testing import (
    Reject,
    SimRequest,
    VendorSimulator,
    event_names,
    route,
    simulator_fixtures,
)

PREFIX = "/v1/webhook_subscriptions"
COMPANY = "5df911a0-e8e9-412d-8aaf-a46ad193dd96"
EMPLOYEE = "bcfc9744-0ab3-4ef3-ab0d-e728255d659c"
CONTRACTOR = "7e1c3b5a-9d24-4f60-8a1b-3c5d7e9f0a12"
PAYROLL = "c02f2c32-34f7-4128-9145-7d49f0c3f355"
MANAGER = "0e6b6c5e-2f7a-4d3b-8f1e-9a2c4b6d8e0f"
EMPLOYEE_RECORD: dict[str, Any] = {
    "uuid": EMPLOYEE,
    "company_uuid": COMPANY,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "preferred_first_name": None,
    "email": "ada@home.example",
    "work_email": "ada@example.com",
    "phone": "5555550100",
    "department": "Engineering",
    "manager_uuid": MANAGER,
    "terminated": False,
    "onboarded": True,
    "current_employment_status": "full_time",
    "jobs": [
        {
            "uuid": "job-1",
            "title": "Engineer",
            "primary": True,
            "hire_date": "2024-03-01",
            "location": {"city": "Denver", "state": "CO", "country": "USA"},
        }
    ],
    "terminations": [],
}
CONTRACTOR_RECORD: dict[str, Any] = {
    "uuid": CONTRACTOR,
    "company_uuid": COMPANY,
    "type": "Individual",
    "first_name": "Alan",
    "last_name": "Turing",
    "email": "alan@example.com",
    "start_date": "2024-05-01",
    "is_active": True,
}
PAYROLL_RECORD: dict[str, Any] = {
    "payroll_uuid": PAYROLL,
    "company_uuid": COMPANY,
    "processed": True,
    "off_cycle": False,
    "check_date": "2025-01-17",
    "pay_period": {"start_date": "2025-01-01", "end_date": "2025-01-15"},
}


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
    return host == "localhost" or host.startswith("127.")


def sign(token: str, body: bytes) -> str:
    """``X-Gusto-Signature`` as Gusto's guide computes it."""
    return hmac.new(token.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _types(body: dict[str, Any]) -> list[str]:
    return event_names(
        body.get("subscription_types"), SUBSCRIPTION_TYPES, "subscription_types", status=422
    )


class GustoSim(VendorSimulator):
    """Gusto's webhook subscription API on ``127.0.0.1:<free port>``."""

    name = "gusto-sim"

    def __init__(self) -> None:
        self._tokens: set[str] = set()
        self._subscriptions: dict[str, SimSubscription] = {}
        self._senders: list[threading.Thread] = []
        self.token_posts: list[TokenPost] = []
        self.send_token_on_create = True
        self.token_requests_fail = False
        """When set, ``request_verification_token`` answers ``503`` and sends nothing."""
        self.verify_gate: threading.Event | None = None
        """When set, a verify call waits for this event (a test holds a confirmation open)."""
        self.verify_entered = threading.Event()
        self.employees: dict[str, dict[str, Any]] = {}
        self.contractors: dict[str, dict[str, Any]] = {}
        self.payrolls: dict[tuple[str, str], dict[str, Any]] = {}
        super().__init__()

    # ---- set-up and inspection ---------------------------------------------------------------

    def reset_state(self) -> None:
        self._tokens.clear()
        self._subscriptions.clear()
        self.token_posts.clear()
        self.send_token_on_create = True
        self.token_requests_fail = False
        self.verify_gate = None
        self.verify_entered.clear()
        self.employees = {EMPLOYEE: json.loads(json.dumps(EMPLOYEE_RECORD))}
        self.contractors = {CONTRACTOR: dict(CONTRACTOR_RECORD)}
        self.payrolls = {(COMPANY, PAYROLL): json.loads(json.dumps(PAYROLL_RECORD))}

    def reset(self) -> None:
        self.wait_for_token_posts()
        super().reset()

    def add_token(self, token: str) -> None:
        with self.lock:
            self._tokens.add(token)

    def subscriptions(self) -> list[SimSubscription]:
        return self.copies_of(self._subscriptions)

    def resend_token(self, subscription_uuid: str) -> None:
        """Send a subscription's verification token again (as its re-request endpoint does)."""
        with self.lock:
            subscription = self._subscriptions[subscription_uuid]
        self._send_token(subscription)

    def verify_calls(self) -> list[int]:
        """The statuses of the verify calls answered so far."""
        with self.lock:
            return [c.status_code for c in self.calls if c.path.endswith("/verify")]

    def wait_for_token_posts(self) -> None:
        """Wait until every verification-token POST sent so far has had its answer."""
        while True:
            with self.lock:
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
            with self.lock:
                self.token_posts.append(TokenPost(url, status))

        thread = threading.Thread(target=post, name="gusto-sim-token", daemon=True)
        with self.lock:
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

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        gate = self.verify_gate
        if gate is not None and scope.get("type") == "http" and scope["path"].endswith("/verify"):
            self.verify_entered.set()
            await asyncio.to_thread(gate.wait, 30)
        await super().__call__(scope, receive, send)

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme not in ("Bearer", "Token") or token not in self._tokens:
            raise Reject(401, "Unauthorized: invalid or missing access token")
        return token

    def reject_body(self, reject: Reject) -> Any:
        return {"errors": [{"message": reject.message}]}

    def _subscription(self, request: SimRequest) -> SimSubscription:
        found = self._subscriptions.get(request.params["uuid"])
        if found is None:
            raise Reject(404, "Webhook subscription not found")
        return found

    @route("POST", PREFIX)
    def create(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object(status=422)
        url = body.get("url")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise Reject(422, "url is invalid")
        subscription = SimSubscription(
            uuid=str(uuid.uuid4()),
            url=str(url),
            subscription_types=_types(body),
            verification_token=str(uuid.uuid4()),
        )
        self._subscriptions[subscription.uuid] = subscription
        if self.send_token_on_create:
            self._send_token(subscription)
        return 201, subscription.to_json()

    @route("GET", PREFIX + "/{uuid}")
    def read(self, request: SimRequest) -> tuple[int, Any]:
        return 200, self._subscription(request).to_json()

    @route("PUT", PREFIX + "/{uuid}")
    def change(self, request: SimRequest) -> tuple[int, Any]:
        subscription = self._subscription(request)
        subscription.subscription_types = _types(request.json_object(status=422))
        return 200, subscription.to_json()

    @route("DELETE", PREFIX + "/{uuid}")
    def remove(self, request: SimRequest) -> tuple[int, Any]:
        self._subscription(request)
        del self._subscriptions[request.params["uuid"]]
        return 204, None

    @route("PUT", PREFIX + "/{uuid}/verify")
    def verify(self, request: SimRequest) -> tuple[int, Any]:
        subscription = self._subscription(request)
        token = request.json_object(status=422).get("verification_token")
        if not isinstance(token, str) or not hmac.compare_digest(
            token.encode(), subscription.verification_token.encode()
        ):
            raise Reject(422, "Invalid verification token")
        subscription.status = "verified"
        return 200, subscription.to_json()

    @route("GET", PREFIX + "/{uuid}/request_verification_token")
    def request_token(self, request: SimRequest) -> tuple[int, Any]:
        subscription = self._subscription(request)
        if self.token_requests_fail:
            raise Reject(503, "Service Unavailable")
        self._send_token(subscription)
        return 200, {}

    # ---- records ------------------------------------------------------------------------------

    @staticmethod
    def _found(record: dict[str, Any] | None, what: str) -> tuple[int, Any]:
        if record is None:
            raise Reject(404, f"{what} not found")
        return 200, record

    @route("GET", "/v1/employees/{id}")
    def employee(self, request: SimRequest) -> tuple[int, Any]:
        return self._found(self.employees.get(request.params["id"]), "Employee")

    @route("GET", "/v1/contractors/{id}")
    def contractor(self, request: SimRequest) -> tuple[int, Any]:
        return self._found(self.contractors.get(request.params["id"]), "Contractor")

    @route("GET", "/v1/companies/{company_id}/payrolls/{id}")
    def payroll(self, request: SimRequest) -> tuple[int, Any]:
        key = (request.params["company_id"], request.params["id"])
        return self._found(self.payrolls.get(key), "Payroll")


gusto_sim_server, gusto_sim = simulator_fixtures(GustoSim, "gusto_sim")
