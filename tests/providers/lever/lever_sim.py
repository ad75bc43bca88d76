"""A local Lever: its "Webhooks via the API" endpoints over real HTTP on loopback, and deliveries.

Built from Lever's API documentation: ``GET /v1/webhooks``, ``POST /v1/webhooks`` (``201`` with
the signature token, nested ``{"data": {"data": {...}}}`` as the docs print it), ``PUT
/v1/webhooks`` (only webhooks created through the API), ``DELETE /v1/webhooks/:id`` (``204``).
Authentication is HTTP Basic with an API key as the user name, or an OAuth bearer token whose
scopes must include ``webhooks:read:admin`` (reads) or ``webhooks:write:admin`` (writes). Errors
are ``{"code", "message"}`` with the documented statuses (400, 401, 403, 404, 429); the rate limit
is a token bucket per key, 10 requests a second with bursts of 20. A webhook sends nothing until
a Super Admin switches its event group on (``activate``), as the docs warn.

The record reads completion uses: ``GET /v1/opportunities/:id`` (``expand=applications`` and
``expand=stage`` inline those; otherwise they are ids), ``GET /v1/postings/:id`` and ``GET
/v1/stages/:id``, each ``{"data": {...}}``, ``404 ResourceNotFound`` for a record the account does
not have, and the OAuth scopes ``opportunities:read:admin``, ``postings:read:admin`` and
``stages:read:admin``. Tests add records with ``add_opportunity``, ``add_posting``, ``add_stage``
and make the API answer ``429`` with ``Retry-After`` through the kit's ``fail_next``.

Where the docs are silent the simulator chooses, and says so: error ``code`` values other than
``ResourceNotFound``; ``403`` for changing a webhook made in Lever's UI; conditions allowed only
on the four events the docs call configurable; no duplicate check (Lever documents none, so two
webhooks may share an event and URL); no ``Retry-After`` on ``429``; the Basic password ignored.

``deliver`` posts an event to the account's webhooks for it, each signed with its own signature
token as Lever signs (hex HMAC-SHA256 of ``token + triggeredAt``), ``User-Agent: Lever-Webhooks``;
``rerun`` sends a delivery's exact body again (the dashboard's Rerun button).
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from providers.lever.samples import SAMPLES
from providers.lever.signing import signature
from providers.testing import (
    Delivery,
    Reject,
    SimRequest,
    VendorSimulator,
    is_loopback,
    route,
    simulator_fixtures,
)

LEVER_EVENTS: tuple[str, ...] = (
    "applicationCreated",
    "candidateHired",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
)
"""The webhook triggers of Lever's docs ("Webhooks via the API"), copied from the docs."""

CONFIGURABLE: tuple[str, ...] = (
    "applicationCreated",
    "candidateArchiveChange",
    "candidateHired",
    "candidateStageChange",
)
ORIGINS: tuple[str, ...] = ("applied", "sourced", "referred", "university", "agency", "internal")
READ_SCOPE = "webhooks:read:admin"
WRITE_SCOPE = "webhooks:write:admin"
OPPORTUNITIES_SCOPE = "opportunities:read:admin"
POSTINGS_SCOPE = "postings:read:admin"
STAGES_SCOPE = "stages:read:admin"
RECORD_SCOPES = frozenset({OPPORTUNITIES_SCOPE, POSTINGS_SCOPE, STAGES_SCOPE})
USER_AGENT = "Lever-Webhooks"


def _millis() -> int:
    return int(time.time() * 1000)


@dataclass
class SimWebhook:
    """One webhook in the simulator's state (a copy when read through ``LeverSim``)."""

    id: str
    account: str
    url: str
    event: str
    signature_token: str
    conditions: dict[str, Any] | None = None
    via_api: bool = True
    created_at: int = field(default_factory=_millis)
    updated_at: int = field(default_factory=_millis)

    def to_json(self, *, created: bool = False) -> dict[str, Any]:
        """As the docs show it: the signature token on create only, conditions otherwise."""
        configuration: dict[str, Any] = {}
        if created:
            configuration["signatureToken"] = self.signature_token
        elif self.conditions is not None:
            configuration["conditions"] = copy.deepcopy(self.conditions)
        if created:
            return {
                "id": self.id,
                "event": self.event,
                "url": self.url,
                "configuration": configuration,
                "createdAt": self.created_at,
                "updatedAt": self.updated_at,
            }
        return {
            "id": self.id,
            "url": self.url,
            "event": self.event,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "configuration": configuration,
        }


@dataclass
class _Credential:
    account: str
    scopes: frozenset[str]
    bucket: float
    refilled_at: float


_BAD_BODY = ("The request body is not valid JSON", "The request body must be a JSON object")


