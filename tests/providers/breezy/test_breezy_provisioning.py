"""Provisioning the Breezy endpoint through ``POST /v1/connections`` and ``unihook connect``.

Everything talks to the Breezy simulator (``tests/providers/breezy/breezy_sim.py``) over real HTTP on
loopback; the end-to-end test also runs the gateway as a real server Breezy delivers to.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

import gateway.services.connections as connections_service
import gateway.services.provisioning as provisioning
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Connection, ConnectionSecret
from providers.breezy.client import ALL_EVENTS
from tests.conftest import ADMIN, ADMIN_TOKEN, StubResolver
from tests.gateway.helpers import connect
from tests.providers.breezy.breezy_sim import BREEZY_EVENTS, BreezySim, breezy_client
from tests.providers.ingest_helpers import running_gateway
from tests.support.servers import Receiver, ThreadedServer

COMPANY = "co_acme"
TOKEN = "tok-acme-SECRET-9f8e7d6c"
PARTNER_KEY = "pk-unihook-SECRET-5566"
OTHER_COMPANY = "co_globex"
OTHER_TOKEN = "tok-globex-SECRET-1a2b"
PUBLIC = "https://hooks.example.test"


@pytest.fixture(autouse=True)
def _public_url_does_not_resolve(dns: StubResolver) -> None:
    """The simulator delivers to the public URL, which nobody serves here: no such name."""
    dns.names["hooks.example.test"] = None


@pytest.fixture
def sim(breezy_sim: BreezySim) -> BreezySim:
    breezy_sim.add_customer(COMPANY, TOKEN)
    breezy_sim.add_customer(OTHER_COMPANY, OTHER_TOKEN)
    breezy_sim.add_partner(PARTNER_KEY)
    return breezy_sim


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, sim: BreezySim, overrides: dict[str, Any]) -> Settings:
    return replace(settings, **{**breezy_at(sim.base_url), "public_url": PUBLIC, **overrides})


def breezy_at(url: str) -> dict[str, Any]:
    """Settings overrides pointing the Breezy provisioner at ``url``."""
    return {"provider_env": {"UNIHOOK_PROVIDER_BREEZY_API_URL": url}}


def vendor_state(services: Runtime, row: Connection) -> dict[str, Any]:
    """The decrypted vendor state document of a provisioned connection."""
    assert row.vendor_state_enc is not None
    document: dict[str, Any] = json.loads(services.box.decrypt(row.vendor_state_enc))
    return document


def body(tenant: str = "acme", **provision: Any) -> dict[str, Any]:
    return {
        "provider": "breezy",
        "tenant": tenant,
        "provision": {"company_id": COMPANY, "api_token": TOKEN, **provision},
    }


async def provision(client: Any, tenant: str = "acme", **extra: Any) -> dict[str, Any]:
    response = await client.post("/v1/connections", json=body(tenant, **extra), headers=ADMIN)
    assert response.status_code == 201, response.text
    assert_no_credentials(response.text)
    result: dict[str, Any] = response.json()
    return result


def assert_no_credentials(text: str, *secrets: str) -> None:
    for value in (TOKEN, PARTNER_KEY, OTHER_TOKEN, *secrets):
        assert value not in text
    assert '"secret"' not in text
    assert "api_token" not in text


async def row_of(services: Runtime, connection_id: str) -> Connection:
    async with services.sessions() as session:
        row: Connection | None = await session.get(Connection, connection_id)
    assert row is not None
    return row


async def connection_count(services: Runtime) -> int:
    async with services.sessions() as session:
        return len(list((await session.execute(select(Connection.id))).scalars()))


def api_calls(sim: BreezySim, method: str | None = None) -> list[Any]:
    return [c for c in sim.calls if method is None or c.method == method]


def closed_port_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---- creating ---------------------------------------------------------------------------------


async def test_provision_creates_the_endpoint_and_keeps_its_secret(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)

    assert con["provider"] == "breezy"
    assert con["tenant"] == "acme"
    assert con["verify"] is True
    assert con["ingest_url"] == f"{PUBLIC}/ingest/breezy/acme"
    assert con["secret_prefix"].startswith("whsec_")
    [endpoint] = sim.endpoints(COMPANY)
    assert con["provisioned"]["endpoint_id"] == endpoint.id
    assert con["provisioned"]["status"] == "active"
    assert con["provisioned"]["enabled"] is True
    assert endpoint.url == f"{PUBLIC}/ingest/breezy/acme"
    assert sorted(endpoint.events) == sorted(BREEZY_EVENTS)  # every type, by default
    assert set(ALL_EVENTS) == set(BREEZY_EVENTS)
    assert endpoint.description == "unihook - acme"
    assert endpoint.owner == ("customer",)
    [call] = sim.calls
    assert (call.method, call.path) == ("POST", f"/v3/company/{COMPANY}/webhook_endpoints")
    assert call.headers.get("partner-api-key") is None

    row = await row_of(services, con["id"])
    assert row.vendor_state_enc is not None
    assert TOKEN not in row.vendor_state_enc
    assert vendor_state(services, row) == {
        "state": {"company_id": COMPANY, "endpoint_id": endpoint.id},
        "credentials": {"api_token": TOKEN},
    }
    async with services.sessions() as session:
        [secret] = (
            await session.execute(
                select(ConnectionSecret).where(ConnectionSecret.connection_id == row.id)
            )
        ).scalars()
    assert endpoint.secret is not None
    assert endpoint.secret not in secret.secret_enc
    assert services.box.decrypt(secret.secret_enc) == endpoint.secret

    listed = await client.get("/v1/connections", headers=ADMIN)
    assert listed.status_code == 200
    assert_no_credentials(listed.text, endpoint.secret)
    one = await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert one.status_code == 200
    assert_no_credentials(one.text, endpoint.secret)


async def test_events_description_and_a_tenant_needing_quoting(client: Any, sim: BreezySim) -> None:
    tenant = "acme eu+ü"
    con = await provision(
        client,
        tenant,
        events=["candidateAdded", "candidateStatusUpdated", "candidateAdded"],
        description="Acme EU via unihook",
    )
    [endpoint] = sim.endpoints(COMPANY)
    assert endpoint.url == f"{PUBLIC}/ingest/breezy/acme%20eu%2B%C3%BC"
    assert con["ingest_url"] == endpoint.url
    assert endpoint.events == ["candidateAdded", "candidateStatusUpdated"]
    assert endpoint.description == "Acme EU via unihook"


async def test_a_tenant_key_provisions_its_own_tenant_only(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    from gateway.core.clock import utcnow
    from gateway.core.crypto import hash_key, new_api_key
    from gateway.core.ids import new_id
    from gateway.storage.models import ApiKey

    key = new_api_key("acme")
    async with services.sessions() as session, session.begin():
        session.add(
            ApiKey(
                id=new_id("key"),
                tenant="acme",
                key_hash=hash_key(key),
                prefix=key[:8],
                created_at=utcnow(),
            )
        )
    headers = {"Authorization": f"Bearer {key}"}
    other = await client.post("/v1/connections", json=body("globex"), headers=headers)
    assert other.status_code == 404
    assert sim.calls == []
    own = await client.post("/v1/connections", json=body("acme"), headers=headers)
    assert own.status_code == 201, own.text
    assert len(sim.endpoints(COMPANY)) == 1


# ---- refused before Breezy is called ------------------------------------------------------------


async def test_a_duplicate_tenant_is_409_without_calling_breezy(
    client: Any, sim: BreezySim
) -> None:
    await connect(client, "breezy")  # a manual connection already exists
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]
    assert sim.calls == []
    assert sim.endpoints() == []

    await provision(client, "globex")
    again = await client.post("/v1/connections", json=body("globex"), headers=ADMIN)
    assert again.status_code == 409
    assert len(api_calls(sim, "POST")) == 1
    assert len(sim.endpoints(COMPANY)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provider": "hatchbeacon"}, "provisioning is not available for provider 'hatchbeacon'"),
        ({"provider": "nope"}, "unknown provider"),
        ({"secret": "whsec_mine"}, "secret must not be given with provision"),
        ({"verify": False}, "verify: false cannot be combined with provision"),
        ({"provision": {"company_id": " ", "api_token": TOKEN}}, "company_id must not be empty"),
        ({"provision": {"company_id": COMPANY, "api_token": ""}}, "api_token must not be empty"),
        (
            {"provision": {"company_id": COMPANY, "api_token": TOKEN, "events": []}},
            "At least one event must be specified",
        ),
        (
            {"provision": {"company_id": COMPANY, "api_token": TOKEN, "events": ["nope"]}},
            "Invalid events: nope",
        ),
        (
            {
                "provision": {
                    "company_id": COMPANY,
                    "api_token": TOKEN,
                    "events": ["ats.application.created"],
                }
            },
            "Breezy calls it candidateAdded",
        ),
    ],
)
async def test_requests_unihook_can_judge_are_400_without_calling_breezy(
    client: Any, services: Runtime, sim: BreezySim, change: dict[str, Any], message: str
) -> None:
    response = await client.post("/v1/connections", json={**body(), **change}, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert TOKEN not in response.text
    assert sim.calls == []
    assert await connection_count(services) == 0


# ---- Breezy says no -----------------------------------------------------------------------------


@pytest.mark.parametrize("overrides", [{"public_url": "http://testserver.local"}])
async def test_breezy_400_is_passed_through_and_nothing_is_made(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 502
    detail = response.json()["detail"]
    assert "Breezy answered 400: URL must use HTTPS protocol" in detail
    assert "UNIHOOK_PUBLIC_URL" in detail
    assert_no_credentials(response.text)
    assert [c.status_code for c in sim.calls] == [400]
    assert sim.endpoints() == []
    assert await connection_count(services) == 0


async def test_breezy_invalid_events_message_is_passed_through(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    sim.fail_next(400, {"error": "Invalid events"})
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 502
    assert "Breezy answered 400: Invalid events" in response.json()["detail"]
    assert await connection_count(services) == 0


async def test_quota_429_is_429_and_leaves_nothing(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    async with breezy_client(sim.base_url, TOKEN) as breezy:
        for n in range(10):
            await breezy.create_endpoint(
                COMPANY, f"https://elsewhere.example/{n}", ["candidateAdded"]
            )

    response = await client.post("/v1/connections", json=body(), headers=ADMIN)

    assert response.status_code == 429
    detail = response.json()["detail"]
    assert "Quota exceeded" in detail
    assert "10 webhook endpoints per owner" in detail
    assert await connection_count(services) == 0
    assert len(sim.endpoints(COMPANY)) == 10

    # A partner's endpoints are counted apart: the partner can still provision.
    con = await provision(client, partner_api_key=PARTNER_KEY)
    assert con["provisioned"]["status"] == "active"
    assert len(sim.endpoints(COMPANY, partner_key=PARTNER_KEY)) == 1


@pytest.mark.parametrize(
    ("provision_fields", "status_word"),
    [
        ({"api_token": "tok-wrong-SECRET"}, "401 Unauthorized"),
        ({"api_token": OTHER_TOKEN}, "403 Forbidden"),
        ({"partner_api_key": "pk-wrong-SECRET"}, "401 Invalid partner API key"),
    ],
)
async def test_refused_credentials_are_502_without_echoing_them(
    client: Any,
    services: Runtime,
    sim: BreezySim,
    provision_fields: dict[str, str],
    status_word: str,
) -> None:
    request = body()
    request["provision"].update(provision_fields)
    response = await client.post("/v1/connections", json=request, headers=ADMIN)
    assert response.status_code == 502
    detail = response.json()["detail"]
    assert status_word in detail
    assert "check the API token" in detail
    for value in provision_fields.values():
        assert value not in response.text
    assert await connection_count(services) == 0


async def test_breezy_5xx_is_502(client: Any, services: Runtime, sim: BreezySim) -> None:
    sim.fail_next(503, {"error": "Service Unavailable"})
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 502
    assert "Breezy answered 503: Service Unavailable" in response.json()["detail"]
    assert await connection_count(services) == 0


@pytest.mark.parametrize("overrides", [breezy_at(closed_port_url())])
async def test_breezy_unreachable_is_502(client: Any, services: Runtime) -> None:
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 502
    assert "could not reach Breezy" in response.json()["detail"]
    assert await connection_count(services) == 0


async def test_an_unreadable_answer_naming_an_endpoint_deletes_it(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    async with breezy_client(sim.base_url, TOKEN) as breezy:
        made = await breezy.create_endpoint(COMPANY, "https://x.example/1", ["candidateAdded"])
    sim.calls.clear()
    sim.fail_next(200, {"id": made.id, "events": "not-a-list"})
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 502
    assert [(c.method, c.status_code) for c in sim.calls] == [("POST", 200), ("DELETE", 200)]
    assert sim.endpoints() == []
    assert await connection_count(services) == 0


@pytest.mark.parametrize("overrides", [{}, {"store_vendor_tokens": False}])
async def test_a_failed_insert_deletes_the_new_endpoint(
    client: Any, services: Runtime, sim: BreezySim, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection made by someone else between the check and the insert: 409, and the endpoint
    just made at Breezy is deleted again (with the request's token, even when none is kept)."""
    await connect(client, "breezy")

    async def no_check(*args: Any) -> None:
        return None

    monkeypatch.setattr(connections_service, "_check_no_connection", no_check)
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 409
    assert [(c.method, c.status_code) for c in sim.calls] == [("POST", 200), ("DELETE", 200)]
    assert sim.endpoints() == []
    assert await connection_count(services) == 1  # only the manual one


