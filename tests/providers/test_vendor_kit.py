"""The vendor kit's client and simulator bases, over real HTTP on loopback."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from providers.client import (
    MESSAGE_CHARS,
    BasicAuth,
    BearerAuth,
    HeaderAuth,
    RetryPolicy,
    VendorAPIError,
    VendorClient,
    kind_for_status,
    parse_retry_after,
    tls_context,
)
from providers.testing import Reject, SimRequest, VendorSimulator, route

KEY = "kit-secret-key-123"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class KitSim(VendorSimulator):
    name = "kit-sim"

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, Any] = {}

    def reset_state(self) -> None:
        self.items.clear()

    def authenticate(self, request: SimRequest, auth: Any) -> str:
        if request.headers.get("authorization") != f"Bearer {KEY}":
            raise Reject(401, "unauthorized")
        return "acme"

    @route("PUT", "/items/{item_id}")
    def put_item(self, request: SimRequest) -> tuple[int, Any]:
        self.items[request.params["item_id"]] = request.json_object()
        return 200, {"id": request.params["item_id"], "owner": request.principal}

    @route("GET", "/items/{item_id}")
    def get_item(self, request: SimRequest) -> tuple[int, Any]:
        if request.params["item_id"] not in self.items:
            raise Reject(404, "no such item")
        return 200, self.items[request.params["item_id"]]

    @route("GET", "/open", auth=None)
    def open_route(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"query": request.query}


class KitClient(VendorClient):
    vendor = "Kit"


@pytest.fixture(scope="module")
def sim() -> Iterator[KitSim]:
    with KitSim() as running:
        yield running


@pytest.fixture
def fresh(sim: KitSim) -> KitSim:
    sim.reset()
    return sim


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (None, "unreachable"),
        (400, "rejected"),
        (401, "auth"),
        (403, "auth"),
        (404, "not_found"),
        (409, "conflict"),
        (422, "rejected"),
        (429, "rate_limited"),
        (500, "unreachable"),
        (503, "unreachable"),
    ],
)
def test_one_status_table(status: int | None, kind: str) -> None:
    assert kind_for_status(status) == kind


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Thu, 01 Jan 2026 00:00:30 GMT", 30.0),
        ("Wed, 31 Dec 2025 23:59:00 GMT", 0.0),  # a date gone by: no wait
        ("1.5", None),
        ("-1", None),
        ("\u0661\u0662", None),  # digits, but not ASCII ones
        ("9" * 5000, None),  # more digits than int() takes: no exception
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_digits_or_an_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_the_shared_tls_context_is_read_once_and_still_verifies() -> None:
    shared = tls_context()
    assert tls_context() is shared
    assert shared.verify_mode == ssl.CERT_REQUIRED
    assert shared.check_hostname
    assert shared.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded


def test_auth_declares_its_headers_and_hides_its_secrets() -> None:
    basic = BasicAuth(KEY)
    encoded = base64.b64encode(f"{KEY}:".encode()).decode()
    assert basic.headers() == {"authorization": f"Basic {encoded}"}
    assert set(basic.secrets()) == {KEY, encoded}
    assert BearerAuth(KEY).headers() == {"authorization": f"Bearer {KEY}"}
    assert HeaderAuth({"X-Api-Key": KEY}).headers() == {"x-api-key": KEY}
    for auth in (basic, BearerAuth(KEY), HeaderAuth({"X-Api-Key": KEY})):
        assert KEY not in repr(auth)


async def test_json_calls_route_params_and_principal(fresh: KitSim) -> None:
    async with httpx.AsyncClient() as http:
        client = KitClient(http, fresh.base_url + "/", BearerAuth(KEY))
        put = await client.put("/items/a%2Fb", {"n": 1})
        got = await client.get("/items/a%2Fb")
        opened = await client.get("/open", params={"x": "1"})
    assert put == {"id": "a/b", "owner": "acme"}
    assert got == {"n": 1}
    assert opened == {"query": {"x": "1"}}
    assert [(c.method, c.status_code) for c in fresh.calls] == [
        ("PUT", 200),
        ("GET", 200),
        ("GET", 200),
    ]
    assert fresh.calls[0].body == {"n": 1}
    assert fresh.calls[0].answer == {"id": "a/b", "owner": "acme"}


async def test_refusals_are_vendor_api_errors_with_secrets_redacted(fresh: KitSim) -> None:
    async with httpx.AsyncClient() as http:
        client = KitClient(http, fresh.base_url, BearerAuth(KEY))
        with pytest.raises(VendorAPIError) as missing:
            await client.get("/items/nope")
        with pytest.raises(VendorAPIError) as wrong_method:
            await client.delete("/items/x")
        with pytest.raises(VendorAPIError) as unknown:
            await client.get("/elsewhere")
        fresh.fail_next(400, {"error": f"key {KEY} " + "x" * 1000})
        with pytest.raises(VendorAPIError) as long:
            await client.get("/items/x")
        refused = KitClient(http, fresh.base_url, BearerAuth("other-key"))
        with pytest.raises(VendorAPIError) as auth:
            await refused.get("/items/x")
    assert (missing.value.kind, missing.value.status, missing.value.message) == (
        "not_found",
        404,
        "no such item",
    )
    assert (wrong_method.value.status, unknown.value.status) == (405, 404)
    assert long.value.kind == "rejected"
    assert KEY not in str(long.value)
    assert KEY not in repr(long.value)
    assert long.value.message.startswith("key <redacted> x")
    assert len(long.value.message) == MESSAGE_CHARS
    assert auth.value.kind == "auth"
    assert str(auth.value) == "Kit 401: unauthorized"


async def test_an_unreachable_vendor() -> None:
    with KitSim() as stopped:
        url = stopped.base_url
    async with httpx.AsyncClient() as http:
        with pytest.raises(VendorAPIError) as caught:
            await KitClient(http, url, BearerAuth(KEY)).get("/open")
    assert (caught.value.kind, caught.value.status) == ("unreachable", None)
    assert str(caught.value).startswith("Kit unreachable: ConnectError")


async def test_retry_honours_retry_after_within_the_bound(fresh: KitSim) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    fresh.fail_next(503, "down", retry_after=2)
    fresh.fail_next(429, "slow", retry_after=600)
    fresh.fail_next(429, "slow")
    retry = RetryPolicy(backoff=(0.25, 0.5, 1.0), max_wait=5.0)
    async with httpx.AsyncClient() as http:
        client = KitClient(http, fresh.base_url, BearerAuth(KEY), retry=retry, sleep=sleep)
        assert await client.get("/open") == {"query": {}}
        fresh.fail_next(429, "slow", retry_after=3)
        with pytest.raises(VendorAPIError) as limited:
            await KitClient(http, fresh.base_url, BearerAuth(KEY), sleep=sleep).get("/open")
    assert waits == [2.0, 5.0, 1.0]  # Retry-After, capped at max_wait, then the backoff step
    assert (limited.value.kind, limited.value.retry_after) == ("rate_limited", 3.0)
    assert limited.value.as_provisioning_error().kind == "quota"


async def test_fail_next_after_and_conflict_mapping(fresh: KitSim) -> None:
    fresh.fail_next(409, {"error": "exists"}, after=1)
    async with httpx.AsyncClient() as http:
        client = KitClient(http, fresh.base_url, BearerAuth(KEY))
        await client.get("/open")
        with pytest.raises(VendorAPIError) as conflict:
            await client.get("/open")
        assert await client.get("/open") == {"query": {}}
    assert conflict.value.kind == "conflict"
    error = conflict.value.as_provisioning_error("creating")
    assert (error.kind, error.status_code, error.message) == (
        "rejected",
        409,
        "creating: Kit 409: exists",
    )


@dataclass
class Note:
    id: str
    owner: str


class TokenSim(VendorSimulator):
    name = "token-sim"

    def __init__(self) -> None:
        super().__init__()
        self.notes = {"n-1": Note("n-1", "org-1"), "n-2": Note("n-2", "org-2")}

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        return self.bearer_owner(request, "bad token")

    @route("GET", "/me")
    def me(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"owner": request.principal}

    @route("GET", "/notes/{id}")
    def note(self, request: SimRequest) -> tuple[int, Any]:
        return 200, {"id": self.owned_record(self.notes, request, "no such note").id}


async def test_bearer_tokens_answer_as_their_owner_until_reset() -> None:
    with TokenSim() as sim:
        sim.add_bearer_token("tok-1", "org-1")
        async with httpx.AsyncClient(base_url=sim.base_url) as http:
            mine = await http.get("/me", headers={"authorization": "Bearer tok-1"})
            other = await http.get("/me", headers={"authorization": "Bearer tok-2"})
            basic = await http.get("/me", headers={"authorization": "Basic tok-1"})
            sim.reset()
            forgotten = await http.get("/me", headers={"authorization": "Bearer tok-1"})
    assert mine.json() == {"owner": "org-1"}
    assert [r.status_code for r in (other, basic, forgotten)] == [401, 401, 401]
    assert other.json() == {"error": "bad token"}


async def test_owned_record_answers_another_tenants_record_as_an_unknown_one() -> None:
    with TokenSim() as sim:
        sim.add_bearer_token("tok-1", "org-1")
        auth = {"authorization": "Bearer tok-1"}
        async with httpx.AsyncClient(base_url=sim.base_url) as http:
            mine = await http.get("/notes/n-1", headers=auth)
            theirs = await http.get("/notes/n-2", headers=auth)
            unknown = await http.get("/notes/n-3", headers=auth)
    assert (mine.status_code, mine.json()) == (200, {"id": "n-1"})
    assert [r.status_code for r in (theirs, unknown)] == [404, 404]
    assert theirs.json() == unknown.json() == {"error": "no such note"}
