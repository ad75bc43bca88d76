"""Lever's provisioner against the local Lever (``tests/providers/lever/lever_sim.py``) over real HTTP:
one webhook per event, the signature tokens as the connection's secrets, Lever's auth and errors,
nothing left half-made, health from Lever's list, and Lever delivering through the gateway."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import msgspec
import pytest

from gateway.core.settings import Settings
from providers import ProvisionContext, ProvisioningError, VendorState
from providers.lever import EVENT_TYPES, LeverProvision
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.providers.ingest_helpers import running_gateway
from tests.providers.lever.lever_sim import READ_SCOPE, WRITE_SCOPE, LeverSim
from tests.providers.provisioning_helpers import provision_context

ACCOUNT = "acct-acme"
API_KEY = "lever-api-key-9f8e7d6c5b4a"
INGEST = "https://hooks.acme.example/ingest/lever/acme"
LEVER = default_registry().get("lever")
PROVISIONER = LEVER.provisioner
assert PROVISIONER is not None


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def context(sim: LeverSim, http: httpx.AsyncClient, ingest_url: str = INGEST) -> ProvisionContext:
    return provision_context(http, sim.api_url, ingest_url)


def request(**fields: Any) -> LeverProvision:
    return msgspec.convert({"api_key": API_KEY, **fields}, LeverProvision)


async def test_one_webhook_per_event_and_its_token_as_a_secret(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    result = await PROVISIONER.provision(context(lever_sim, http), request())
    hooks = lever_sim.webhooks(ACCOUNT)
    assert sorted(h.event for h in hooks) == sorted(EVENT_TYPES)
    assert {h.url for h in hooks} == {INGEST}
    by_id = {h.id: h for h in hooks}
    made = result.state["webhooks"]
    assert [by_id[w["id"]].signature_token for w in made] == list(result.secrets)
    assert len(set(result.secrets)) == len(EVENT_TYPES)
    assert result.credentials == {"api_key": API_KEY}
    assert result.summary.endpoint_id == made[0]["id"]
    assert result.summary.stats == {"webhooks": {h.event: h.id for h in hooks}}
    assert all(c.authorization and c.authorization.startswith("Basic ") for c in lever_sim.calls)
    assert API_KEY not in repr(result.summary)


async def test_oauth_needs_the_write_scope(lever_sim: LeverSim, http: httpx.AsyncClient) -> None:
    lever_sim.add_oauth_token(ACCOUNT, "tok-read", (READ_SCOPE,))
    lever_sim.add_oauth_token(ACCOUNT, "tok-write", (READ_SCOPE, WRITE_SCOPE))
    ctx = context(lever_sim, http)
    with pytest.raises(ProvisioningError) as refused:
        await PROVISIONER.provision(
            ctx, LeverProvision(access_token="tok-read", events=["candidateHired"])
        )
    assert (refused.value.kind, refused.value.status_code) == ("auth", 403)
    assert lever_sim.webhooks() == []
    result = await PROVISIONER.provision(
        ctx, LeverProvision(access_token="tok-write", events=["candidateHired"])
    )
    assert len(result.secrets) == 1
    assert lever_sim.calls[-1].authorization == "Bearer tok-write"


async def test_a_bad_key_is_an_auth_error_without_the_key_in_it(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    with pytest.raises(ProvisioningError) as refused:
        await PROVISIONER.provision(context(lever_sim, http), request())
    assert (refused.value.kind, refused.value.status_code) == ("auth", 401)
    assert API_KEY not in str(refused.value)
    assert lever_sim.webhooks() == []


@pytest.mark.parametrize(
    "fields",
    [
        {"api_key": None},
        {"access_token": "both"},
        {"events": []},
        {"events": ["jobCreated"]},
        {"origins": ["linkedin"]},
        {"origins": []},
    ],
    ids=["no-credential", "two-credentials", "no-events", "unknown-event", "bad-origin", "empty"],
)
async def test_invalid_requests_never_reach_lever(
    lever_sim: LeverSim, http: httpx.AsyncClient, fields: dict[str, Any]
) -> None:
    with pytest.raises(ProvisioningError) as refused:
        await PROVISIONER.provision(context(lever_sim, http), request(**fields))
    assert refused.value.kind == "invalid"
    assert lever_sim.calls == []


async def test_origins_apply_to_the_configurable_events_only(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    await PROVISIONER.provision(
        context(lever_sim, http),
        request(events=["candidateStageChange", "interviewCreated"], origins=["referred"]),
    )
    conditions = {h.event: h.conditions for h in lever_sim.webhooks(ACCOUNT)}
    assert conditions == {
        "candidateStageChange": {"origins": ["referred"]},
        "interviewCreated": None,
    }


async def test_lever_refusing_the_url_is_rejected(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    with pytest.raises(ProvisioningError) as refused:
        await PROVISIONER.provision(
            context(lever_sim, http, "http://hooks.acme.example/ingest/lever/acme"), request()
        )
    assert (refused.value.kind, refused.value.status_code) == ("rejected", 400)
    assert "HTTPS" in refused.value.message


@pytest.mark.parametrize(
    ("status", "times", "kind"),
    [(500, 1, "unreachable"), (429, 4, "quota"), (503, 4, "unreachable")],
)
async def test_a_failure_half_way_deletes_what_was_made(
    lever_sim: LeverSim, http: httpx.AsyncClient, status: int, times: int, kind: str
) -> None:
    """Lever's 429 and 503 are retried with backoff (three times) before they count."""
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.fail_next(status, {"code": "Oops", "message": "try later"}, after=3)
    for _ in range(times - 1):
        lever_sim.fail_next(status, {"code": "Oops", "message": "try later"})
    with pytest.raises(ProvisioningError) as failed:
        await PROVISIONER.provision(context(lever_sim, http), request())
    assert (failed.value.kind, failed.value.status_code) == (kind, status)
    assert "try later" in failed.value.message
    assert failed.value.leftover is None
    assert lever_sim.webhooks() == []
    assert [c.method for c in lever_sim.calls].count("DELETE") == 3


