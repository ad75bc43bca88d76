"""A local BambooHR: its webhook API over real HTTP on loopback, and its deliveries, on the kit's
``VendorSimulator``.

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
  one ``404``; ``PUT`` replaces every field and keeps the private key; ``DELETE`` answers
  "Web hook has been deleted.".
- ``GET /api/v1/webhooks`` lists ``{"webhooks": [{id, name, created, lastSent, url}]}``;
  ``GET /api/v1/webhooks/monitor_fields`` lists ``{"fields": [{id, name, alias}]}``.
- ``deliver`` POSTs a body to a webhook's URL signed as BambooHR signs (hex HMAC-SHA256 of the
  body then ``X-BambooHR-Timestamp``) and retries a ``5xx`` (never a ``4xx``) up to 5 times.

Where the docs are silent the simulator chooses: ids are integers from 100; ``created`` and
``lastSent`` are ``YYYY-MM-DD HH:MM:SS`` (UTC); the private key is 32 hex digits; error bodies are
``{"error": {"code", "message"}}``; the ``DELETE`` text comes as a JSON string (the kit's
simulators answer JSON); retries are immediate (the schedule is BambooHR's business).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from providers.testing import (
    Delivery,
    Reject,
    SimRequest,
    VendorSimulator,
    basic_user,
    route,
    simulator_fixtures,
)

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
_BASE = "/{company}/api/v1/webhooks"
_ITEM = _BASE + "/{webhook_id}"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ApiUser:
    """A BambooHR user's API key, its company, and the fields the user may see (aliases)."""

    api_key: str
    company: str
    fields: frozenset[str]


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