async def test_a_database_failure_deletes_the_new_endpoint(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    from sqlalchemy import text

    async with services.engine.begin() as conn:
        await conn.execute(text("DROP TABLE connection_secrets"))
    response = await client.post("/v1/connections", json=body(), headers=ADMIN)
    assert response.status_code == 500
    assert_no_credentials(response.text)
    assert [(c.method, c.status_code) for c in sim.calls] == [("POST", 200), ("DELETE", 200)]
    assert sim.endpoints() == []
    assert await connection_count(services) == 0


# ---- partner auth, deleting ---------------------------------------------------------------------


async def test_partner_auth_end_to_end(client: Any, services: Runtime, sim: BreezySim) -> None:
    con = await provision(client, partner_api_key=PARTNER_KEY)
    [endpoint] = sim.endpoints(COMPANY)
    assert endpoint.owner == ("partner", PARTNER_KEY)
    assert sim.calls[0].headers.get("partner-api-key") == PARTNER_KEY
    row = await row_of(services, con["id"])
    assert vendor_state(services, row)["credentials"]["partner_api_key"] == PARTNER_KEY

    health = (await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).json()
    assert health["provisioned"]["status"] == "active"
    assert sim.calls[-1].headers.get("partner-api-key") == PARTNER_KEY

    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 200
    assert sim.calls[-1].method == "DELETE"
    assert sim.calls[-1].headers.get("partner-api-key") == PARTNER_KEY
    assert sim.endpoints() == []


async def test_delete_removes_the_endpoint_at_breezy(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)
    [endpoint] = sim.endpoints(COMPANY)
    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"success": True}
    delete_call = sim.calls[-1]
    assert (delete_call.method, delete_call.path, delete_call.status_code) == (
        "DELETE",
        f"/v3/company/{COMPANY}/webhook_endpoint/{endpoint.id}",
        200,
    )
    assert sim.endpoints() == []
    assert await connection_count(services) == 0
    # The tenant can be provisioned again (the quota slot was freed, no 409).
    await provision(client)


