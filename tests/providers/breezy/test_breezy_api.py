"""The Breezy management client against the Breezy simulator, both real HTTP on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from providers.breezy import SAMPLES, adapter
from providers.breezy.client import ALL_EVENTS, BreezyClient, BreezyEndpoint
from providers.client import VendorAPIError
from tests.providers.breezy.breezy_sim import BREEZY_EVENTS, BreezySim, breezy_client
from tests.support.servers import ReceivedRequest, Receiver, ThreadedServer

COMPANY = "co_acme"
TOKEN = "tok-acme-9f8e7d"
OTHER_COMPANY = "co_globex"
OTHER_TOKEN = "tok-globex-1a2b3c"
PARTNER_KEY = "pk-unihook-5566"
OTHER_PARTNER_KEY = "pk-other-7788"
EVENTS = ["candidateAdded", "candidateStatusUpdated"]


@pytest.fixture
def sim(breezy_sim: BreezySim) -> BreezySim:
    breezy_sim.add_customer(COMPANY, TOKEN)
    breezy_sim.add_customer(OTHER_COMPANY, OTHER_TOKEN)
    breezy_sim.add_partner(PARTNER_KEY)
    breezy_sim.add_partner(OTHER_PARTNER_KEY)
    return breezy_sim


@pytest.fixture
async def customer(sim: BreezySim) -> AsyncIterator[BreezyClient]:
    async with breezy_client(sim.base_url, TOKEN) as client:
        yield client


@pytest.fixture
async def partner(sim: BreezySim) -> AsyncIterator[BreezyClient]:
    async with breezy_client(sim.base_url, TOKEN, PARTNER_KEY) as client:
        yield client


async def create(
    client: BreezyClient, n: int = 0, *, description: str | None = None
) -> BreezyEndpoint:
    return await client.create_endpoint(
        COMPANY, f"https://hooks.example/breezy/{n}", EVENTS, description=description
    )


async def breezy_error(awaitable: Any) -> VendorAPIError:
    with pytest.raises(VendorAPIError) as info:
        await awaitable
    return info.value


# ---- endpoints: create, read, update, pause, resume, delete -------------------------------


async def test_create_returns_the_secret_once(sim: BreezySim, customer: BreezyClient) -> None:
    created = await customer.create_endpoint(
        COMPANY, "https://hooks.example/breezy/acme", EVENTS, description="unihook: acme"
    )

    assert created.secret is not None
    assert created.secret.startswith("whsec_")
    assert len(created.secret) > len("whsec_") + 20
    assert created.secret == sim.secret_of(created.id)
    assert created.url == "https://hooks.example/breezy/acme"
    assert created.description == "unihook: acme"
    assert created.events == EVENTS
    assert (created.status, created.enabled) == ("active", True)
    assert (created.stats.successful_deliveries, created.stats.failed_deliveries) == (0, 0)
    assert created.stats.last_delivery_at is None
    assert created.created_at is not None

    fetched = await customer.get_endpoint(COMPANY, created.id)
    listed = await customer.list_endpoints(COMPANY)
    for later in (fetched, *listed):
        assert later.id == created.id
        assert later.secret is None
        assert later.secret_prefix == "whsec_"
        assert later.is_legacy is False
        assert later.events == EVENTS
    assert [e.id for e in listed] == [created.id]


async def test_secret_never_in_repr(customer: BreezyClient) -> None:
    created = await create(customer)
    assert created.secret is not None
    assert created.secret not in repr(created)
    assert "<redacted>" in repr(created)
    assert created.secret not in repr(created.__rich_repr__())
    assert TOKEN not in repr(customer)


async def test_create_without_description(customer: BreezyClient) -> None:
    created = await create(customer)
    assert created.description is None


async def test_update_changes_only_the_given_fields(sim: BreezySim, customer: BreezyClient) -> None:
    created = await create(customer, description="before")

    updated = await customer.update_endpoint(
        COMPANY, created.id, events=["candidateAdded", "candidateDeleted"]
    )
    assert updated.events == ["candidateAdded", "candidateDeleted"]
    assert (updated.url, updated.description, updated.enabled) == (
        created.url,
        "before",
        True,
    )
    assert updated.secret is None
    assert updated.secret_prefix == "whsec_"
    assert sim.calls[-1].method == "PUT"
    assert sim.calls[-1].body == {"events": ["candidateAdded", "candidateDeleted"]}

    updated = await customer.update_endpoint(
        COMPANY,
        created.id,
        url="https://hooks.example/moved",
        description="after",
        enabled=False,
    )
    assert (updated.url, updated.description, updated.enabled) == (
        "https://hooks.example/moved",
        "after",
        False,
    )
    assert updated.events == ["candidateAdded", "candidateDeleted"]
    assert updated.status == "active"

    fetched = await customer.get_endpoint(COMPANY, created.id)
    assert (fetched.url, fetched.enabled) == ("https://hooks.example/moved", False)


async def test_pause_and_resume(customer: BreezyClient) -> None:
    created = await create(customer)

    paused = await customer.pause_endpoint(COMPANY, created.id)
    assert (paused.status, paused.enabled) == ("paused", True)
    assert (await customer.get_endpoint(COMPANY, created.id)).status == "paused"

    resumed = await customer.resume_endpoint(COMPANY, created.id)
    assert (resumed.status, resumed.enabled) == ("active", True)
    assert (await customer.get_endpoint(COMPANY, created.id)).status == "active"


async def test_delete(sim: BreezySim, customer: BreezyClient) -> None:
    keep = await create(customer, 1)
    gone = await create(customer, 2)

    await customer.delete_endpoint(COMPANY, gone.id)

    assert [e.id for e in await customer.list_endpoints(COMPANY)] == [keep.id]
    assert [e.id for e in sim.endpoints(COMPANY)] == [keep.id]
    error = await breezy_error(customer.get_endpoint(COMPANY, gone.id))
    assert error.kind == "not_found"


@pytest.mark.parametrize("action", ["get", "update", "delete", "pause", "resume"])
async def test_unknown_endpoint_is_404(customer: BreezyClient, action: str) -> None:
    error = await breezy_error(_act(customer, action, COMPANY, "5f0000000000000000000000"))
    assert error.status == 404
    assert error.kind == "not_found"
    assert error.message == "Webhook endpoint not found"


def _act(client: BreezyClient, action: str, company_id: str, endpoint_id: str) -> Any:
    if action == "get":
        return client.get_endpoint(company_id, endpoint_id)
    if action == "update":
        return client.update_endpoint(company_id, endpoint_id, description="x")
    if action == "delete":
        return client.delete_endpoint(company_id, endpoint_id)
    if action == "pause":
        return client.pause_endpoint(company_id, endpoint_id)
    return client.resume_endpoint(company_id, endpoint_id)


async def test_ids_cannot_escape_their_path_segment(sim: BreezySim, customer: BreezyClient) -> None:
    error = await breezy_error(customer.get_endpoint(COMPANY, "../webhook_endpoints"))
    assert error.status == 404
    assert sim.calls[-1].path == f"/v3/company/{COMPANY}/webhook_endpoint/..%2Fwebhook_endpoints"


async def test_legacy_endpoints_are_marked(sim: BreezySim, customer: BreezyClient) -> None:
    legacy = sim.add_legacy_endpoint(COMPANY, "https://old.example/hook")
    [listed] = await customer.list_endpoints(COMPANY)
    assert listed.id == legacy.id
    assert listed.is_legacy is True


def test_all_events_are_the_documented_ones() -> None:
    assert set(ALL_EVENTS) == set(BREEZY_EVENTS)


# ---- validation errors, quotas --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "events", "message"),
    [
        ("not a url", EVENTS, "Invalid URL format"),
        ("hooks.example/breezy", EVENTS, "Invalid URL format"),
        ("", EVENTS, "Invalid URL format"),
        ("http://hooks.example/breezy", EVENTS, "URL must use HTTPS protocol"),
        ("http://127.0.0.1:8000/ingest/breezy/acme", EVENTS, "URL must use HTTPS protocol"),
        ("https://hooks.example/breezy", "candidateAdded", "Events must be an array"),
        ("https://hooks.example/breezy", [], "At least one event must be specified"),
        ("https://hooks.example/breezy", ["candidateAdded", "candidateHired"], "Invalid events"),
        ("https://hooks.example/breezy", ["ats.application.created"], "Invalid events"),
    ],
)
async def test_create_validation_errors(
    sim: BreezySim, customer: BreezyClient, url: str, events: Any, message: str
) -> None:
    error = await breezy_error(customer.create_endpoint(COMPANY, url, events))

    assert error.status == 400
    assert error.message == message
    assert message in str(error)
    assert sim.endpoints(COMPANY) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "ftp://hooks.example/x"}, "URL must use HTTPS protocol"),
        ({"url": "https://"}, "Invalid URL format"),
        ({"events": []}, "At least one event must be specified"),
        ({"events": ["nope"]}, "Invalid events"),
        ({"events": "candidateAdded"}, "Events must be an array"),
    ],
)
async def test_update_validation_errors(
    sim: BreezySim, customer: BreezyClient, changes: dict[str, Any], message: str
) -> None:
    created = await create(customer)

    error = await breezy_error(customer.update_endpoint(COMPANY, created.id, **changes))

    assert (error.status, error.message) == (400, message)
    unchanged = sim.endpoint(created.id)
    assert (unchanged.url, unchanged.events) == (created.url, created.events)


async def test_http_loopback_only_when_the_sim_allows_it(
    sim: BreezySim, customer: BreezyClient
) -> None:
    sim.allow_http_loopback = True
    created = await customer.create_endpoint(COMPANY, "http://127.0.0.1:8000/ingest/x", EVENTS)
    assert created.url == "http://127.0.0.1:8000/ingest/x"
    error = await breezy_error(customer.create_endpoint(COMPANY, "http://example.com/x", EVENTS))
    assert error.message == "URL must use HTTPS protocol"


async def test_quota_is_ten_per_owner(
    sim: BreezySim, customer: BreezyClient, partner: BreezyClient
) -> None:
    own = [await create(customer, n) for n in range(10)]

    error = await breezy_error(create(customer, 10))
    assert error.status == 429
    assert error.kind == "rate_limited"
    assert error.message == "Quota exceeded"
    assert len(await customer.list_endpoints(COMPANY)) == 10

    # The partner's quota is its own: the customer's ten do not count against it.
    for n in range(10):
        await create(partner, n)
    error = await breezy_error(create(partner, 10))
    assert error.kind == "rate_limited"

    # Another partner, and the same customer's other company, are counted apart as well.
    async with breezy_client(sim.base_url, TOKEN, OTHER_PARTNER_KEY) as other_partner:
        await create(other_partner)
    async with breezy_client(sim.base_url, OTHER_TOKEN) as other_company:
        await other_company.create_endpoint(OTHER_COMPANY, "https://hooks.example/g", EVENTS)

    # Deleting frees a slot.
    await customer.delete_endpoint(COMPANY, own[0].id)
    await create(customer, 11)
    assert len(sim.endpoints(COMPANY)) == 10 + 10 + 1


async def test_partner_and_customer_endpoints_are_isolated(
    sim: BreezySim, customer: BreezyClient, partner: BreezyClient
) -> None:
    mine = await create(customer, 1)
    theirs = await create(partner, 2)
    async with breezy_client(sim.base_url, TOKEN, OTHER_PARTNER_KEY) as other_partner:
        others = await create(other_partner, 3)

        assert [e.id for e in await customer.list_endpoints(COMPANY)] == [mine.id]
        assert [e.id for e in await partner.list_endpoints(COMPANY)] == [theirs.id]
        assert [e.id for e in await other_partner.list_endpoints(COMPANY)] == [others.id]

        for client, foreign in (
            (customer, theirs.id),
            (partner, mine.id),
            (partner, others.id),
            (other_partner, theirs.id),
        ):
            for action in ("get", "update", "delete", "pause", "resume"):
                error = await breezy_error(_act(client, action, COMPANY, foreign))
                assert error.kind == "not_found", (action, foreign)

    assert {e.id for e in sim.endpoints(COMPANY)} == {mine.id, theirs.id, others.id}
    assert all(e.status == "active" for e in sim.endpoints(COMPANY))
    assert [e.id for e in sim.endpoints(COMPANY, partner_key=PARTNER_KEY)] == [theirs.id]


async def test_partner_requests_carry_both_headers(sim: BreezySim, partner: BreezyClient) -> None:
    created = await create(partner)
    assert sim.calls[-1].headers.get("partner-api-key") == PARTNER_KEY
    assert sim.endpoint(created.id).owner == ("partner", PARTNER_KEY)


async def test_headers_on_the_wire() -> None:
    # One body that reads both as a list answer and as an endpoint answer.
    receiver = Receiver(body=b'{"data": [], "id": "e1"}')
    with ThreadedServer(receiver) as server:
        async with breezy_client(server.base_url + "/", TOKEN, PARTNER_KEY) as client:
            await client.list_endpoints(COMPANY)
            await client.create_endpoint(COMPANY, "https://hooks.example/x", EVENTS)
    get, post = receiver.requests
    assert (get.method, post.method) == ("GET", "POST")
    assert get.path == post.path == f"/v3/company/{COMPANY}/webhook_endpoints"
    assert get.headers["authorization"] == TOKEN  # the token as it is: no "Bearer"
    assert get.headers["partner-api-key"] == PARTNER_KEY
    assert post.headers["content-type"] == "application/json"
    assert json.loads(post.body) == {"url": "https://hooks.example/x", "events": EVENTS}


# ---- authentication -------------------------------------------------------------------------


async def test_unknown_token_is_401(sim: BreezySim) -> None:
    async with breezy_client(sim.base_url, "tok-wrong") as client:
        error = await breezy_error(client.list_endpoints(COMPANY))
    assert error.status == 401
    assert error.kind == "auth"
    assert error.message == "Unauthorized"


async def test_bearer_prefix_is_not_breezy_auth(sim: BreezySim) -> None:
    async with breezy_client(sim.base_url, f"Bearer {TOKEN}") as client:
        error = await breezy_error(client.list_endpoints(COMPANY))
    assert error.status == 401


async def test_unknown_partner_key_is_401(sim: BreezySim) -> None:
    async with breezy_client(sim.base_url, TOKEN, "pk-nobody") as client:
        error = await breezy_error(create(client))
    assert error.status == 401
    assert error.message == "Invalid partner API key"
    assert sim.endpoints() == []


async def test_token_of_another_company_is_refused(sim: BreezySim) -> None:
    async with breezy_client(sim.base_url, OTHER_TOKEN) as client:
        error = await breezy_error(client.list_endpoints(COMPANY))
    assert error.status == 403
    assert error.kind == "auth"


async def test_no_authorization_header_is_401(sim: BreezySim) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{sim.base_url}/v3/company/{COMPANY}/webhook_endpoints")
        unparsable = await http.post(
            f"{sim.base_url}/v3/company/{COMPANY}/webhook_endpoints", content=b"{not json"
        )
    assert response.status_code == unparsable.status_code == 401
    assert response.json() == {"error": "Unauthorized"}


# ---- errors as Breezy (or what sits in front of it) sends them -------------------------------


@pytest.mark.parametrize(
    ("status", "body", "content_type", "message"),
    [
        (429, {"message": "Rate limit exceeded"}, None, "Rate limit exceeded"),
        (400, {"error": {"message": "Nested message"}}, None, "Nested message"),
        (500, "Upstream exploded", None, "Upstream exploded"),
        (502, b"<html><body>Bad Gateway</body></html>", "text/html", "Bad Gateway"),
        (503, b"", None, "Service Unavailable"),
        (400, {"unexpected": True}, None, "Bad Request"),
        (401, {"error": f"token {TOKEN} revoked"}, None, "token <redacted> revoked"),
    ],
)
async def test_error_bodies(
    sim: BreezySim,
    customer: BreezyClient,
    status: int,
    body: Any,
    content_type: str | None,
    message: str,
) -> None:
    sim.fail_next(status, body, content_type=content_type)

    error = await breezy_error(customer.list_endpoints(COMPANY))

    assert (error.status, error.message) == (status, message)
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)


async def test_unexpected_success_body(sim: BreezySim, customer: BreezyClient) -> None:
    sim.fail_next(200, {"nothing": "useful"})
    error = await breezy_error(create(customer))
    assert error.status == 200
    assert error.message.startswith("unexpected response from Breezy")
    assert error.created_id is None


async def test_unreadable_create_answer_still_names_the_endpoint(
    sim: BreezySim, customer: BreezyClient
) -> None:
    # Breezy made the endpoint but answered in a shape the client cannot read: the caller gets
    # the id to delete it, and never the secret in the message.
    sim.fail_next(200, {"id": "e-made", "secret": "whsec_s3cret", "stats": "broken"})
    error = await breezy_error(create(customer))
    assert error.created_id == "e-made"
    assert "whsec_s3cret" not in str(error)


async def test_bare_list_answer_is_accepted(sim: BreezySim, customer: BreezyClient) -> None:
    sim.fail_next(200, json.dumps([{"id": "e1", "url": "https://x.example"}]))
    [endpoint] = await customer.list_endpoints(COMPANY)
    assert endpoint.id == "e1"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting to it is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


async def test_unreachable_breezy(closed_port: int) -> None:
    async with breezy_client(f"http://127.0.0.1:{closed_port}", TOKEN, PARTNER_KEY) as client:
        error = await breezy_error(client.list_endpoints(COMPANY))
    assert error.status is None
    assert "ConnectError" in error.message
    assert str(error).startswith("Breezy unreachable")
    assert TOKEN not in str(error)
    assert PARTNER_KEY not in str(error)


async def test_timeout(sim: BreezySim) -> None:
    sim.fail_next(200, {"data": []}, delay=1.0)
    async with breezy_client(sim.base_url, TOKEN, timeout=0.2) as client:
        error = await breezy_error(client.list_endpoints(COMPANY))
    assert error.status is None
    assert "Timeout" in error.message


# ---- deliveries --------------------------------------------------------------------------------


class VerifyingReceiver(Receiver):
    """Answers 200 when the real Breezy adapter verifies the request with the path's secret."""

    def __init__(self) -> None:
        super().__init__(check=self.verify)
        self.secrets: dict[str, str] = {}

    def verify(self, request: ReceivedRequest) -> int:
        secret = self.secrets.get(request.path)
        if secret is None:
            return 404
        return 200 if adapter.verify(request.body, request.headers, [secret]) else 401


