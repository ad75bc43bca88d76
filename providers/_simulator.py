"""The base for vendor API simulators: a real HTTP server on loopback, so a simulator is its routes
and its data (public through ``providers.testing``).

A simulator subclasses ``VendorSimulator`` and marks its handlers with ``@route(method, path)``;
``{name}`` in a path matches one segment (percent-decoded into ``request.params``). A handler
takes a ``SimRequest`` and returns ``(status, json_body)`` (``None`` sends no body), or raises
``Reject``, which ``reject_body`` turns into the vendor's error shape. The base serves it with
uvicorn on ``127.0.0.1:<free port>`` in a thread, logs every call (``calls``), answers as a test
asks instead (``fail_next``, ``latency``), runs ``authenticate`` for routes that ask for it
(``bearer_owner`` answers for the tokens a test gave ``add_bearer_token``, and a
``BearerTokenSimulator`` states only its owner and refusal; ``owned_record`` finds the caller's
own record a path names), and posts deliveries
(``deliver_to``). Handlers run under ``lock``, so a test thread reading state under the same lock
sees it whole. It imports nothing of the gateway, and opens nothing until ``start``.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import parse_qsl, unquote

import httpx
import pytest

from providers._loopback import LoopbackServer, Receive, Scope, Send, read_body, respond
from providers._sim_requests import Delivery, Reject, SimCall, SimRequest, bearer_token
from providers.client import tls_context

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Answer = tuple[int, Any]
Handler = Callable[[Any, "SimRequest"], Answer]
_S = TypeVar("_S", bound="VendorSimulator")
_R = TypeVar("_R", bound="DataclassInstance")


@dataclass
class Injected:
    """An answer a test asked for instead of the simulator's own (``fail_next``)."""

    status_code: int
    body: bytes
    content_type: str
    delay: float
    headers: tuple[tuple[str, str], ...] = ()
    after: int = 0


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: Any
    """Handed to ``authenticate`` (a scope, a permission); ``None``: no authentication."""


def route(method: str, path: str, *, auth: Any = True) -> Callable[[Handler], Handler]:
    """Mark a simulator method as the handler of ``method path`` (``{name}``: one segment).

    ``auth`` is handed to ``authenticate`` before the handler runs; ``None`` skips it.
    """
    regex = "".join(
        f"(?P<{part[1:-1]}>[^/]+)" if part.startswith("{") else re.escape(part)
        for part in re.split(r"(\{[a-z_][a-z0-9_]*\})", path)
    )
    pattern = re.compile(regex + "/?")

    def mark(handler: Handler) -> Handler:
        routes = list(getattr(handler, "_sim_routes", ()))
        routes.append((method.upper(), pattern, auth))
        handler._sim_routes = routes  # type: ignore[attr-defined]
        return handler

    return mark