async def test_delete_when_the_endpoint_is_already_gone(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)
    [endpoint] = sim.endpoints(COMPANY)
    async with breezy_client(sim.base_url, TOKEN) as breezy:
        await breezy.delete_endpoint(COMPANY, endpoint.id)
    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 200
    assert sim.calls[-1].status_code == 404
    assert await connection_count(services) == 0


async def test_delete_while_breezy_fails_keeps_the_connection(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)
    sim.fail_next(503, {"error": "Service Unavailable"})
    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 502
    assert "try again" in response.json()["detail"]
    assert await connection_count(services) == 1
    assert len(sim.endpoints(COMPANY)) == 1

    retry = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert retry.status_code == 200
    assert sim.endpoints() == []
    assert await connection_count(services) == 0


async def test_delete_with_a_revoked_token_deletes_the_connection_only(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)
    sim.fail_next(401, {"error": "Unauthorized"})
    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 200
    assert await connection_count(services) == 0
    assert len(sim.endpoints(COMPANY)) == 1  # left at Breezy, logged


@pytest.mark.parametrize("overrides", [{"store_vendor_tokens": False}])
async def test_forget_vendor_tokens(client: Any, services: Runtime, sim: BreezySim) -> None:
    con = await provision(client, partner_api_key=PARTNER_KEY)
    assert con["provisioned"]["status"] == "active"
    row = await row_of(services, con["id"])
    endpoint_id = sim.endpoints(COMPANY)[0].id
    assert vendor_state(services, row) == {
        "state": {"company_id": COMPANY, "endpoint_id": endpoint_id},
        "credentials": None,
    }
    sim.calls.clear()

    got = (await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).json()
    assert got["provisioned"]["endpoint_id"] == endpoint_id
    assert "UNIHOOK_FORGET_VENDOR_TOKENS" in got["provisioned"]["error"]
    assert "status" not in got["provisioned"]

    response = await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)
    assert response.status_code == 200
    assert sim.calls == []  # nothing to call Breezy with
    assert len(sim.endpoints(COMPANY)) == 1  # left at Breezy, as documented


