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
(loaded as a plugin by ``tests/conftest.py``): one
server per session, its state reset for each test.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.breezy import SAMPLES
from providers.breezy.client import BreezyClient
from providers.client import tls_context
from providers.testing import (
    Delivery,
    Reject,
    SimRequest,
    VendorSimulator,
    is_loopback,
    route,
    simulator_fixtures,
)

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

_COLLECTION = "/v3/company/{company_id}/webhook_endpoints"
_ITEM = "/v3/company/{company_id}/webhook_endpoint/{endpoint_id}"


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


class BreezySim(VendorSimulator):
    """Breezy's Webhook Management API on ``127.0.0.1:<free port>``, plus deliveries.

    Args:
        allow_http_loopback: accept ``http://`` destination URLs whose host is loopback (the
            tests' gateway serves plain HTTP). Off by default, as at Breezy. May be set later.
        quota: endpoints per owner (Breezy: 10).
    """

    def __init__(self, *, allow_http_loopback: bool = False, quota: int = QUOTA) -> None:
        super().__init__()
        self.allow_http_loopback = allow_http_loopback
        self._allow_http_loopback_default = allow_http_loopback
        self.quota = quota
        self._customers: dict[str, str] = {}  # api token -> company id
        self._partners: set[str] = set()
        self._endpoints: dict[str, SimEndpoint] = {}

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    def reset_state(self) -> None:
        """Forget every token, partner and endpoint."""
        self.allow_http_loopback = self._allow_http_loopback_default
        self._customers.clear()
        self._partners.clear()
        self._endpoints.clear()

    def add_customer(self, company_id: str, api_token: str) -> None:
        """Accept ``Authorization: <api_token>`` for ``company_id``."""
        with self.lock:
            self._customers[api_token] = company_id

    def add_partner(self, partner_key: str) -> None:
        """Accept ``partner-api-key: <partner_key>`` (with any registered customer token)."""
        with self.lock:
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
        with self.lock:
            self._endpoints[endpoint.id] = endpoint
            return dataclasses.replace(endpoint)

    def endpoints(
        self, company_id: str | None = None, *, partner_key: str | None = None
    ) -> list[SimEndpoint]:
        """Copies of the stored endpoints, oldest first; ``partner_key`` narrows to a partner's."""
        owner = None if partner_key is None else ("partner", partner_key)
        return self.copies_of(self._endpoints, company_id=company_id, owner=owner)

    def endpoint(self, endpoint_id: str) -> SimEndpoint:
        """A copy of one endpoint, whoever owns it (``KeyError`` if there is none)."""
        with self.lock:
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
        with self.lock:
            targets = [
                dataclasses.replace(e)
                for e in self._endpoints.values()
                if e.company_id == company_id
                and e.status == "active"
                and e.enabled
                and event_type in e.events
            ]
        results: list[Delivery] = []
        for target in targets:
            headers = {
                "content-type": "application/json",
                "user-agent": "Breezy-Webhooks (unihook test simulator)",
            }
            if not target.is_legacy and target.secret is not None:
                signature = hmac.new(target.secret.encode("utf-8"), body, hashlib.sha256)
                headers["X-Hook-Signature"] = signature.hexdigest()
                headers["X-Breezy-Webhook-Version"] = WEBHOOK_VERSION
            delivery = await self.deliver_to(target.id, target.url, body, headers, timeout=timeout)
            self._record_delivery(target.id, delivery.ok)
            results.append(delivery)
        return results

    def _record_delivery(self, endpoint_id: str, ok: bool) -> None:
        with self.lock:
            endpoint = self._endpoints.get(endpoint_id)
            if endpoint is None:  # deleted while the request was in flight
                return
            if ok:
                endpoint.successful_deliveries += 1
            else:
                endpoint.failed_deliveries += 1
            endpoint.last_delivery_at = _now()

    # ---- the API ------------------------------------------------------------------------------

    def authenticate(self, request: SimRequest, auth: Any) -> Owner:
        """Whose endpoints the request may touch in the path's company."""
        token = request.headers.get("authorization", "")
        partner_key = request.headers.get("partner-api-key")
        token_company = self._customers.get(token) if token else None
        if token_company is None:
            raise Reject(401, "Unauthorized")
        if partner_key is not None and partner_key not in self._partners:
            raise Reject(401, "Invalid partner API key")
        if token_company != request.params["company_id"]:
            raise Reject(403, "Forbidden")
        return ("partner", partner_key) if partner_key is not None else ("customer",)

    @route("GET", _COLLECTION)
    def _list(self, request: SimRequest) -> tuple[int, Any]:
        company_id, owner = request.params["company_id"], request.principal
        mine = [
            e.to_json()
            for e in self._endpoints.values()
            if e.company_id == company_id and e.owner == owner
        ]
        return 200, {"data": mine}

    @route("GET", _ITEM)
    def _get(self, request: SimRequest) -> tuple[int, Any]:
        return 200, self._owned_by(request).to_json()

    @route("POST", _COLLECTION)
    def _create(self, request: SimRequest) -> tuple[int, Any]:
        company_id, owner = request.params["company_id"], request.principal
        body = request.json_object("Invalid JSON")
        url = self._valid_url(body.get("url"))
        events = _valid_events(body.get("events"))
        description = _valid_description(body.get("description"))
        used = sum(
            1 for e in self._endpoints.values() if e.company_id == company_id and e.owner == owner
        )
        if used >= self.quota:
            raise Reject(429, "Quota exceeded")
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
        return 200, endpoint.to_json(created=True)

    @route("PUT", _ITEM)
    def _update(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object("Invalid JSON")
        changes: dict[str, Any] = {}
        if "url" in body:
            changes["url"] = self._valid_url(body["url"])
        if "events" in body:
            changes["events"] = _valid_events(body["events"])
        if "description" in body:
            changes["description"] = _valid_description(body["description"])
        if "enabled" in body:
            if not isinstance(body["enabled"], bool):
                raise Reject(400, "Enabled must be a boolean")
            changes["enabled"] = body["enabled"]
        endpoint = self._changeable(request)
        for name, value in changes.items():
            setattr(endpoint, name, value)
        endpoint.updated_at = _now()
        return 200, endpoint.to_json()

    @route("DELETE", _ITEM)
    def _delete(self, request: SimRequest) -> tuple[int, Any]:
        del self._endpoints[self._changeable(request).id]
        return 200, {"success": True}

    @route("POST", _ITEM + "/pause")
    def _pause(self, request: SimRequest) -> tuple[int, Any]:
        return self._set_status(request, "paused")

    @route("POST", _ITEM + "/resume")
    def _resume(self, request: SimRequest) -> tuple[int, Any]:
        return self._set_status(request, "active")

    def _set_status(self, request: SimRequest, status: str) -> tuple[int, Any]:
        endpoint = self._changeable(request)
        endpoint.status = status
        endpoint.updated_at = _now()
        return 200, endpoint.to_json()

    def _owned_by(self, request: SimRequest) -> SimEndpoint:
        params = request.params
        return self._owned(params["company_id"], params["endpoint_id"], request.principal)

    def _changeable(self, request: SimRequest) -> SimEndpoint:
        endpoint = self._owned_by(request)
        if endpoint.is_legacy:
            raise Reject(400, "Legacy webhooks are read-only")
        return endpoint

    def _owned(self, company_id: str, endpoint_id: str, owner: Owner) -> SimEndpoint:
        """The endpoint if this owner has it in this company (lock held), else ``404``."""
        endpoint = self._endpoints.get(endpoint_id)
        if endpoint is None or endpoint.company_id != company_id or endpoint.owner != owner:
            raise Reject(404, "Webhook endpoint not found")
        return endpoint

    def _valid_url(self, value: Any) -> str:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise Reject(400, "Invalid URL format")
        try:
            parts = urlsplit(value)
            host = parts.hostname
            _ = parts.port
        except ValueError:
            raise Reject(400, "Invalid URL format") from None
        if not parts.scheme or not host:
            raise Reject(400, "Invalid URL format")
        scheme = parts.scheme.lower()
        if scheme == "https":
            return value
        if scheme == "http" and self.allow_http_loopback and is_loopback(host):
            return value
        raise Reject(400, "URL must use HTTPS protocol")


def _valid_events(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise Reject(400, "Events must be an array")
    if not value:
        raise Reject(400, "At least one event must be specified")
    if any(not isinstance(event, str) or event not in BREEZY_EVENTS for event in value):
        raise Reject(400, "Invalid events")
    return list(dict.fromkeys(value))


def _valid_description(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise Reject(400, "Invalid description")
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


breezy_sim_server, breezy_sim = simulator_fixtures(BreezySim, "breezy_sim")


@contextlib.asynccontextmanager
async def breezy_client(
    base_url: str, api_token: str, partner_api_key: str | None = None, *, timeout: float = 10.0
) -> AsyncIterator[BreezyClient]:
    """A ``BreezyClient`` over its own ``httpx.AsyncClient``, closed when the block ends."""
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, verify=tls_context()
    ) as http:
        yield BreezyClient(http, base_url, api_token, partner_api_key)