class BambooHRSim(VendorSimulator):
    """BambooHR's webhook API on ``127.0.0.1:<free port>``, plus deliveries."""

    name = "bamboohr-sim"

    def __init__(self) -> None:
        super().__init__()
        self.require_https = True
        """BambooHR refuses a URL not starting ``https://``; a test whose gateway listens on
        plain HTTP on loopback turns this off."""
        self._users: dict[str, ApiUser] = {}
        self._webhooks: dict[int, SimWebhook] = {}
        self._ids = itertools.count(100)

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url_template(self) -> str:
        """The value for ``UNIHOOK_PROVIDER_BAMBOOHR_API_URL``."""
        return self.base_url + "/{company_domain}"

    def reset_state(self) -> None:
        self.require_https = True
        self._users.clear()
        self._webhooks.clear()
        self._ids = itertools.count(100)

    def add_key(self, company: str, api_key: str, fields: Iterable[str] | None = None) -> None:
        """An API key of a user of ``company`` who may see ``fields`` (aliases; default all)."""
        allowed = frozenset(fields) if fields is not None else frozenset(a for _, _, a in FIELDS)
        with self.lock:
            self._users[api_key] = ApiUser(api_key, company, allowed)

    def webhooks(self) -> list[SimWebhook]:
        return self.copies_of(self._webhooks)

    # ---- deliveries (BambooHR's side) ---------------------------------------------------------

    async def deliver(
        self, webhook_id: int, body: bytes, *, sent_at: int | None = None
    ) -> list[Delivery]:
        """POST ``body`` to the webhook's URL as BambooHR does: every attempt, retrying a
        ``5xx`` or no answer up to 5 times, never a ``4xx``."""
        with self.lock:
            webhook = replace(self._webhooks[webhook_id])
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
        attempts: list[Delivery] = []
        for _ in range(6):
            delivery = await self.deliver_to(str(webhook_id), webhook.url, body, headers)
            attempts.append(delivery)
            if delivery.status_code is not None and delivery.status_code < 500:
                break
        with self.lock:
            if webhook_id in self._webhooks:
                self._webhooks[webhook_id].last_sent = _now()
        return attempts

    # ---- the API ------------------------------------------------------------------------------

    def reject_body(self, reject: Reject) -> Any:
        return {"error": {"code": reject.status, "message": reject.message}}

    def authenticate(self, request: SimRequest, auth: Any) -> ApiUser:
        user_name = basic_user(request.headers.get("authorization", ""))
        user = self._users.get(user_name) if user_name else None
        if user is None or user.company != request.params.get("company"):
            raise Reject(401, "The user API key is invalid.")
        return user

    @route("GET", _BASE + "/monitor_fields")
    def _monitor_fields(self, request: SimRequest) -> tuple[int, Any]:
        allowed = request.principal.fields
        fields = [{"id": i, "name": n, "alias": a} for i, n, a in FIELDS if a in allowed]
        return 200, {"fields": fields}

    @route("GET", _BASE)
    def _list(self, request: SimRequest) -> tuple[int, Any]:
        mine = [w for w in self._webhooks.values() if w.api_key == request.principal.api_key]
        keys = ("id", "name", "created", "lastSent", "url")
        return 200, {"webhooks": [{k: w.to_json()[k] for k in keys} for w in mine]}

    @route("POST", _BASE)
    def _create(self, request: SimRequest) -> tuple[int, Any]:
        user: ApiUser = request.principal
        fields = self._fields(request, user)
        webhook = SimWebhook(
            id=next(self._ids),
            company=user.company,
            api_key=user.api_key,
            private_key=secrets.token_hex(16),
            created=_now(),
            **fields,
        )
        self._webhooks[webhook.id] = webhook
        return 201, {**webhook.to_json(), "privateKey": webhook.private_key}

    @route("GET", _ITEM)
    def _get(self, request: SimRequest) -> tuple[int, Any]:
        return 200, self._own(request).to_json()

    @route("PUT", _ITEM)
    def _replace(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._own(request)
        for name, value in self._fields(request, request.principal).items():
            setattr(webhook, name, value)
        return 200, webhook.to_json()

    @route("DELETE", _ITEM)
    def _delete(self, request: SimRequest) -> tuple[int, Any]:
        webhook = self._own(request)
        del self._webhooks[webhook.id]
        return 200, "Web hook has been deleted."

    def _own(self, request: SimRequest) -> SimWebhook:
        item = request.params["webhook_id"]
        webhook = self._webhooks.get(int(item)) if item.isdigit() else None
        if webhook is None or webhook.company != request.principal.company:
            raise Reject(404, "The webhook does not exist.")
        if webhook.api_key != request.principal.api_key:
            raise Reject(403, "The API user key does not have permission to see the webhook.")
        return webhook

    def _fields(self, request: SimRequest, user: ApiUser) -> dict[str, Any]:
        data = request.json_object("Provided JSON is bad.")
        name, url, fmt = data.get("name"), data.get("url"), data.get("format")
        if not isinstance(name, str) or not name:
            raise Reject(400, "name is required")
        schemes = ("https://",) if self.require_https else ("https://", "http://")
        if not isinstance(url, str) or not url.startswith(schemes):
            raise Reject(400, "url must begin with https://")
        if fmt not in ("json", "form-encoded"):
            raise Reject(400, "format must be json or form-encoded")
        events = data.get("events") or list(DEFAULT_EVENTS)
        if not isinstance(events, list) or any(e not in EVENTS for e in events):
            raise Reject(400, "events holds an unknown event type")
        if len({e.startswith("employee_with_fields.") for e in events}) > 1:
            raise Reject(400, "Cannot mix employee_with_fields events with employee events")
        monitor = data.get("monitorFields") or []
        if not isinstance(monitor, list) or not all(isinstance(f, str) for f in monitor):
            raise Reject(400, "monitorFields must be a list of fields")
        if not monitor and {"employee.updated", "employee_with_fields.updated"} & set(events):
            raise Reject(400, "At least one monitor field is required")
        denied = [f for f in monitor if f not in user.fields]
        if denied:
            raise Reject(403, f"Permission violations in the fields selected: {', '.join(denied)}")
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


bamboohr_sim_server, bamboohr_sim = simulator_fixtures(BambooHRSim, "bamboohr_sim")