# ---- health -------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(provisioning, "_clock", fake)
    return fake


async def test_get_shows_breezy_stats_cached_for_30_seconds(
    client: Any, sim: BreezySim, clock: Clock
) -> None:
    sim.allow_http_loopback = True  # deliveries go to the public URL, which is not served here
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"

    first = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert first["status"] == "active"
    assert first["enabled"] is True
    assert first["stats"] == {
        "successful_deliveries": 0,
        "failed_deliveries": 0,
        "last_delivery_at": None,
    }
    assert "error" not in first
    assert len(api_calls(sim, "GET")) == 1

    [delivery] = await sim.deliver(COMPANY, "candidateAdded")  # hooks.example.test: fails
    assert not delivery.ok
    clock.now += 20
    cached = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert cached == first
    assert len(api_calls(sim, "GET")) == 1

    clock.now += 11
    fresh = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert fresh["stats"]["failed_deliveries"] == 1
    assert fresh["stats"]["last_delivery_at"] is not None
    assert len(api_calls(sim, "GET")) == 2

    # Paused at Breezy: shown once the cache has run out.
    async with breezy_client(sim.base_url, TOKEN) as breezy:
        await breezy.pause_endpoint(COMPANY, con["provisioned"]["endpoint_id"])
    clock.now += 31
    paused = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert paused["status"] == "paused"