@pytest.fixture
def receiver() -> Iterator[tuple[VerifyingReceiver, str]]:
    app = VerifyingReceiver()
    with ThreadedServer(app, name="breezy-receiver") as server:
        yield app, server.base_url


async def test_delivery_is_signed_as_breezy_signs(
    sim: BreezySim,
    customer: BreezyClient,
    receiver: tuple[VerifyingReceiver, str],
) -> None:
    app, base = receiver
    sim.allow_http_loopback = True
    endpoint = await customer.create_endpoint(COMPANY, f"{base}/ingest/breezy/acme", EVENTS)
    assert endpoint.secret is not None
    app.secrets["/ingest/breezy/acme"] = endpoint.secret

    [delivery] = await sim.deliver(COMPANY, "candidateAdded")

    assert delivery.ok
    assert delivery.status_code == 200
    [request] = app.requests
    assert request.method == "POST"
    assert request.body == delivery.body
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-breezy-webhook-version"] == "1"
    assert len(request.headers["x-hook-signature"]) == 64
    body = json.loads(request.body)
    assert body["type"] == "candidateAdded"
    assert body["_id"] != SAMPLES["candidateAdded"]["_id"]
    assert body["object"] == SAMPLES["candidateAdded"]["object"]
    # Compact, non-ASCII unescaped: what Breezy's JSON.stringify sends.
    assert request.body == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    assert "José".encode() in request.body
    # A wrong secret does not verify: the receiver's check is a real one.
    assert not adapter.verify(request.body, request.headers, ["whsec_wrong"])

    normalized = adapter.normalize(request.body, received_at=datetime.now(UTC))
    assert normalized.type == "ats.application.created"
    assert normalized.event_id == body["_id"]

    stats = (await customer.get_endpoint(COMPANY, endpoint.id)).stats
    assert (stats.successful_deliveries, stats.failed_deliveries) == (1, 0)
    assert stats.last_delivery_at is not None