class LeverSim(VendorSimulator):
    """Lever's webhook API on ``127.0.0.1:<free port>`` (``api_url`` ends in ``/v1``).

    Args:
        allow_http_loopback: accept ``http://`` webhook URLs on loopback (the tests' gateway is
            plain HTTP); Lever takes HTTPS only. May be set later.
        rate: steady requests a second per key (Lever: 10). ``burst``: the bucket's size (20).
        create_nesting: ``"double"`` answers create with ``{"data": {"data": ...}}`` as the docs
            print it; ``"single"`` with ``{"data": ...}`` as every other Lever endpoint.
    """

    def __init__(
        self,
        *,
        allow_http_loopback: bool = False,
        rate: float = 10.0,
        burst: int = 20,
        create_nesting: Literal["double", "single"] = "double",
    ) -> None:
        super().__init__()
        self.allow_http_loopback = allow_http_loopback
        self.rate, self.burst, self.create_nesting = rate, burst, create_nesting
        self._defaults = (allow_http_loopback, rate, burst, create_nesting)
        self._credentials: dict[str, _Credential] = {}
        self._webhooks: dict[str, SimWebhook] = {}
        self._active_groups: set[tuple[str, str]] = set()
        self._records: dict[tuple[str, str, str], dict[str, Any]] = {}

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url(self) -> str:
        return self._server.base_url + "/v1"

    def reset_state(self) -> None:
        """Forget every key, token, webhook and activation; the settings go back to defaults."""
        (self.allow_http_loopback, self.rate, self.burst, self.create_nesting) = self._defaults
        self._credentials.clear()
        self._webhooks.clear()
        self._active_groups.clear()
        self._records.clear()

    def add_api_key(
        self, account: str, api_key: str, *, webhooks: bool = True, records: bool = True
    ) -> None:
        """Accept ``api_key`` for ``account``; ``webhooks=False``: a key without that
        permission, ``records=False``: one that cannot read opportunities, postings, stages."""
        scopes = frozenset({READ_SCOPE, WRITE_SCOPE}) if webhooks else frozenset()
        self._add_credential(
            "basic:" + api_key, account, scopes | (RECORD_SCOPES if records else frozenset())
        )

    def add_opportunity(
        self,
        account: str,
        opportunity_id: str,
        *,
        name: str,
        emails: list[str],
        contact: str,
        stage: str,
        postings: tuple[str, ...] = (),
    ) -> None:
        """An opportunity as Lever returns it, with one application per posting."""
        record = {
            "id": opportunity_id,
            "name": name,
            "contact": contact,
            "emails": list(emails),
            "stage": stage,
            "applications": [
                {"id": f"app-{opportunity_id}-{n}", "type": "posting", "posting": posting}
                for n, posting in enumerate(postings)
            ],
            "archived": None,
            "createdAt": _millis(),
        }
        with self.lock:
            self._records[(account, "opportunities", opportunity_id)] = record

    def add_posting(self, account: str, posting_id: str, text: str, **categories: str) -> None:
        with self.lock:
            self._records[(account, "postings", posting_id)] = {
                "id": posting_id,
                "text": text,
                "state": "published",
                "categories": dict(categories),
            }

    def add_stage(self, account: str, stage_id: str, text: str) -> None:
        with self.lock:
            self._records[(account, "stages", stage_id)] = {"id": stage_id, "text": text}

    def remove_opportunity(self, account: str, opportunity_id: str) -> None:
        with self.lock:
            self._records.pop((account, "opportunities", opportunity_id), None)

    def add_oauth_token(self, account: str, access_token: str, scopes: tuple[str, ...]) -> None:
        """Accept ``Authorization: Bearer <access_token>`` with these OAuth scopes."""
        self._add_credential("bearer:" + access_token, account, frozenset(scopes))

    def _add_credential(self, key: str, account: str, scopes: frozenset[str]) -> None:
        with self.lock:
            self._credentials[key] = _Credential(account, scopes, float(self.burst), time.time())

    def add_ui_webhook(self, account: str, url: str, event: str) -> SimWebhook:
        """A webhook a Lever user made in the settings page: listed, not changeable by the API."""
        hook = SimWebhook(
            id=str(uuid.uuid4()),
            account=account,
            url=url,
            event=event,
            signature_token=secrets.token_hex(24),
            via_api=False,
        )
        with self.lock:
            self._webhooks[hook.id] = hook
        return dataclasses.replace(hook)

    def activate(self, account: str, *events: str) -> None:
        """A Super Admin switches these event groups on (all ten when none is named)."""
        with self.lock:
            for event in events or LEVER_EVENTS:
                self._active_groups.add((account, event))

    def webhooks(self, account: str | None = None) -> list[SimWebhook]:
        return self.copies_of(self._webhooks, account=account)

    def webhook(self, webhook_id: str) -> SimWebhook:
        with self.lock:
            return dataclasses.replace(self._webhooks[webhook_id])

    # ---- deliveries ----------------------------------------------------------------------------

    async def deliver(
        self,
        account: str,
        event: str,
        data: Mapping[str, Any] | None = None,
        *,
        timeout: float = 30.0,
    ) -> list[Delivery]:
        """POST one event to each of the account's webhooks for it whose group is on.

        ``data`` ``None`` sends the adapter's sample ``data`` for the event. Each webhook's body
        has its own token and is signed with its own signature token.
        """
        payload_data = copy.deepcopy(dict(data) if data is not None else SAMPLES[event]["data"])
        with self.lock:
            targets = [
                dataclasses.replace(h)
                for h in self._webhooks.values()
                if h.account == account
                and h.event == event
                and (account, event) in self._active_groups
            ]
        out = []
        for target in targets:
            out.append(await self._post(target, event, payload_data, timeout))
        return out

    async def send_test(self, webhook_id: str, *, timeout: float = 30.0) -> Delivery:
        """The settings page's "test your webhook URL": ``candidateHired`` with empty ``data``."""
        return await self._post(self.webhook(webhook_id), "candidateHired", {}, timeout)

    async def rerun(self, delivery: Delivery, *, timeout: float = 30.0) -> Delivery:
        """Send a delivery's exact bytes again."""
        return await self.deliver_to(
            delivery.target_id, delivery.url, delivery.body, delivery.headers, timeout=timeout
        )

    async def _post(
        self, target: SimWebhook, event: str, data: dict[str, Any], timeout: float
    ) -> Delivery:
        triggered_at, token = _millis(), secrets.token_hex(24)
        body = json.dumps(
            {
                "triggeredAt": triggered_at,
                "event": event,
                "data": data,
                "signature": signature(token, triggered_at, target.signature_token),
                "token": token,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
        return await self.deliver_to(target.id, target.url, body, headers, timeout=timeout)

    # ---- the API's behaviour ------------------------------------------------------------------

    def reject_body(self, reject: Reject) -> Any:
        return {"code": reject.code, "message": reject.message}

    def no_route(self, request: SimRequest, path_known: bool) -> Reject:
        message = f"{request.method} {request.path} is not a known action"
        return Reject(404, message, "ResourceNotFound")

    def authenticate(self, request: SimRequest, auth: Any) -> str:
        """The account of the request's key or token, which must have the scope ``auth``."""
        key = _credential_key(request.headers.get("authorization", ""))
        credential = self._credentials.get(key) if key else None
        if credential is None:
            raise Reject(401, "A valid API key was not provided", "Unauthorized")
        now = time.time()
        credential.bucket = min(
            float(self.burst), credential.bucket + (now - credential.refilled_at) * self.rate
        )
        credential.refilled_at = now
        if credential.bucket < 1:
            raise Reject(429, "Rate limit exceeded", "TooManyRequests")
        credential.bucket -= 1
        if auth not in credential.scopes:
            raise Reject(403, f"Not authorized: needs {auth}", "Forbidden")
        return credential.account

    @route("GET", "/v1/webhooks", auth=READ_SCOPE)
    def _list(self, request: SimRequest) -> tuple[int, Any]:
        hooks = [h.to_json() for h in self._webhooks.values() if h.account == request.principal]
        return 200, {"data": hooks}

    @route("POST", "/v1/webhooks", auth=WRITE_SCOPE)
    def _create(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object(*_BAD_BODY)
        url = self._valid_url(body.get("url"))
        event = body.get("event")
        if not isinstance(event, str) or event not in LEVER_EVENTS:
            raise Reject(400, "event must be one of the webhook triggers", "InvalidRequest")
        conditions = _valid_configuration(event, body.get("configuration"))
        hook = SimWebhook(
            id=str(uuid.uuid4()),
            account=request.principal,
            url=url,
            event=event,
            signature_token=secrets.token_hex(24),
            conditions=conditions,
        )
        self._webhooks[hook.id] = hook
        created = hook.to_json(created=True)
        nested = {"data": created} if self.create_nesting == "double" else created
        return 201, {"data": nested}

    @route("PUT", "/v1/webhooks", auth=WRITE_SCOPE)
    def _update(self, request: SimRequest) -> tuple[int, Any]:
        items = request.json_object(*_BAD_BODY).get("data")
        if not isinstance(items, list) or not items:
            raise Reject(400, "data must be a non-empty array", "InvalidRequest")
        updates: list[tuple[str, str | None, Any]] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise Reject(400, "each update needs the webhook's id", "InvalidRequest")
            url = self._valid_url(item["url"]) if "url" in item else None
            updates.append((item["id"], url, item.get("configuration", ...)))
        for webhook_id, _, _ in updates:
            self._owned(request.principal, webhook_id)
        for webhook_id, url, configuration in updates:
            hook = self._webhooks[webhook_id]
            if url is not None:
                hook.url = url
            if configuration is not ...:
                hook.conditions = _valid_configuration(hook.event, configuration)
            hook.updated_at = _millis()
        return 200, {"data": [self._webhooks[webhook_id].to_json() for webhook_id, _, _ in updates]}

    @route("DELETE", "/v1/webhooks/{webhook_id}", auth=WRITE_SCOPE)
    def _delete(self, request: SimRequest) -> tuple[int, Any]:
        webhook_id = request.params["webhook_id"]
        self._owned(request.principal, webhook_id)
        del self._webhooks[webhook_id]
        return 204, None

    @route("GET", "/v1/opportunities/{record_id}", auth=OPPORTUNITIES_SCOPE)
    def _opportunity(self, request: SimRequest) -> tuple[int, Any]:
        record = copy.deepcopy(self._record(request, "opportunities"))
        expand = request.query_all("expand")
        if "stage" in expand:
            stage = self._records.get((request.principal, "stages", record["stage"]))
            record["stage"] = copy.deepcopy(stage) if stage else {"id": record["stage"]}
        if "applications" not in expand:
            record["applications"] = [a["id"] for a in record["applications"]]
        return 200, {"data": record}

    @route("GET", "/v1/postings/{record_id}", auth=POSTINGS_SCOPE)
    def _posting(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"data": copy.deepcopy(self._record(request, "postings"))}

    @route("GET", "/v1/stages/{record_id}", auth=STAGES_SCOPE)
    def _stage(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"data": copy.deepcopy(self._record(request, "stages"))}

    def _record(self, request: SimRequest, kind: str) -> dict[str, Any]:
        record_id = request.params["record_id"]
        record = self._records.get((request.principal, kind, record_id))
        if record is None:
            raise Reject(404, f"{kind} {record_id} was not found", "ResourceNotFound")
        return record

    def _owned(self, account: str, webhook_id: str) -> SimWebhook:
        """The account's API-made webhook (lock held); ``404`` or ``403`` otherwise."""
        hook = self._webhooks.get(webhook_id)
        if hook is None or hook.account != account:
            raise Reject(404, f"webhooks {webhook_id} was not found", "ResourceNotFound")
        if not hook.via_api:
            raise Reject(403, "Only webhooks created via the API can be changed", "Forbidden")
        return hook

    def _valid_url(self, value: Any) -> str:
        if not isinstance(value, str) or not value or any(c.isspace() for c in value):
            raise Reject(400, "url must be a valid URL", "InvalidRequest")
        try:
            parts = urlsplit(value)
            host = parts.hostname
            _ = parts.port
        except ValueError:
            raise Reject(400, "url must be a valid URL", "InvalidRequest") from None
        if not parts.scheme or not host:
            raise Reject(400, "url must be a valid URL", "InvalidRequest")
        scheme = parts.scheme.lower()
        if scheme == "https" or (
            scheme == "http" and self.allow_http_loopback and is_loopback(host)
        ):
            return value
        raise Reject(400, "Only HTTPS webhook URLs are supported", "InvalidRequest")


def _credential_key(authorization: str) -> str | None:
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return "bearer:" + value.strip()
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[0]
        except ValueError:
            return None
        return "basic:" + user if user else None
    return None


def _valid_configuration(event: str, value: Any) -> dict[str, Any] | None:
    """``configuration.conditions.origins``: a subset of the documented origins, on the four
    events the docs call configurable."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or set(value) - {"conditions"}:
        raise Reject(400, "configuration may only hold conditions", "InvalidRequest")
    conditions = value.get("conditions")
    if not isinstance(conditions, dict) or set(conditions) - {"origins"}:
        raise Reject(400, "conditions may only hold origins", "InvalidRequest")
    origins = conditions.get("origins")
    if not isinstance(origins, list) or not origins or any(o not in ORIGINS for o in origins):
        raise Reject(400, f"origins must be some of {', '.join(ORIGINS)}", "InvalidRequest")
    if event not in CONFIGURABLE:
        raise Reject(400, f"{event} cannot be configured with conditions", "InvalidRequest")
    return {"origins": list(dict.fromkeys(origins))}


lever_sim_server, lever_sim = simulator_fixtures(LeverSim, "lever_sim")