async def test_get_survives_breezy_being_down(client: Any, sim: BreezySim, clock: Clock) -> None:
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"

    # Down before any good answer: no status, an error note, still 200.
    sim.fail_next(503, {"error": "Service Unavailable"})
    response = await client.get(url, headers=ADMIN)
    assert response.status_code == 200
    down = response.json()["provisioned"]
    assert down["endpoint_id"] == con["provisioned"]["endpoint_id"]
    assert "Breezy answered 503" in down["error"]
    assert "status" not in down

    # The failure is remembered briefly (Breezy is not asked by every GET)...
    gets = len(api_calls(sim, "GET"))
    assert (await client.get(url, headers=ADMIN)).json()["provisioned"] == down
    assert len(api_calls(sim, "GET")) == gets

    # ...then a good answer...
    clock.now += 11
    good = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert good["status"] == "active"
    assert "error" not in good

    # ...and when Breezy fails again, the last good answer with a note.
    clock.now += 31
    sim.fail_next(500, b"<html>oops</html>", content_type="text/html")
    stale = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert stale["status"] == "active"
    assert stale["stats"] == good["stats"]
    assert "Breezy answered 500" in stale["error"]
    assert "31 s ago" in stale["error"]


async def test_get_with_breezy_unreachable_or_the_endpoint_gone(
    client: Any, services: Runtime, sim: BreezySim, clock: Clock
) -> None:
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"
    assert (await client.get(url, headers=ADMIN)).json()["provisioned"]["status"] == "active"

    clock.now += 31
    services.settings = replace(services.settings, **breezy_at(closed_port_url()))
    unreachable = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert "Breezy unreachable" in unreachable["error"]
    assert unreachable["status"] == "active"  # the last good answer

    services.settings = replace(services.settings, **breezy_at(sim.base_url))
    async with breezy_client(sim.base_url, TOKEN) as breezy:
        await breezy.delete_endpoint(COMPANY, con["provisioned"]["endpoint_id"])
    clock.now += 31
    gone = (await client.get(url, headers=ADMIN)).json()["provisioned"]
    assert "no longer exists at Breezy" in gone["error"]
    assert "status" not in gone