class VendorSimulator:
    """A vendor's API on loopback: subclass it, add ``@route`` handlers and the vendor's data.

    Override ``authenticate`` (check the request's credentials, return who it is or raise
    ``Reject``), ``reject_body`` (the vendor's error shape), ``reset_state`` (forget the data)
    and, where the vendor answers unknown paths its own way, ``no_route``.
    """

    name: ClassVar[str] = "vendor-sim"
    routes: ClassVar[tuple[Route, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[tuple[str, str], Route] = {(r.method, r.pattern.pattern): r for r in cls.routes}
        for value in vars(cls).values():
            for method, pattern, auth in getattr(value, "_sim_routes", ()):
                found[(method, pattern.pattern)] = Route(method, pattern, value, auth)
        cls.routes = tuple(found.values())

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.calls: list[SimCall] = []
        self.deliveries: list[Delivery] = []
        self.latency = 0.0
        """Seconds every API answer waits before it is sent."""
        self._injected: list[Injected] = []
        self._bearer_owners: dict[str, Any] = {}
        self._generation = 0
        """Bumped by ``reset``: a request begun before it belongs to an earlier test."""
        self._server = LoopbackServer(self, name=self.name)

    # ---- running ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def start(self) -> None:
        """Serve on a free loopback port in a background thread; returns once it accepts."""
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self: _S) -> _S:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every call, delivery, injected answer and latency, then the vendor's data."""
        with self.lock:
            self.calls.clear()
            self._generation += 1
            self.deliveries.clear()
            self._injected.clear()
            self.latency = 0.0
            self._bearer_owners.clear()
            self.reset_state()

    # ---- what a test asks for -----------------------------------------------------------------

    def fail_next(
        self,
        status_code: int,
        body: bytes | str | Mapping[str, Any] = b"",
        *,
        retry_after: str | float | None = None,
        content_type: str | None = None,
        delay: float = 0.0,
        after: int = 0,
    ) -> None:
        """Answer an API request with this instead (after ``delay`` seconds): the next one, or
        the one after ``after`` more were answered normally. ``body`` may be a mapping (sent as
        JSON), text or bytes; ``retry_after`` is sent as the ``Retry-After`` header as given."""
        if isinstance(body, Mapping):
            raw, default_type = json.dumps(body).encode(), "application/json"
        elif isinstance(body, str):
            raw, default_type = body.encode(), "text/plain; charset=utf-8"
        else:
            raw, default_type = body, "application/octet-stream"
        if isinstance(retry_after, float) and retry_after.is_integer():
            retry_after = int(retry_after)
        headers = (("retry-after", str(retry_after)),) if retry_after is not None else ()
        injected = Injected(status_code, raw, content_type or default_type, delay, headers, after)
        with self.lock:
            self._injected.append(injected)

    def forget_injected(self) -> None:
        with self.lock:
            self._injected.clear()

    def add_bearer_token(self, token: str, owner: Any) -> None:
        """Accept ``Authorization: Bearer <token>`` as ``owner`` (an organisation, a company, a
        user) until ``reset``; ``bearer_owner`` answers it in ``authenticate``."""
        with self.lock:
            self._bearer_owners[token] = owner

    def bearer_owner(
        self, request: SimRequest, message: str = "Unauthorized", code: str | None = None
    ) -> Any:
        """Whose the request's bearer token is (``add_bearer_token``); a missing or unknown one
        is ``Reject(401, message, code)``."""
        token = bearer_token(request.headers.get("authorization", ""))
        if token is not None and token in self._bearer_owners:
            return self._bearer_owners[token]
        raise Reject(401, message, code)

    def owned_record(
        self,
        records: Mapping[str, _R],
        request: SimRequest,
        message: str,
        code: str | None = None,
        *,
        param: str = "id",
        owner_field: str = "owner",
    ) -> _R:
        """The record the request's path names (``request.params[param]``) when the caller owns
        it (its ``owner_field`` is ``request.principal``), else ``Reject(404, message, code)``:
        a vendor answers another tenant's record as it answers an unknown one, so a caller
        cannot learn which ids exist. Call it under ``lock`` (a handler is)."""
        found = records.get(request.params[param])
        if found is None or getattr(found, owner_field) != request.principal:
            raise Reject(404, message, code)
        return found

    def copies_of(self, records: Mapping[Any, _R], **fields: Any) -> list[_R]:
        """Copies of the stored ``records`` (dataclasses), oldest first, taken under ``lock`` so
        a test sees each whole; a field given a value other than ``None`` keeps only the records
        whose field equals it (``copies_of(self._webhooks, account=account)``)."""
        wanted = {name: value for name, value in fields.items() if value is not None}
        with self.lock:
            return [
                replace(record)
                for record in records.values()
                if all(getattr(record, name) == value for name, value in wanted.items())
            ]

    # ---- hooks for the vendor -----------------------------------------------------------------

    def reset_state(self) -> None:
        """Forget the vendor's data (called under ``lock`` by ``reset``)."""

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        """Who sent ``request`` (``request.principal`` for the handler); raise ``Reject``."""
        return None

    def reject_body(self, reject: Reject) -> Any:
        """The vendor's error body for a refusal."""
        return {"error": reject.message}

    def no_route(self, request: SimRequest, path_known: bool) -> Reject:
        """The refusal for a path no route serves (``path_known``: another method would)."""
        if path_known:
            return Reject(405, "Method not allowed")
        return Reject(404, "Not found")

    def answer_headers(self, request: SimRequest, status: int) -> Sequence[tuple[str, str]]:
        """Extra headers for the simulator's own answers (a vendor's rate-limit headers)."""
        return ()

    # ---- serving ------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        raw_body = await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path = raw_path.decode("latin-1").split("?", 1)[0]
        pairs = tuple(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        request = SimRequest(scope["method"], path, headers, raw_body, dict(pairs))
        request = replace(request, query_pairs=pairs)
        with self.lock:
            generation = self._generation
            injected = self._take_injected()
        if self.latency:
            await asyncio.sleep(self.latency)
        extra: Sequence[tuple[str, str]] = ()
        if injected is not None:
            if injected.delay:
                await asyncio.sleep(injected.delay)
            status, content, content_type = (
                injected.status_code,
                injected.body,
                injected.content_type,
            )
            extra = injected.headers
            answer = None
        else:
            with self.lock:
                if generation == self._generation:
                    status, answer = self._dispatch(request)
                    extra = self.answer_headers(request, status)
                else:  # an earlier test's request must not change this test's vendor data
                    status, answer = 503, {"error": "the simulator was reset"}
            content = b"" if answer is None else json.dumps(answer).encode()
            content_type = "application/json"
        with self.lock:
            if generation == self._generation:
                self.calls.append(
                    SimCall(
                        request.method,
                        path,
                        status,
                        headers.get("authorization"),
                        request.json_body(),
                        headers,
                        answer,
                    )
                )
        await respond(send, status, content, content_type, extra)

    def _take_injected(self) -> Injected | None:
        if not self._injected:
            return None
        if self._injected[0].after > 0:
            self._injected[0].after -= 1
            return None
        return self._injected.pop(0)

    def _dispatch(self, request: SimRequest) -> Answer:
        path_known = False
        try:
            for candidate in self.routes:
                match = candidate.pattern.fullmatch(request.path)
                if match is None:
                    continue
                path_known = True
                if candidate.method != request.method:
                    continue
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                found = replace(request, params=params)
                if candidate.auth is not None:
                    found = replace(found, principal=self.authenticate(found, candidate.auth))
                return candidate.handler(self, found)
            raise self.no_route(request, path_known)
        except Reject as reject:
            return reject.status, self.reject_body(reject)

    # ---- deliveries ---------------------------------------------------------------------------

    async def deliver_to(
        self,
        target_id: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        *,
        timeout: float = 30.0,  # noqa: ASYNC109 - the HTTP client's own, per request
    ) -> Delivery:
        """POST ``body`` to ``url`` as the vendor's webhook; recorded in ``deliveries``."""
        delivery = Delivery(target_id, url, body, dict(headers))
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, verify=tls_context()
        ) as client:
            try:
                delivery.response = await client.post(url, content=body, headers=delivery.headers)
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
        with self.lock:
            self.deliveries.append(delivery)
        return delivery


class BearerTokenSimulator(VendorSimulator):
    """A vendor API that takes ``Authorization: Bearer <token>``: the vendor states whose a token
    is when a test names nobody (``default_owner``) and how it refuses a missing or unknown one
    (``unauthorized_message``, ``unauthorized_code``; ``reject_body`` shapes it)."""

    default_owner: ClassVar[Any] = "owner-1"
    unauthorized_message: ClassVar[str] = "Unauthorized"
    unauthorized_code: ClassVar[str | None] = None

    def add_token(self, token: str, owner: Any = None) -> None:
        """Accept ``token`` as ``owner`` (``default_owner`` when ``None``) until ``reset``."""
        self.add_bearer_token(token, self.default_owner if owner is None else owner)

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        """The token's owner (``request.principal``), or the vendor's ``401``."""
        return self.bearer_owner(request, self.unauthorized_message, self.unauthorized_code)


def simulator_fixtures(
    make: Callable[[], _S], name: str
) -> tuple[Callable[..., Iterator[_S]], Callable[..., _S]]:
    """Two pytest fixtures: ``<name>_server`` (one running simulator per session) and ``<name>``
    (that simulator, reset for the test). Bind both in a conftest or plugin module::

        acme_sim_server, acme_sim = simulator_fixtures(AcmeSim, "acme_sim")
    """

    @pytest.fixture(scope="session", name=f"{name}_server")
    def server() -> Iterator[_S]:
        with make() as sim:
            yield sim

    @pytest.fixture(name=name)
    def fresh(request: pytest.FixtureRequest) -> _S:
        sim: _S = request.getfixturevalue(f"{name}_server")
        sim.reset()
        return sim

    return server, fresh