async def test_delivery_goes_only_where_it_should(
    sim: BreezySim,
    customer: BreezyClient,
    partner: BreezyClient,
    receiver: tuple[VerifyingReceiver, str],
) -> None:
    app, base = receiver
    sim.allow_http_loopback = True
    endpoints = {
        "/customer": await customer.create_endpoint(COMPANY, f"{base}/customer", EVENTS),
        "/partner": await partner.create_endpoint(COMPANY, f"{base}/partner", ["candidateAdded"]),
        "/jobs": await customer.create_endpoint(COMPANY, f"{base}/jobs", ["companyPositionAdded"]),
    }
    async with breezy_client(sim.base_url, OTHER_TOKEN) as other:
        endpoints["/other"] = await other.create_endpoint(OTHER_COMPANY, f"{base}/other", EVENTS)
    for path, endpoint in endpoints.items():
        assert endpoint.secret is not None
        app.secrets[path] = endpoint.secret

    async def delivered_to(event_type: str, payload: Any = None) -> list[str]:
        app.requests.clear()
        results = await sim.deliver(COMPANY, event_type, payload)
        assert all(r.ok for r in results)
        return sorted(r.path for r in app.requests)

    # Both owners' endpoints get the company's events; the other company's does not.
    assert await delivered_to("candidateAdded") == ["/customer", "/partner"]
    assert await delivered_to("candidateStatusUpdated") == ["/customer"]
    assert await delivered_to("companyPositionAdded") == ["/jobs"]
    assert await delivered_to("companyNoteDeleted") == []

    # Paused and disabled endpoints get nothing until resumed or re-enabled.
    await customer.pause_endpoint(COMPANY, endpoints["/customer"].id)
    await partner.update_endpoint(COMPANY, endpoints["/partner"].id, enabled=False)
    assert await delivered_to("candidateAdded") == []
    await customer.resume_endpoint(COMPANY, endpoints["/customer"].id)
    await partner.update_endpoint(COMPANY, endpoints["/partner"].id, enabled=True)
    assert await delivered_to("candidateAdded") == ["/customer", "/partner"]

    # A given payload is sent as compact JSON and verifies too.
    payload = {"_id": "evt-given", "type": "candidateAdded", "object": {"note": "ünïcode"}}
    assert await delivered_to("candidateAdded", payload) == ["/customer", "/partner"]
    assert json.loads(app.requests[0].body)["_id"] == "evt-given"

    customer_stats = (await customer.get_endpoint(COMPANY, endpoints["/customer"].id)).stats
    partner_stats = (await partner.get_endpoint(COMPANY, endpoints["/partner"].id)).stats
    assert customer_stats.successful_deliveries == 4
    assert partner_stats.successful_deliveries == 3
    assert customer_stats.failed_deliveries == partner_stats.failed_deliveries == 0