async def test_a_manual_connection_has_no_vendor_health(client: Any, sim: BreezySim) -> None:
    con = await connect(client, "breezy")
    got = (await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).json()
    assert "provisioned" not in got
    assert sim.calls == []


# ---- end to end: Breezy delivers to the running gateway ----------------------------------------


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    app = Receiver()
    with ThreadedServer(app, name="subscriber") as server:
        yield app, server.base_url


async def test_provision_then_breezy_delivers_through_the_gateway(
    settings: Settings, sim: BreezySim, receiver: tuple[Receiver, str]
) -> None:
    subscriber, subscriber_url = receiver
    sim.allow_http_loopback = True
    with running_gateway(
        settings, allow_insecure_destinations=True, poll_interval=0.1, retry_schedule=(0.2, 0.2)
    ) as public:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            sub = await api.post(
                "/v1/subscriptions", json={"url": f"{subscriber_url}/hook", "events": ["ats.*"]}
            )
            assert sub.status_code == 201, sub.text
            created = await api.post("/v1/connections", json=body())
            assert created.status_code == 201, created.text
            con = created.json()
            [endpoint] = sim.endpoints(COMPANY)
            assert endpoint.url == f"{public}/ingest/breezy/acme"

            [delivery] = await sim.deliver(COMPANY, "candidateStatusUpdated")
            assert delivery.status_code == 202, delivery.response and delivery.response.text
            answer = delivery.response.json() if delivery.response else {}
            assert answer["status"] == "accepted"
            sent = json.loads(delivery.body)

            events = (await api.get("/v1/events", params={"tenant": "acme"})).json()["data"]
            [event] = events
            assert event["id"] == answer["event_id"]
            assert event["type"] == "ats.application.stage_changed"
            assert event["source"]["provider"] == "breezy"
            assert event["source"]["connection_id"] == con["id"]
            assert event["source"]["event_id"] == sent["_id"]

            # Re-emitted to the subscriber, signed by unihook.
            deadline = time.monotonic() + 10
            while not subscriber.requests and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            [request] = subscriber.requests
            assert json.loads(request.body)["id"] == event["id"]
            assert request.headers["webhook-id"] == event["id"]

            # Only Breezy's secret for this endpoint verifies.
            forged = await api.post(
                "/ingest/breezy/acme",
                content=delivery.body,
                headers={"x-hook-signature": "0" * 64, "content-type": "application/json"},
            )
            assert forged.status_code == 401

            [again] = await sim.deliver(COMPANY, "candidateAdded")
            assert again.ok
            health = (await api.get(f"/v1/connections/{con['id']}")).json()["provisioned"]
            assert health["status"] == "active"
            assert health["stats"]["successful_deliveries"] == 2
            assert health["stats"]["failed_deliveries"] == 0

            deleted = await api.delete(f"/v1/connections/{con['id']}")
            assert deleted.status_code == 200
            assert sim.endpoints() == []
            assert await sim.deliver(COMPANY, "candidateAdded") == []