async def test_what_cannot_be_deleted_is_handed_back_as_leftover(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.fail_next(500, {"code": "Oops", "message": "down"}, after=2)  # the third create
    lever_sim.fail_next(500, {"code": "Oops", "message": "still down"})  # the first delete
    with pytest.raises(ProvisioningError) as failed:
        await PROVISIONER.provision(context(lever_sim, http), request())
    [left] = lever_sim.webhooks(ACCOUNT)
    leftover = failed.value.leftover
    assert leftover is not None
    assert leftover.state == {"webhooks": [{"id": left.id, "event": left.event}]}
    assert leftover.credentials == {"api_key": API_KEY}
    await PROVISIONER.deprovision(context(lever_sim, http), leftover)
    assert lever_sim.webhooks() == []


async def test_the_documented_and_the_flat_create_answers_are_both_read(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.create_nesting = "single"
    flat = await PROVISIONER.provision(context(lever_sim, http), request(events=["contactCreated"]))
    lever_sim.create_nesting = "double"
    nested = await PROVISIONER.provision(
        context(lever_sim, http), request(events=["contactUpdated"])
    )
    tokens = {h.event: h.signature_token for h in lever_sim.webhooks(ACCOUNT)}
    assert list(flat.secrets) == [tokens["contactCreated"]]
    assert list(nested.secrets) == [tokens["contactUpdated"]]


async def test_an_answer_without_a_token_deletes_that_webhook(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.fail_next(201, {"data": {"id": "wh-no-token", "event": "contactCreated"}})
    with pytest.raises(ProvisioningError) as failed:
        await PROVISIONER.provision(context(lever_sim, http), request(events=["contactCreated"]))
    assert "signature token" in failed.value.message
    assert ("DELETE", "/v1/webhooks/wh-no-token") in [(c.method, c.path) for c in lever_sim.calls]


async def test_deprovision_deletes_ours_only_and_twice_is_fine(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    theirs = lever_sim.add_ui_webhook(ACCOUNT, "https://other.example/hook", "candidateHired")
    result = await PROVISIONER.provision(context(lever_sim, http), request())
    vendor = VendorState(state=result.state, credentials=result.credentials)
    await PROVISIONER.deprovision(context(lever_sim, http), vendor)
    assert [h.id for h in lever_sim.webhooks()] == [theirs.id]
    await PROVISIONER.deprovision(context(lever_sim, http), vendor)


async def test_health_follows_lever_list(lever_sim: LeverSim, http: httpx.AsyncClient) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    ctx = context(lever_sim, http)
    result = await PROVISIONER.provision(ctx, request(events=["candidateHired", "contactCreated"]))
    vendor = VendorState(state=result.state, credentials=result.credentials)
    assert (await PROVISIONER.health(ctx, vendor)).status == "active"

    gone = result.state["webhooks"][1]
    lever_sim.webhook(gone["id"])  # it exists before a Lever user deletes it
    await PROVISIONER.deprovision(
        ctx, VendorState(state={"webhooks": [gone]}, credentials=vendor.credentials)
    )
    view = await PROVISIONER.health(ctx, vendor)
    assert view.status == "degraded"
    assert view.error == "deleted at Lever: contactCreated"

    await PROVISIONER.deprovision(ctx, vendor)
    with pytest.raises(ProvisioningError) as missing:
        await PROVISIONER.health(ctx, vendor)
    assert missing.value.kind == "not_found"

    with pytest.raises(ProvisioningError) as no_key:
        await PROVISIONER.health(ctx, VendorState(state=result.state, credentials=None))
    assert no_key.value.kind == "auth"


async def test_a_passing_rate_limit_is_waited_out(
    lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.fail_next(429, {"code": "TooManyRequests", "message": "slow down"}, after=1)
    lever_sim.fail_next(429, {"code": "TooManyRequests", "message": "slow down"})
    result = await PROVISIONER.provision(context(lever_sim, http), request())
    assert len(result.secrets) == len(EVENT_TYPES)
    assert [c.status_code for c in lever_sim.calls].count(429) == 2


async def test_the_rate_limit_is_quota(lever_sim: LeverSim, http: httpx.AsyncClient) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.rate, lever_sim.burst = 0.001, 2
    lever_sim.add_api_key(ACCOUNT, API_KEY)  # a fresh bucket of two
    with pytest.raises(ProvisioningError) as limited:
        await PROVISIONER.provision(context(lever_sim, http), request())
    assert (limited.value.kind, limited.value.status_code) == ("quota", 429)


async def test_provisioned_webhooks_deliver_through_the_gateway(
    settings: Settings, lever_sim: LeverSim, http: httpx.AsyncClient
) -> None:
    """Lever, provisioned, sends real signed requests to a running gateway."""
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.allow_http_loopback = True
    with running_gateway(settings, run_worker=False) as public:
        ingest = f"{public}/ingest/lever/acme"
        result = await PROVISIONER.provision(
            context(lever_sim, http, ingest),
            request(events=["applicationCreated", "candidateHired"]),
        )
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            first, *rest = result.secrets
            made = await api.post(
                "/v1/connections", json={"provider": "lever", "tenant": "acme", "secret": first}
            )
            assert made.status_code == 201, made.text
            for secret in rest:
                added = await api.post(
                    f"/v1/connections/{made.json()['id']}/secrets",
                    json={"secret": secret, "previous_expires_in": None},
                )
                assert added.status_code in (200, 201), added.text

            assert await lever_sim.deliver(ACCOUNT, "applicationCreated") == []  # not switched on
            lever_sim.activate(ACCOUNT)
            [created] = await lever_sim.deliver(ACCOUNT, "applicationCreated")
            [hired] = await lever_sim.deliver(ACCOUNT, "candidateHired")
            for delivery in (created, hired):
                assert delivery.status_code == 202, delivery.response and delivery.response.text
            again = await lever_sim.rerun(created)
            assert again.status_code == 200
            assert again.response is not None
            assert again.response.json()["status"] == "duplicate"

            hired_webhook = next(
                w for w in result.state["webhooks"] if w["event"] == "candidateHired"
            )
            test = await lever_sim.send_test(hired_webhook["id"])
            assert test.status_code == 202
            shown = await api.get(f"/v1/events/{test.response.json()['event_id']}")  # type: ignore[union-attr]
            assert shown.json()["type"] == "connection.test"
            event = (await api.get(f"/v1/events/{created.response.json()['event_id']}")).json()  # type: ignore[union-attr]
            assert event["source"]["event_id"] == json.loads(created.body)["token"]
            assert event["source"]["signature_scope"] == "envelope"