async def test_failed_deliveries_are_counted(
    sim: BreezySim,
    customer: BreezyClient,
    receiver: tuple[VerifyingReceiver, str],
    closed_port: int,
) -> None:
    app, base = receiver
    sim.allow_http_loopback = True
    rejected = await customer.create_endpoint(COMPANY, f"{base}/rejects", EVENTS)
    app.secrets["/rejects"] = "whsec_not_the_endpoint_secret"
    unreachable = await customer.create_endpoint(
        COMPANY, f"http://127.0.0.1:{closed_port}/hook", EVENTS
    )

    results = {r.target_id: r for r in await sim.deliver(COMPANY, "candidateStatusUpdated")}

    assert results[rejected.id].status_code == 401
    assert not results[rejected.id].ok
    assert results[unreachable.id].response is None
    assert results[unreachable.id].error is not None
    for endpoint in (rejected, unreachable):
        stats = (await customer.get_endpoint(COMPANY, endpoint.id)).stats
        assert (stats.successful_deliveries, stats.failed_deliveries) == (0, 1)
        assert stats.last_delivery_at is not None


async def test_legacy_endpoints_deliver_unsigned(
    sim: BreezySim, receiver: tuple[VerifyingReceiver, str]
) -> None:
    app, base = receiver
    app.check = None
    sim.add_legacy_endpoint(COMPANY, f"{base}/legacy", ["candidateAdded"])

    [delivery] = await sim.deliver(COMPANY, "candidateAdded")

    assert delivery.ok
    assert "x-hook-signature" not in app.requests[0].headers
