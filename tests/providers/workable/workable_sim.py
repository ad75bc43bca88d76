"""A local Workable: its SPI v3 subscriptions API over real HTTP on loopback, and its deliveries.

Built from Workable's reference pages "Webhook Subscriptions" (``POST /subscriptions``),
"Webhook Subscriptions - Candidates & Employees", "Employee Events" and "Rate limiting":

- ``Authorization: Bearer <token>``; an account token, or an OAuth token of an app whose client
  secret then signs the deliveries. ``r_candidates`` is needed for candidate events and
  ``r_employees`` for employee events; either one lists and deletes.
- ``POST /subscriptions`` ``{target, event, args?}``: a ``target`` already registered is
  ``409 Conflict``; when ``args`` is present for a candidate event, ``job_shortcode`` and
  ``stage_slug`` are required (empty strings mean all jobs and stages), and ``account_id``, which
  open-source clients send, must be the account's subdomain;
  employee events take no job or stage filter (``422``).
- ``GET /subscriptions`` lists ``{"subscriptions": [...]}`` with ``valid_until``;
  ``DELETE /subscriptions/:id`` answers ``200 {}``, or ``404 {}`` when there is no such
  subscription.
- Rate limits per client (the account for account tokens, the app for OAuth tokens) in fixed
  10-second intervals: 10 requests for account tokens, 50 for OAuth tokens; over it ``429``. Every response carries ``X-Rate-Limit-Limit``,
  ``X-Rate-Limit-Remaining`` and ``X-Rate-Limit-Reset``.
- ``deliver`` POSTs an event to the subscribed targets signed as Workable signs (lowercase hex
  HMAC-SHA256 of the body in ``X-Workable-Signature``, keyed by the account token or the OAuth
  app's client secret) and, as Workable does, replays it while the answer is not ``200``.

Where the docs are silent the simulator chooses, and says so: the API is served under
``/{subdomain}/spi/v3`` (a base with ``{subdomain}`` in it, as the real host has it) or
``/spi/v3`` (the token's account); a token of another account is ``401``; error bodies are
``{"error": "..."}`` (as open-source clients read them); a subscription belongs to the token
that made it (its list, its delete, its ``409``); validation errors are ``422``; a
created subscription answers ``201 {"id": <integer>}``; ``valid_until`` is one year after
creation (Workable's example); ``X-Rate-Limit-Reset`` is unix seconds; ``candidate_deleted`` is
accepted (the newest event list has it; the subscriptions reference does not); a replay carries
the same ``fired_at``, and its ``data`` may be re-read (``refresh``).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from providers.testing import (
    Reject,
    SimRequest,
    VendorSimulator,
    bearer_token,
    route,
    simulator_fixtures,
)
from providers.workable.samples import SAMPLES

CANDIDATE_EVENTS: tuple[str, ...] = ("candidate_created", "candidate_moved", "candidate_deleted")
EMPLOYEE_EVENTS: tuple[str, ...] = (
    "employee_created",
    "employee_updated",
    "employee_published",
    "onboarding_completed",
    "timeoff_updated",
)
WORKABLE_EVENTS: tuple[str, ...] = CANDIDATE_EVENTS + EMPLOYEE_EVENTS
"""The registration labels of Workable's event list, copied from its docs, not from the adapter."""

RATE_INTERVAL = 10.0
RATE_LIMITS = {"account": 10, "oauth": 50}
FIRST_ID = 772571818

_COLLECTION = "/spi/v3/subscriptions"
_ITEM = "/spi/v3/subscriptions/{subscription_id}"
_ACCOUNT = "/{subdomain}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Token:
    """An API token the simulator accepts."""

    token: str
    subdomain: str
    kind: str = "account"
    scopes: frozenset[str] = frozenset({"r_candidates", "r_employees"})
    client_secret: str | None = None
    """For ``kind="oauth"``: the app's client secret, which signs the deliveries."""

    @property
    def client(self) -> str:
        """What a rate limit counts: the account for account tokens, else the OAuth app."""
        if self.kind == "account":
            return f"account:{self.subdomain}"
        return f"oauth:{self.client_secret or self.token}"

    @property
    def signing_key(self) -> str:
        return self.client_secret if self.kind == "oauth" and self.client_secret else self.token


