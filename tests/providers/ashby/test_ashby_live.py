"""Ashby end to end over real HTTP: the local Ashby provisions, pings and delivers to a running
gateway, and the gateway's answers are ones Ashby's retry rules treat as the docs promise."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from gateway.core.settings import Settings
from providers import VendorState
from providers.ashby.provisioner import AshbyProvision, AshbyProvisioner
from tests.conftest import POSTGRES_URL
from tests.providers.ashby.ashby_sim import NON_RETRYABLE, AshbySim
from tests.providers.provisioning_helpers import provision_context
from tests.support.live import LiveGateway, live_gateway

KEY = "ashby-live-key"
EVENTS = ["applicationSubmit", "candidateStageChange"]


Live = LiveGateway[AshbySim]


async def provision(live: Live) -> tuple[str, VendorState]:
    """Provision as the gateway would: webhooks, then the connection, then ``activate``."""
    async with httpx.AsyncClient(timeout=15) as http:
        ctx = provision_context(http, live.sim.base_url, live.ingest_url)
        provisioner = AshbyProvisioner()
        result = await provisioner.provision(ctx, AshbyProvision(api_key=KEY, events=EVENTS))
        vendor = VendorState(state=result.state, credentials=result.credentials)
        created = await live.api.post(
            "/v1/connections",
            json={"provider": "ashby", "tenant": "acme", "secret": result.secrets[0]},
        )
        assert created.status_code == 201, created.text
        await provisioner.activate(ctx, vendor)
        return result.secrets[0], vendor


@pytest.fixture
async def live(settings: Settings, ashby_sim: AshbySim) -> AsyncIterator[Live]:
    ashby_sim.add_key(KEY)
    async with live_gateway(settings, "ashby", ashby_sim) as gateway:
        yield gateway


async def test_pings_fail_before_the_connection_and_pass_after(live: Live) -> None:
    await provision(live)
    sim = live.sim
    assert [p.status_code for p in sim.pings] == [404, 404, 202, 202]
    assert all(w.enabled for w in sim.webhooks())
    stored = await live.events()
    assert [e["type"] for e in stored] == ["connection.test", "connection.test"]


async def test_deliveries_are_stored_once_however_often_ashby_sends_them(live: Live) -> None:
    await provision(live)
    (first,) = await live.sim.deliver("candidateStageChange")
    assert first.status_code == 202
    assert first.last is not None
    accepted = first.last.json()
    assert accepted["status"] == "accepted"
    # Ashby's retry of the same event (it got no answer, say): same bytes, same webhookActionId.
    (retry,) = await live.sim.deliver("candidateStageChange", first.body)
    assert retry.status_code == 200
    assert retry.last is not None
    assert retry.last.json() == {"status": "duplicate", "event_id": accepted["event_id"]}
    # Without webhookActionId, identical bytes are still the same event.
    (bare,) = await live.sim.deliver("applicationSubmit", webhook_action_id=False)
    (bare_again,) = await live.sim.deliver("applicationSubmit", bare.body)
    assert (bare.status_code, bare_again.status_code) == (202, 200)
    got = {e["source"]["event_type"]: e for e in await live.events()}
    assert (
        got["candidateStageChange"]["source"]["event_id"]
        == f"{json.loads(first.body)['webhookActionId']}:candidateStageChange"
    )
    assert got["applicationSubmit"]["source"]["event_id"].startswith("sha256:")


async def test_a_webhook_with_another_token_is_refused_and_disabled_by_its_ping(
    live: Live,
) -> None:
    await provision(live)
    webhook = live.sim.webhooks()[0]
    async with httpx.AsyncClient() as http:  # someone edits the token in Ashby
        answer = await http.post(
            f"{live.sim.base_url}/webhook.update",
            json={"webhookId": webhook.id, "secretToken": "not-unihooks-token"},
            auth=(KEY, ""),
        )
    assert answer.json()["results"]["enabled"] is False
    assert live.sim.pings[-1].status_code == 401
    assert 401 in NON_RETRYABLE


async def test_no_connection_is_404_which_ashby_does_not_retry(live: Live) -> None:
    await provision(live)
    deleted = await live.api.delete(
        f"/v1/connections/{(await live.api.get('/v1/connections')).json()['data'][0]['id']}"
    )
    assert deleted.status_code == 200
    (gone,) = await live.sim.deliver("applicationSubmit")
    assert [a.status_code for a in gone.attempts] == [404]


@pytest.fixture
def postgres_only(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("stops and restarts connections to a PostgreSQL database")
    return database_url


async def _pg(sql: str, *args: str) -> None:
    import asyncpg

    assert POSTGRES_URL is not None
    conn = await asyncpg.connect(POSTGRES_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(sql, *args)
    finally:
        await conn.close()


async def test_database_down_is_an_answer_ashby_retries(postgres_only: str, live: Live) -> None:
    await provision(live)
    name = postgres_only.rsplit("/", 1)[1]
    await _pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1"
    await _pg(terminate, name)
    try:
        (down,) = await live.sim.deliver("candidateStageChange", max_attempts=3)
    finally:
        await _pg(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    codes = [a.status_code for a in down.attempts]
    assert len(codes) == 3, codes  # every attempt retried: nothing was stored
    assert all(c is not None and c >= 500 for c in codes), codes
    assert not set(codes) & NON_RETRYABLE
    (up,) = await live.sim.deliver("candidateStageChange", down.body)
    assert up.status_code == 202  # the retry after recovery is stored
    assert [e["source"]["event_type"] for e in await live.events()].count(
        "candidateStageChange"
    ) == 1


def test_non_retryable_statuses_are_ashbys() -> None:
    assert frozenset({401, 403, 404, 405, 410}) == NON_RETRYABLE


async def test_provisioning_through_the_api_end_to_end(live: Live) -> None:
    sim, api = live.sim, live.api
    created = await live.connect({"api_key": KEY, "events": EVENTS})
    assert created.status_code == 201, created.text
    con = created.json()
    assert "secret" not in con
    shown = con["provisioned"]
    assert (shown["status"], shown["enabled"]) == ("active", True)
    assert [w["type"] for w in shown["stats"]["webhooks"]] == EVENTS
    webhooks = sim.webhooks()
    assert {w.request_url for w in webhooks} == {live.ingest_url}
    assert all(w.enabled for w in webhooks)
    # Ashby's first pings came before the connection was committed; the second ones verified.
    assert [p.status_code for p in sim.pings] == [404, 404, 202, 202]

    health = (await api.get(f"/v1/connections/{con['id']}")).json()["provisioned"]
    assert (health["status"], health["enabled"], health.get("error")) == ("active", True, None)

    (delivery,) = await sim.deliver("candidateStageChange")
    assert delivery.status_code == 202

    paused = await api.post(f"/v1/connections/{con['id']}/pause")
    assert paused.status_code == 200, paused.text
    assert not any(w.enabled for w in sim.webhooks())
    assert await sim.deliver("candidateStageChange") == []  # Ashby sends nothing while disabled
    resumed = await api.post(f"/v1/connections/{con['id']}/resume")
    assert resumed.status_code == 200, resumed.text
    assert all(w.enabled for w in sim.webhooks())

    changed = await api.patch(
        f"/v1/connections/{con['id']}", json={"events": ["candidateStageChange", "offerCreate"]}
    )
    assert changed.status_code == 200, changed.text
    assert sorted(w.webhook_type for w in sim.webhooks()) == ["candidateStageChange", "offerCreate"]
    (offer,) = await sim.deliver("offerCreate")
    assert offer.status_code == 202  # the new webhook signs with the connection's token

    deleted = await api.delete(f"/v1/connections/{con['id']}")
    assert deleted.status_code == 200, deleted.text
    assert sim.webhooks() == []


async def test_provisioning_refusals_leave_nothing_anywhere(live: Live) -> None:
    sim, api = live.sim, live.api
    refused = await live.connect({"api_key": "wrong-key-value"})
    assert refused.status_code == 502, refused.text
    assert "wrong-key-value" not in refused.text
    sim.rate_limit = 2
    limited = await live.connect({"api_key": KEY})
    assert limited.status_code == 429, limited.text
    # Under Ashby's rate limit the clean-up is refused too: what is left is said, not hidden.
    assert "2 could not be deleted" in limited.json()["detail"]
    assert len(sim.webhooks()) == 2
    sim.rate_limit = None
    assert (await api.get("/v1/connections")).json()["data"] == []
    invalid = await live.connect({"api_key": KEY, "events": ["ping"]})
    assert invalid.status_code == 400
    assert "ping" in invalid.json()["detail"]
