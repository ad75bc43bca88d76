"""Gusto end to end over real HTTP: unihook creates the subscription at a local Gusto, which POSTs
its verification token to a running gateway; the gateway has it confirmed through Gusto's verify
call before storing it, and only then do Gusto's signed events verify. Fake tokens cost at most
one vendor call at a time, and none once the connection is verified."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.core.settings import Settings
from tests.providers.gusto.gusto_sim import GustoSim
from tests.support.live import LiveGateway, live_gateway

API_TOKEN = "gusto-live-system-token"


Live = LiveGateway[GustoSim]


async def provision(live: Live) -> dict[str, Any]:
    created = await live.connect({"api_token": API_TOKEN, "subscription_types": ["Employee"]})
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def connection(live: Live, connection_id: str) -> dict[str, Any]:
    answer = await live.api.get(f"/v1/connections/{connection_id}")
    result: dict[str, Any] = answer.json()
    return result


async def handshake(live: Live, token: str) -> httpx.Response:
    body = json.dumps({"verification_token": token}).encode()
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(live.ingest_url, content=body)


@pytest.fixture
async def live(settings: Settings, gusto_sim: GustoSim) -> AsyncIterator[Live]:
    gusto_sim.add_token(API_TOKEN)
    async with live_gateway(settings, "gusto", gusto_sim) as gateway:
        yield gateway
        gusto_sim.wait_for_token_posts()  # while the gateway still answers them


async def test_provisioning_confirms_the_token_and_then_events_verify(live: Live) -> None:
    created = await provision(live)
    assert created["secrets"] == []  # nothing is trusted before Gusto confirms the token
    await asyncio.to_thread(live.sim.wait_for_token_posts)
    (subscription,) = live.sim.subscriptions()
    assert subscription.status == "verified"
    assert subscription.url == live.ingest_url
    assert 200 in [post.status_code for post in live.sim.token_posts]
    shown = await connection(live, created["id"])
    assert len(shown["secrets"]) == 1
    assert shown["provisioned"]["status"] == "verified"
    assert subscription.verification_token not in json.dumps(shown)
    assert await live.events() == []  # the handshake is never an event

    (answer,) = await asyncio.to_thread(live.sim.deliver, "employee.created")
    assert answer.status_code == 202, answer.text
    (event,) = await live.events()
    assert event["type"] == "hris.employee.created"
    assert event["source"]["provider"] == "gusto"


async def test_fake_tokens_are_refused_by_gusto_and_never_stored(live: Live) -> None:
    live.sim.send_token_on_create = False
    live.sim.token_requests_fail = True  # activate's request for the token fails: still awaited
    created = await provision(live)
    await asyncio.to_thread(live.sim.wait_for_token_posts)
    assert live.sim.token_posts == []
    for fake in ("6590f590-3dba-495e-9bea-c361e1e2efc0", "attacker-chosen"):
        answer = await handshake(live, fake)
        assert answer.status_code == 200
    assert live.sim.verify_calls() == [422, 422]
    assert (await connection(live, created["id"]))["secrets"] == []
    # an event signed with a fake token does not verify
    body = b'{"uuid":"x","event_type":"employee.created","entity_uuid":"e","timestamp":1}'
    forged = await httpx.AsyncClient().post(
        live.ingest_url,
        content=body,
        headers={"x-gusto-signature": _sign("attacker-chosen", body)},
    )
    assert forged.status_code == 401

    (subscription,) = live.sim.subscriptions()
    await asyncio.to_thread(live.sim.resend_token, subscription.uuid)
    await asyncio.to_thread(live.sim.wait_for_token_posts)
    assert live.sim.subscriptions()[0].status == "verified"
    assert len((await connection(live, created["id"]))["secrets"]) == 1


async def test_once_verified_a_handshake_calls_gusto_no_more(live: Live) -> None:
    await provision(live)
    await asyncio.to_thread(live.sim.wait_for_token_posts)
    before = len(live.sim.calls)
    for _ in range(5):
        answer = await handshake(live, "flood")
        assert answer.status_code == 200
    assert len(live.sim.calls) == before


async def test_one_confirmation_at_a_time_per_connection(live: Live) -> None:
    live.sim.send_token_on_create = False
    live.sim.token_requests_fail = True
    await provision(live)
    gate = threading.Event()
    live.sim.verify_gate = gate
    first = asyncio.create_task(handshake(live, "first-fake"))
    entered = await asyncio.to_thread(live.sim.verify_entered.wait, 30)
    assert entered
    second = await handshake(live, "second-fake")
    assert second.status_code == 503
    assert second.headers["retry-after"]
    gate.set()
    assert (await first).status_code == 200
    assert live.sim.verify_calls() == [422]  # the second never reached Gusto


def _sign(token: str, body: bytes) -> str:
    import hashlib
    import hmac

    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


async def test_changing_the_types_while_awaiting_keeps_the_handshake_awaited(live: Live) -> None:
    live.sim.token_requests_fail = True
    created = await provision(live)
    changed = await live.api.patch(
        f"/v1/connections/{created['id']}", json={"events": ["Employee", "Payroll"]}
    )
    assert changed.status_code == 200, changed.text
    (subscription,) = live.sim.subscriptions()
    assert subscription.subscription_types == ["Employee", "Payroll"]
    await asyncio.to_thread(live.sim.resend_token, subscription.uuid)
    await asyncio.to_thread(live.sim.wait_for_token_posts)
    assert live.sim.subscriptions()[0].status == "verified"
    assert len((await connection(live, created["id"]))["secrets"]) == 1