@dataclass
class SimSubscription:
    """One subscription in the simulator's state (a copy when read through ``WorkableSim``)."""

    id: int
    subdomain: str
    token: str
    event: str
    target: str
    args: dict[str, str] | None
    created_at: datetime
    valid_until: datetime

    def to_json(self) -> dict[str, Any]:
        args = self.args or {}
        return {
            "id": self.id,
            "event": self.event,
            "target": self.target,
            "valid_until": _iso(self.valid_until),
            "created_at": _iso(self.created_at),
            "stage_slug": args.get("stage_slug") or None,
            "job_shortcode": args.get("job_shortcode") or None,
        }


@dataclass
class Attempt:
    """One POST of a delivery to a target."""

    body: bytes
    headers: dict[str, str]
    status_code: int | None = None
    response_body: bytes = b""
    error: str | None = None


@dataclass
class Delivery:
    """One event sent to one subscription, with every attempt Workable made."""

    subscription_id: int
    target: str
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Workable's rule: the answer must be exactly ``200``."""
        return bool(self.attempts) and self.attempts[-1].status_code == 200


class WorkableSim(VendorSimulator):
    """Workable's subscriptions API on ``127.0.0.1:<free port>``, plus deliveries.

    ``clock`` (unix seconds) drives the rate-limit intervals and ``valid_until``, and
    ``rate_interval`` is the interval's length (Workable: 10 s); tests may change either.
    """

    def __init__(self) -> None:
        super().__init__()
        self.clock: Callable[[], float] = time.time
        self.rate_interval = RATE_INTERVAL
        self._limit_headers: list[tuple[str, str]] = []
        self._tokens: dict[str, Token] = {}
        self._subscriptions: dict[int, SimSubscription] = {}
        self._ids = itertools.count(FIRST_ID)
        self._windows: dict[str, tuple[int, int]] = {}  # client -> (interval number, used)

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url_template(self) -> str:
        """The value for ``UNIHOOK_PROVIDER_WORKABLE_API_URL``: the SPI base per subdomain."""
        return self.base_url + "/{subdomain}/spi/v3"

    def reset_state(self) -> None:
        """Forget every token, subscription and rate window; the clock is the real one again."""
        self.clock = time.time
        self.rate_interval = RATE_INTERVAL
        self._tokens.clear()
        self._subscriptions.clear()
        self._ids = itertools.count(FIRST_ID)
        self._windows.clear()

    def add_token(
        self,
        subdomain: str,
        token: str,
        *,
        kind: str = "account",
        scopes: frozenset[str] | set[str] = frozenset({"r_candidates", "r_employees"}),
        client_secret: str | None = None,
    ) -> None:
        """Accept ``Authorization: Bearer <token>`` for the account ``subdomain``."""
        if kind not in RATE_LIMITS:
            raise ValueError(f"kind must be one of {sorted(RATE_LIMITS)}")
        with self.lock:
            self._tokens[token] = Token(token, subdomain, kind, frozenset(scopes), client_secret)

    def subscriptions(self, subdomain: str | None = None) -> list[SimSubscription]:
        """Copies of the stored subscriptions (expired ones too), oldest first."""
        return self.copies_of(self._subscriptions, subdomain=subdomain)

    def expire(self, subscription_id: int) -> None:
        """Make one subscription's ``valid_until`` pass now."""
        with self.lock:
            sub = self._subscriptions[subscription_id]
            sub.valid_until = datetime.fromtimestamp(self.clock(), tz=UTC) - timedelta(seconds=1)

    # ---- deliveries ----------------------------------------------------------------------------

    async def deliver(
        self,
        subdomain: str,
        event_type: str,
        payload: Mapping[str, Any] | bytes | None = None,
        *,
        attempts: int = 1,
        refresh: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        timeout: float = 30.0,
    ) -> list[Delivery]:
        """POST one event to every live subscription of the account for ``event_type``.

        ``payload`` ``None`` sends the sample for ``event_type``; a mapping is sent as compact
        JSON; bytes as they are. Up to ``attempts`` POSTs per subscription while the answer is
        not ``200`` (Workable replays what it considers an error). ``refresh`` gives the
        ``data`` a replay carries (Workable re-reads the resource when it sends).
        """
        body = _event_body(event_type, payload)
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        with self.lock:
            targets = [
                (dataclasses.replace(s), self._tokens[s.token].signing_key)
                for s in self._subscriptions.values()
                if s.subdomain == subdomain
                and s.event == event_type
                and s.valid_until > now
                and s.token in self._tokens
            ]
        results: list[Delivery] = []
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            for sub, key in targets:
                delivery = Delivery(subscription_id=sub.id, target=sub.target)
                attempt_body = body
                for number in range(attempts):
                    if number and refresh is not None:
                        envelope = json.loads(attempt_body)
                        envelope["data"] = refresh(envelope["data"])
                        attempt_body = _compact(envelope)
                    attempt = Attempt(body=attempt_body, headers=sign(attempt_body, key))
                    try:
                        response = await client.post(
                            sub.target, content=attempt_body, headers=attempt.headers
                        )
                        attempt.status_code = response.status_code
                        attempt.response_body = response.content
                    except httpx.HTTPError as exc:
                        attempt.error = f"{type(exc).__name__}: {exc}"
                    delivery.attempts.append(attempt)
                    if attempt.status_code == 200:
                        break
                results.append(delivery)
        return results

    # ---- serving ------------------------------------------------------------------------------

    def reject_body(self, reject: Reject) -> Any:
        return {"error": reject.message} if reject.message else {}

    def answer_headers(self, request: SimRequest, status: int) -> list[tuple[str, str]]:
        headers, self._limit_headers = self._limit_headers, []
        return headers

    def authenticate(self, request: SimRequest, auth: Any) -> Token:
        """The caller's token, counted against its interval; ``401`` or ``429`` otherwise."""
        value = bearer_token(request.headers.get("authorization", ""))
        token = self._tokens.get(value) if value is not None else None
        if token is None:
            raise Reject(401, "Not authorized")
        limit = RATE_LIMITS[token.kind]
        now = self.clock()
        interval = int(now // self.rate_interval)
        current, used = self._windows.get(token.client, (interval, 0))
        if current != interval:
            used = 0
        used += 1
        self._windows[token.client] = (interval, used)
        reset = (interval + 1) * self.rate_interval
        reset_text = str(int(reset)) if reset == int(reset) else f"{reset:.3f}"
        self._limit_headers = [
            ("X-Rate-Limit-Limit", str(limit)),
            ("X-Rate-Limit-Remaining", str(max(limit - used, 0))),
            ("X-Rate-Limit-Reset", reset_text),
        ]
        if used > limit:
            raise Reject(429, "Rate limit exceeded")
        subdomain = request.params.get("subdomain")
        if subdomain is not None and subdomain != token.subdomain:
            raise Reject(401, "Not authorized")
        return token

    @route("GET", _COLLECTION)
    @route("GET", _ACCOUNT + _COLLECTION)
    def _list(self, request: SimRequest) -> tuple[int, Any]:
        token = request.principal
        self._need_any_scope(token)
        return 200, {"subscriptions": [s.to_json() for s in self._live(token)]}

    @route("POST", _COLLECTION)
    @route("POST", _ACCOUNT + _COLLECTION)
    def _create(self, request: SimRequest) -> tuple[int, Any]:
        token: Token = request.principal
        if not request.body.strip():
            raise Reject(400, "Invalid JSON")
        body = request.json_object("Invalid JSON")
        target = body.get("target")
        event = body.get("event")
        if not isinstance(target, str) or not target.strip():
            raise Reject(422, "target is missing")
        if not _is_url(target):
            raise Reject(422, "target is not a valid URL")
        if not isinstance(event, str) or not event:
            raise Reject(422, "event is missing")
        if event not in WORKABLE_EVENTS:
            raise Reject(422, f"event must be one of {', '.join(WORKABLE_EVENTS)}")
        scope = "r_candidates" if event in CANDIDATE_EVENTS else "r_employees"
        if scope not in token.scopes:
            raise Reject(403, f"Required scope: {scope}")
        args = _valid_args(body.get("args", None), event, token.subdomain)
        if any(s.target == target for s in self._live(token)):
            raise Reject(409, "Conflict: the target URL is already registered")
        created = datetime.fromtimestamp(self.clock(), tz=UTC)
        sub = SimSubscription(
            id=next(self._ids),
            subdomain=token.subdomain,
            token=token.token,
            event=event,
            target=target,
            args=args,
            created_at=created,
            valid_until=created + timedelta(days=365),
        )
        self._subscriptions[sub.id] = sub
        return 201, {"id": sub.id}

    @route("DELETE", _ITEM)
    @route("DELETE", _ACCOUNT + _ITEM)
    def _delete(self, request: SimRequest) -> tuple[int, Any]:
        token = request.principal
        self._need_any_scope(token)
        item = request.params["subscription_id"]
        sub = self._subscriptions.get(int(item)) if item.isdigit() else None
        if sub is None or sub.subdomain != token.subdomain or sub.token != token.token:
            raise Reject(404, "")
        del self._subscriptions[sub.id]
        return 200, {}

    # ---- the API's behaviour -----------------------------------------------------------------

    @staticmethod
    def _need_any_scope(token: Token) -> None:
        if not token.scopes & {"r_candidates", "r_employees"}:
            raise Reject(403, "Required scope: r_candidates or r_employees")

    def _live(self, token: Token) -> list[SimSubscription]:
        """The token's subscriptions that have not expired (lock held)."""
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        return [
            s
            for s in self._subscriptions.values()
            if s.subdomain == token.subdomain and s.token == token.token and s.valid_until > now
        ]


def sign(body: bytes, key: str) -> dict[str, str]:
    """The headers of a Workable delivery: the body's hex HMAC-SHA256 keyed by ``key``."""
    signature = hmac.new(key.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Workable-Signature": signature}


def _is_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _valid_args(value: Any, event: str, subdomain: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Reject(422, "args must be an object")
    if event in EMPLOYEE_EVENTS:
        if value.get("job_shortcode") or value.get("stage_slug"):
            raise Reject(422, "employee events cannot be filtered by job or stage")
        return None
    for name in ("job_shortcode", "stage_slug"):
        if not isinstance(value.get(name), str):
            raise Reject(422, f"args.{name} is required")
    account_id = value.get("account_id", subdomain)
    if account_id != subdomain:
        raise Reject(422, "args.account_id is not this account's subdomain")
    return {
        "account_id": subdomain,
        "job_shortcode": value["job_shortcode"],
        "stage_slug": value["stage_slug"],
    }


def _compact(envelope: Any) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _event_body(event_type: str, payload: Mapping[str, Any] | bytes | None) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if payload is None:
        sample = SAMPLES.get(event_type)
        payload = (
            copy.deepcopy(sample)
            if sample is not None
            else {
                "data": {"id": "1"},
                "id": "1",
                "resource_type": "candidate",
                "event_type": event_type,
                "fired_at": _iso(datetime.now(UTC)),
            }
        )
    return _compact(payload)


workable_sim_server, workable_sim = simulator_fixtures(WorkableSim, "workable_sim")
