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
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from providers.workable.samples import SAMPLES
from tests.support.servers import Receive, Scope, Send, Simulator, read_request, respond

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

_PATH = re.compile(r"^(?:/([A-Za-z0-9-]+))?/spi/v3/subscriptions(?:/([^/]+))?/?$")


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


@dataclass(frozen=True)
class SimCall:
    """One request the simulator answered (for asserting what a client did)."""

    method: str
    path: str
    status_code: int
    authorization: str | None
    body: Any


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


class _Reject(Exception):
    def __init__(self, status_code: int, message: str | None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": self.message} if self.message else {}


class WorkableSim(Simulator):
    """Workable's subscriptions API on ``127.0.0.1:<free port>``, plus deliveries.

    ``clock`` (unix seconds) drives the rate-limit intervals and ``valid_until``, and
    ``rate_interval`` is the interval's length (Workable: 10 s); tests may change either.
    """

    def __init__(self) -> None:
        super().__init__("workable-sim")
        self.calls: list[SimCall] = []
        self.clock: Callable[[], float] = time.time
        self.rate_interval = RATE_INTERVAL
        self._lock = threading.Lock()
        self._tokens: dict[str, Token] = {}
        self._subscriptions: dict[int, SimSubscription] = {}
        self._ids = itertools.count(FIRST_ID)
        self._windows: dict[str, tuple[int, int]] = {}  # client -> (interval number, used)

    # ---- set-up and inspection (the test's side) ----------------------------------------------

    @property
    def api_url_template(self) -> str:
        """The value for ``UNIHOOK_PROVIDER_WORKABLE_API_URL``: the SPI base per subdomain."""
        return self.base_url + "/{subdomain}/spi/v3"

    def reset(self) -> None:
        """Forget every token, subscription, injected answer, rate window and call."""
        with self._lock:
            self.clock = time.time
            self.rate_interval = RATE_INTERVAL
            self._tokens.clear()
            self._subscriptions.clear()
            self._ids = itertools.count(FIRST_ID)
            self._windows.clear()
            self.calls.clear()
        self.forget_injected()

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
        with self._lock:
            self._tokens[token] = Token(token, subdomain, kind, frozenset(scopes), client_secret)

    def subscriptions(self, subdomain: str | None = None) -> list[SimSubscription]:
        """Copies of the stored subscriptions (expired ones too), oldest first."""
        with self._lock:
            return [
                dataclasses.replace(s)
                for s in self._subscriptions.values()
                if subdomain is None or s.subdomain == subdomain
            ]

    def expire(self, subscription_id: int) -> None:
        """Make one subscription's ``valid_until`` pass now."""
        with self._lock:
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
        with self._lock:
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

    # ---- the ASGI application ------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = await read_request(scope, receive)
        extra: list[tuple[str, str]] = []
        injected = await self.injected_answer()
        if injected is not None:
            status, content, content_type = (
                injected.status_code,
                injected.body,
                injected.content_type,
            )
        else:
            try:
                token, extra = self._authenticate(request.headers)
                status, answer = self._handle(request.method, request.path, token, request.body)
            except _Reject as reject:
                status, answer = reject.status_code, reject.body()
                if isinstance(reject, _RateLimited):
                    extra = reject.headers
            content, content_type = json.dumps(answer).encode(), "application/json"
        call = SimCall(
            request.method,
            request.path,
            status,
            request.headers.get("authorization"),
            request.json_body(),
        )
        with self._lock:
            self.calls.append(call)
        await respond(send, status, content, content_type, extra)

    def _authenticate(self, headers: Mapping[str, str]) -> tuple[Token, list[tuple[str, str]]]:
        """The caller's token and the rate-limit headers; ``401`` or ``429`` otherwise."""
        scheme, _, value = headers.get("authorization", "").partition(" ")
        with self._lock:
            token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            if token is None:
                raise _Reject(401, "Not authorized")
            limit = RATE_LIMITS[token.kind]
            now = self.clock()
            interval = int(now // self.rate_interval)
            client = token.client
            current, used = self._windows.get(client, (interval, 0))
            if current != interval:
                used = 0
            used += 1
            self._windows[client] = (interval, used)
        reset = (interval + 1) * self.rate_interval
        reset_text = str(int(reset)) if reset == int(reset) else f"{reset:.3f}"
        extra = [
            ("X-Rate-Limit-Limit", str(limit)),
            ("X-Rate-Limit-Remaining", str(max(limit - used, 0))),
            ("X-Rate-Limit-Reset", reset_text),
        ]
        if used > limit:
            raise _RateLimited(extra)
        return token, extra

    def _handle(self, method: str, path: str, token: Token, raw_body: bytes) -> tuple[int, Any]:
        match = _PATH.match(path)
        if match is None:
            raise _Reject(404, "Not found")
        subdomain, item = match.group(1), match.group(2)
        if subdomain is not None and subdomain != token.subdomain:
            raise _Reject(401, "Not authorized")
        if item is None:
            if method == "GET":
                self._need_any_scope(token)
                return 200, self._list(token)
            if method == "POST":
                return 201, self._create(token, raw_body)
            raise _Reject(405, "Method not allowed")
        if method == "DELETE":
            self._need_any_scope(token)
            return 200, self._delete(token, unquote(item))
        raise _Reject(405, "Method not allowed")

    # ---- the API's behaviour -----------------------------------------------------------------

    @staticmethod
    def _need_any_scope(token: Token) -> None:
        if not token.scopes & {"r_candidates", "r_employees"}:
            raise _Reject(403, "Required scope: r_candidates or r_employees")

    def _live(self, token: Token) -> list[SimSubscription]:
        """The token's subscriptions that have not expired (lock held)."""
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        return [
            s
            for s in self._subscriptions.values()
            if s.subdomain == token.subdomain and s.token == token.token and s.valid_until > now
        ]

    def _list(self, token: Token) -> dict[str, Any]:
        with self._lock:
            return {"subscriptions": [s.to_json() for s in self._live(token)]}

    def _create(self, token: Token, raw_body: bytes) -> dict[str, Any]:
        body = _json_object(raw_body)
        target = body.get("target")
        event = body.get("event")
        if not isinstance(target, str) or not target.strip():
            raise _Reject(422, "target is missing")
        if not _is_url(target):
            raise _Reject(422, "target is not a valid URL")
        if not isinstance(event, str) or not event:
            raise _Reject(422, "event is missing")
        if event not in WORKABLE_EVENTS:
            raise _Reject(422, f"event must be one of {', '.join(WORKABLE_EVENTS)}")
        scope = "r_candidates" if event in CANDIDATE_EVENTS else "r_employees"
        if scope not in token.scopes:
            raise _Reject(403, f"Required scope: {scope}")
        args = _valid_args(body.get("args", None), event, token.subdomain)
        with self._lock:
            if any(s.target == target for s in self._live(token)):
                raise _Reject(409, "Conflict: the target URL is already registered")
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
        return {"id": sub.id}

    def _delete(self, token: Token, item: str) -> dict[str, Any]:
        with self._lock:
            sub = self._subscriptions.get(int(item)) if item.isdigit() else None
            if sub is None or sub.subdomain != token.subdomain or sub.token != token.token:
                raise _Reject(404, None)
            del self._subscriptions[sub.id]
        return {}


class _RateLimited(_Reject):
    def __init__(self, headers: list[tuple[str, str]]) -> None:
        super().__init__(429, "Rate limit exceeded")
        self.headers = headers


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
        raise _Reject(422, "args must be an object")
    if event in EMPLOYEE_EVENTS:
        if value.get("job_shortcode") or value.get("stage_slug"):
            raise _Reject(422, "employee events cannot be filtered by job or stage")
        return None
    for name in ("job_shortcode", "stage_slug"):
        if not isinstance(value.get(name), str):
            raise _Reject(422, f"args.{name} is required")
    account_id = value.get("account_id", subdomain)
    if account_id != subdomain:
        raise _Reject(422, "args.account_id is not this account's subdomain")
    return {
        "account_id": subdomain,
        "job_shortcode": value["job_shortcode"],
        "stage_slug": value["stage_slug"],
    }


def _json_object(raw_body: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw_body) if raw_body.strip() else None
    except ValueError:
        raise _Reject(400, "Invalid JSON") from None
    if not isinstance(body, dict):
        raise _Reject(400, "Invalid JSON")
    return body


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


@pytest.fixture(scope="session")
def workable_sim_server() -> Iterator[WorkableSim]:
    """One simulator process-wide: starting and stopping uvicorn per test costs ~0.3 s."""
    with WorkableSim() as sim:
        yield sim


@pytest.fixture
def workable_sim(workable_sim_server: WorkableSim) -> WorkableSim:
    """The running Workable simulator with empty state (no tokens or subscriptions)."""
    workable_sim_server.reset()
    return workable_sim_server