# ---- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """The environment ``unihook`` runs with: the test's database, key and simulator."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        UNIHOOK_DATABASE_URL=settings.database_url,
        UNIHOOK_SECRET_KEY=settings.secret_key or "",
        UNIHOOK_PUBLIC_URL=PUBLIC,
        UNIHOOK_BREEZY_API_URL=settings.provider_settings("breezy")["api_url"],
        UNIHOOK_ADMIN_TOKEN=ADMIN_TOKEN,
        NO_COLOR="1",
    )
    return env


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """``unihook ARGS...`` as a user runs it (a process of its own)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        *args,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_cli_connect_provision_and_connections(
    cli_env: dict[str, str], settings: Settings, sim: BreezySim
) -> None:
    code, out, err = await run_cli(
        cli_env,
        "connect", "breezy", "acme", "--provision",
        "--company-id", COMPANY, "--api-token", TOKEN, "--partner-api-key", PARTNER_KEY,
        "--events", "candidateAdded", "companyPositionAdded",
        "--description", "from the CLI",
    )  # fmt: skip
    assert code == 0, err
    printed = json.loads(out)
    [endpoint] = sim.endpoints(COMPANY, partner_key=PARTNER_KEY)
    assert printed["provisioned"]["endpoint_id"] == endpoint.id
    assert endpoint.events == ["candidateAdded", "companyPositionAdded"]
    assert endpoint.description == "from the CLI"
    assert endpoint.url == f"{PUBLIC}/ingest/breezy/acme"
    assert endpoint.secret is not None
    assert_no_credentials(out + err, endpoint.secret)

    code, out, err = await run_cli(cli_env, "connections")
    assert code == 0, err
    assert "active, failed_deliveries=0" in out
    assert "WARNING" not in out
    assert_no_credentials(out + err, endpoint.secret)

    sim.allow_http_loopback = True
    [delivery] = await sim.deliver(COMPANY, "candidateAdded")  # nobody serves hooks.example.test
    assert not delivery.ok
    code, out, err = await run_cli(cli_env, "connections")
    assert code == 0, err
    assert "WARNING active, failed_deliveries=1" in out

    # A second time: refused before Breezy is called.
    posts = len(api_calls(sim, "POST"))
    code, out, err = await run_cli(
        cli_env,
        "connect", "breezy", "acme", "--provision", "--company-id", COMPANY, "--api-token", TOKEN,
    )  # fmt: skip
    assert code == 1
    assert "already exists" in err
    assert len(api_calls(sim, "POST")) == posts

    # Breezy's refusal is shown, not a traceback.
    code, out, err = await run_cli(
        cli_env,
        "connect", "breezy", "globex", "--provision",
        "--company-id", COMPANY, "--api-token", "tok-wrong-SECRET",
    )  # fmt: skip
    assert code == 1
    assert "Breezy refused the credentials" in err
    assert "Traceback" not in err
    assert "tok-wrong-SECRET" not in out + err

    # --provision without its options.
    code, out, err = await run_cli(cli_env, "connect", "breezy", "initech", "--provision")
    assert code == 2
    assert "--company-id" in err

    # Nothing readable in the SQLite file(s): the token, partner key and secret are encrypted.
    db = settings.sqlite_path()
    if db is not None:
        files = [p for p in Path(db).parent.glob(Path(db).name + "*") if p.is_file()]
        raw = b"".join(p.read_bytes() for p in files)
        assert raw  # the database is there
        for value in (TOKEN, PARTNER_KEY, endpoint.secret):
            assert value.encode() not in raw


# ---- changing the endpoint at the vendor --------------------------------------------------------


async def test_patch_changes_the_endpoint_events_at_breezy(
    client: Any, services: Runtime, sim: BreezySim
) -> None:
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"
    response = await client.patch(
        url, json={"events": ["candidateAdded", "candidateStatusUpdated"]}, headers=ADMIN
    )
    assert response.status_code == 200, response.text
    assert_no_credentials(response.text)
    [endpoint] = sim.endpoints(COMPANY)
    assert sorted(endpoint.events) == ["candidateAdded", "candidateStatusUpdated"]
    assert sim.calls[-1].method == "PUT"

    described = await client.patch(url, json={"description": "Acme, prod"}, headers=ADMIN)
    assert described.status_code == 200
    assert sim.endpoints(COMPANY)[0].description == "Acme, prod"
    assert sorted(sim.endpoints(COMPANY)[0].events) == ["candidateAdded", "candidateStatusUpdated"]


async def test_patch_refuses_what_breezy_cannot_take(client: Any, sim: BreezySim) -> None:
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"
    calls = len(sim.calls)
    unknown = await client.patch(url, json={"events": ["candidate_hired"]}, headers=ADMIN)
    assert unknown.status_code == 400
    assert "Invalid events" in unknown.json()["detail"]
    empty = await client.patch(url, json={}, headers=ADMIN)
    assert empty.status_code == 400
    typo = await client.patch(url, json={"event": ["candidateAdded"]}, headers=ADMIN)
    assert typo.status_code == 400
    assert len(sim.calls) == calls  # Breezy was never asked


async def test_pause_and_resume_the_endpoint_at_breezy(client: Any, sim: BreezySim) -> None:
    con = await provision(client)
    url = f"/v1/connections/{con['id']}"
    paused = await client.post(f"{url}/pause", headers=ADMIN)
    assert paused.status_code == 200, paused.text
    assert paused.json()["provisioned"]["status"] == "paused"
    assert sim.endpoints(COMPANY)[0].status == "paused"
    resumed = await client.post(f"{url}/resume", headers=ADMIN)
    assert resumed.status_code == 200
    assert resumed.json()["provisioned"]["status"] == "active"
    assert sim.endpoints(COMPANY)[0].status == "active"


async def test_changing_a_manual_or_foreign_connection(client: Any, sim: BreezySim) -> None:
    manual = await connect(client, "breezy")
    for path, body_ in ((f"/v1/connections/{manual['id']}/pause", None),):
        response = await client.post(path, headers=ADMIN, json=body_)
        assert response.status_code == 400
        assert "not provisioned" in response.json()["detail"]
    patched = await client.patch(
        f"/v1/connections/{manual['id']}", json={"description": "x"}, headers=ADMIN
    )
    assert patched.status_code == 400
    missing = await client.post("/v1/connections/con_nope/pause", headers=ADMIN)
    assert missing.status_code == 404
    assert sim.calls == []


async def test_providers_describe_the_provisioning_request(client: Any, sim: BreezySim) -> None:
    listed = (await client.get("/v1/providers", headers=ADMIN)).json()["data"]
    breezy = next(p for p in listed if p["name"] == "breezy")
    provisioning_ = breezy["provisioning"]
    assert set(provisioning_["capabilities"]) == {"health", "update", "pause", "resume"}
    schema = provisioning_["request_schema"]
    definition = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(definition["required"]) == {"company_id", "api_token"}
    hatchbeacon = next(p for p in listed if p["name"] == "hatchbeacon")
    assert "provisioning" not in hatchbeacon

    document = (await client.get("/schema/openapi.json")).json()
    component = document["components"]["schemas"]["ProvisionBreezy"]
    assert set(component["required"]) == {"company_id", "api_token"}
    provision_prop = document["components"]["schemas"]["ConnectionCreate"]["properties"]
    assert {"$ref": "#/components/schemas/ProvisionBreezy"} in provision_prop["provision"]["oneOf"]
