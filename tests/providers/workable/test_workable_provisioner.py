"""Workable's provisioner and client against the local Workable (``tests/providers/workable/workable_sim.py``)
over real HTTP: one subscription per event, cleanup, health, errors and rate limits."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from providers import ProviderSettings, ProvisionContext, ProvisioningError, VendorState
from providers.workable import EVENT_TYPES, adapter
from providers.workable.client import WorkableClient, api_base
from providers.workable.provisioner import WorkableProvision, WorkableProvisioner, target_for
from tests.providers.provisioning_helpers import provision_context
from tests.providers.workable.workable_sim import WORKABLE_EVENTS, WorkableSim, sign
from tests.support.servers import Receiver, ThreadedServer

provisioner = WorkableProvisioner()

SUBDOMAIN = "groove-tech"
TOKEN = "wk-account-token-0123456789abcdef"
OTHER_TOKEN = "wk-other-account-token-fedcba9876543210"
INGEST = "http://127.0.0.1:9/ingest/workable/acme"
SAMPLE_FIRED_AT = "2025-03-05T14:30:02.941Z"


@pytest.fixture
def sim(workable_sim: WorkableSim) -> WorkableSim:
    workable_sim.add_token(SUBDOMAIN, TOKEN)
    workable_sim.add_token("other-co", OTHER_TOKEN)
    workable_sim.rate_interval = 0.5  # the tests' pace; the limits per interval are Workable's
    return workable_sim


@pytest.fixture
async def ctx(sim: WorkableSim) -> AsyncIterator[ProvisionContext]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield provision_context(http, sim.api_url_template, INGEST)


def request(**fields: Any) -> WorkableProvision:
    return WorkableProvision(**{"subdomain": SUBDOMAIN, "api_token": TOKEN, **fields})


def vendor_of(result: Any, *, keep: bool = True) -> VendorState:
    return VendorState(state=result.state, credentials=result.credentials if keep else None)


async def test_one_subscription_per_event_and_the_token_is_the_secret(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    result = await provisioner.provision(ctx, request())
    subs = sim.subscriptions(SUBDOMAIN)
    assert sorted(s.event for s in subs) == sorted(EVENT_TYPES)
    assert sorted(s.event for s in subs) == sorted(WORKABLE_EVENTS)
    # Workable refuses a target registered twice: each event has its own.
    assert len({s.target for s in subs}) == len(subs)
    assert {s.target for s in subs} == {target_for(INGEST, s.event) for s in subs}
    assert all(s.args is None for s in subs)
    assert list(result.secrets) == [TOKEN]
    assert result.credentials == {"api_token": TOKEN}
    assert result.state["subscriptions"] == {s.event: str(s.id) for s in subs}
    assert result.summary.status == "active"
    assert all(c.authorization == f"Bearer {TOKEN}" for c in sim.calls)


async def test_deliveries_verify_with_the_connection_secret(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """What the simulator delivers for a provisioned subscription verifies with its secret."""
    result = await provisioner.provision(ctx, request(events=["candidate_moved"]))
    body = adapter.sample_events()["candidate_moved"]
    headers = {k.lower(): v for k, v in sign(body, TOKEN).items()}
    assert adapter.verify(body, headers, list(result.secrets))
    assert sim.subscriptions()[0].target.endswith("?event=candidate_moved")


async def test_oauth_client_secret_is_the_secret(sim: WorkableSim, ctx: ProvisionContext) -> None:
    sim.add_token(SUBDOMAIN, "oauth-access-token", kind="oauth", client_secret="app-secret")
    result = await provisioner.provision(
        ctx, request(api_token="oauth-access-token", client_secret="app-secret")
    )
    assert list(result.secrets) == ["app-secret"]
    assert result.credentials == {"api_token": "oauth-access-token"}


async def test_job_and_stage_filters_go_to_candidate_events_only(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    await provisioner.provision(
        ctx,
        request(events=["candidate_moved", "employee_created"], stage_slug="hired"),
    )
    by_event = {s.event: s for s in sim.subscriptions()}
    assert by_event["candidate_moved"].args == {
        "account_id": SUBDOMAIN,
        "job_shortcode": "",
        "stage_slug": "hired",
    }
    assert by_event["employee_created"].args is None


async def test_deprovision_deletes_every_subscription(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    result = await provisioner.provision(ctx, request())
    await provisioner.deprovision(ctx, vendor_of(result))
    assert sim.subscriptions() == []
    # Already gone at Workable (404) is not an error.
    await provisioner.deprovision(ctx, vendor_of(result))


async def test_deprovision_without_a_stored_token_leaves_them(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    result = await provisioner.provision(ctx, request(events=["candidate_created"]))
    await provisioner.deprovision(ctx, vendor_of(result, keep=False))
    assert len(sim.subscriptions()) == 1


async def test_a_failure_half_way_deletes_what_was_made(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    sim.add_token(SUBDOMAIN, "candidates-only", scopes={"r_candidates"})
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.provision(
            ctx,
            request(api_token="candidates-only", events=["candidate_created", "employee_created"]),
        )
    assert caught.value.kind == "auth"
    assert caught.value.status_code == 403
    assert "r_employees" in caught.value.message
    assert sim.subscriptions() == []


async def test_a_target_already_registered_is_refused_and_nothing_is_left(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    await provisioner.provision(ctx, request(events=["candidate_moved"]))
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.provision(ctx, request(events=["candidate_created", "candidate_moved"]))
    assert caught.value.kind == "rejected"
    assert caught.value.status_code == 409
    assert [s.event for s in sim.subscriptions()] == ["candidate_moved"]


async def test_bad_token_and_other_accounts_token_are_auth_errors(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    for token in ("not-a-token", OTHER_TOKEN):
        with pytest.raises(ProvisioningError) as caught:
            await provisioner.provision(ctx, request(api_token=token))
        assert caught.value.kind == "auth"
        assert caught.value.status_code == 401
        assert token not in caught.value.message
    assert sim.subscriptions() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"events": []}, "At least one event"),
        ({"events": ["candidate_hired"]}, "Invalid events"),
        ({"subdomain": "not a subdomain"}, "subdomain"),
        ({"api_token": "  "}, "api_token"),
        ({"stage_slug": ""}, "stage_slug"),
    ],
)
async def test_invalid_requests_never_reach_workable(
    sim: WorkableSim, ctx: ProvisionContext, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.provision(ctx, request(**fields))
    assert caught.value.kind == "invalid"
    assert message in caught.value.message
    assert sim.calls == []


async def test_candidate_deleted_is_skipped_when_workable_refuses_it_by_default(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """The subscriptions reference does not list ``candidate_deleted`` yet; a Workable that
    refuses it still gets the other subscriptions when the events were not chosen."""
    sim.fail_next(201, {"id": 1})
    sim.fail_next(201, {"id": 2})
    sim.fail_next(422, {"error": "event is not valid"})
    result = await provisioner.provision(ctx, request())
    assert "candidate_deleted" not in result.state["subscriptions"]
    assert result.summary.stats is not None
    assert result.summary.stats["not_subscribed"] == ["candidate_deleted"]
    assert len(result.state["subscriptions"]) == len(EVENT_TYPES) - 1


async def test_health_lists_subscriptions_and_notices_missing_ones(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    result = await provisioner.provision(
        ctx, request(events=["candidate_created", "timeoff_updated"])
    )
    view = await provisioner.health(ctx, vendor_of(result))
    assert view.status == "active"
    assert view.enabled is True
    assert view.stats is not None
    assert all(s["valid_until"] for s in view.stats["subscriptions"])
    sim.expire(int(result.state["subscriptions"]["timeoff_updated"]))
    view = await provisioner.health(ctx, vendor_of(result))
    assert view.status == "degraded"
    assert view.enabled is False
    assert view.stats is not None
    assert view.stats["missing"] == ["timeoff_updated"]
    assert view.error is not None
    assert "timeoff_updated" in view.error


async def test_update_adds_and_removes_subscriptions(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    result = await provisioner.provision(ctx, request(events=["candidate_created"]))
    state, view = await provisioner.update(
        ctx, vendor_of(result), events=["candidate_moved", "employee_updated"], description=None
    )
    assert sorted(s.event for s in sim.subscriptions()) == ["candidate_moved", "employee_updated"]
    assert sorted(state["subscriptions"]) == ["candidate_moved", "employee_updated"]
    assert view.status == "active"
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.update(ctx, vendor_of(result), events=None, description="x")
    assert caught.value.kind == "invalid"


async def test_rate_limit_headers_and_429(sim: WorkableSim) -> None:
    """Workable's documented limits: 10 requests per interval for an account token, then 429,
    with X-Rate-Limit-* on every response."""
    sim.rate_interval = 30.0
    async with httpx.AsyncClient(timeout=10) as http:
        url = api_base(sim.api_url_template, SUBDOMAIN) + "/subscriptions"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        answers = [await http.get(url, headers=headers) for _ in range(11)]
    assert [a.status_code for a in answers] == [200] * 10 + [429]
    assert answers[0].headers["x-rate-limit-limit"] == "10"
    assert answers[0].headers["x-rate-limit-remaining"] == "9"
    assert answers[9].headers["x-rate-limit-remaining"] == "0"
    assert answers[10].headers["x-rate-limit-remaining"] == "0"
    assert float(answers[10].headers["x-rate-limit-reset"]) > time.time()


async def test_client_waits_for_the_next_interval_instead_of_failing(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """Eight subscriptions, their deletion and a list are 17 requests: more than one interval
    allows, and none of them is refused."""
    result = await provisioner.provision(ctx, request())
    await provisioner.health(ctx, vendor_of(result))
    await provisioner.deprovision(ctx, vendor_of(result))
    assert len(sim.calls) >= 17
    assert all(c.status_code != 429 for c in sim.calls)
    assert sim.subscriptions() == []


async def test_a_429_beyond_the_allowed_wait_is_a_quota_error(sim: WorkableSim) -> None:
    # The sim's clock stands still, ahead of ours: every request falls in one interval, and its
    # reset is always further away than the client may wait (with the real clock the interval
    # could end during the test, and then there was no 429 to see).
    sim.rate_interval = 60.0
    frozen = time.time() + 1000.0
    sim.clock = lambda: frozen
    async with httpx.AsyncClient(timeout=10) as http:
        client = WorkableClient(
            http, api_base(sim.api_url_template, SUBDOMAIN), TOKEN, max_wait=0.5
        )
        for _ in range(10):
            await http.get(
                api_base(sim.api_url_template, SUBDOMAIN) + "/subscriptions",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
        with pytest.raises(ProvisioningError) as caught:
            await client.subscriptions()
    assert caught.value.kind == "quota"
    assert caught.value.status_code == 429


async def test_unreachable_workable(ctx: ProvisionContext) -> None:
    dead = ProvisionContext(
        http=ctx.http,
        settings=ProviderSettings({"api_url": "http://127.0.0.1:9/{subdomain}/spi/v3"}),
        tenant="acme",
        ingest_url=INGEST,
    )
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.provision(dead, request())
    assert caught.value.kind == "unreachable"


async def test_an_answer_without_an_id_is_rejected(sim: WorkableSim, ctx: ProvisionContext) -> None:
    sim.fail_next(201, b"<html>ok</html>", content_type="text/html")
    with pytest.raises(ProvisioningError) as caught:
        await provisioner.provision(ctx, request(events=["candidate_created"]))
    assert caught.value.kind == "rejected"


async def test_rate_limit_counts_the_account_not_the_token(sim: WorkableSim) -> None:
    """Workable rates "on client basis": an account's tokens share one allowance."""
    sim.rate_interval = 30.0
    sim.add_token(SUBDOMAIN, "second-token-of-the-account")
    url = api_base(sim.api_url_template, SUBDOMAIN) + "/subscriptions"
    async with httpx.AsyncClient(timeout=10) as http:
        for token in [TOKEN] * 5 + ["second-token-of-the-account"] * 5:
            ok = await http.get(url, headers={"Authorization": f"Bearer {token}"})
            assert ok.status_code == 200
        refused = await http.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        other = await http.get(url, headers={"Authorization": f"Bearer {OTHER_TOKEN}"})
    assert refused.status_code == 429
    assert other.status_code == 401  # another account's token, on this account's host


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"event": "candidate_created"}, 422),
        ({"target": "not a url", "event": "candidate_created"}, 422),
        ({"target": "https://h.example/x", "event": "candidate_hired"}, 422),
        ({"target": "https://h.example/x", "event": "candidate_moved", "args": {}}, 422),
        (
            {
                "target": "https://h.example/x",
                "event": "employee_created",
                "args": {"account_id": SUBDOMAIN, "job_shortcode": "J1", "stage_slug": ""},
            },
            422,
        ),
        (
            {
                "target": "https://h.example/x",
                "event": "candidate_moved",
                "args": {"job_shortcode": "", "stage_slug": "hired"},
            },
            201,
        ),
    ],
)
async def test_simulator_validates_as_workable_documents(
    sim: WorkableSim, body: dict[str, Any], status: int
) -> None:
    url = api_base(sim.api_url_template, SUBDOMAIN) + "/subscriptions"
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == status, answer.text
        if status == 201:
            listed = (await http.get(url, headers={"Authorization": f"Bearer {TOKEN}"})).json()[
                "subscriptions"
            ]
            assert listed[0]["id"] == answer.json()["id"]
            assert listed[0]["stage_slug"] == "hired"
            assert listed[0]["valid_until"] > listed[0]["created_at"]
        else:
            assert answer.json()["error"]


async def test_simulator_replays_anything_but_200_with_the_same_fired_at(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """Workable's rule ("Response status should be 200 ... replays the request"): a 202 is
    replayed; each replay is signed again and carries the resource as it is now."""
    answers = iter([202, 503, 200])
    receiver = Receiver(check=lambda request: next(answers))
    with ThreadedServer(receiver, name="receiver") as server:
        hook = ProvisionContext(
            http=ctx.http, settings=ctx.settings, tenant="acme", ingest_url=f"{server.base_url}/in"
        )
        await provisioner.provision(hook, request(events=["candidate_moved"]))

        def moved_on(data: dict[str, Any]) -> dict[str, Any]:
            return {**data, "stage": "Interview"}

        [delivery] = await sim.deliver(SUBDOMAIN, "candidate_moved", attempts=5, refresh=moved_on)
    assert [a.status_code for a in delivery.attempts] == [202, 503, 200]
    assert delivery.ok
    bodies = [r.body for r in receiver.requests]
    assert len(bodies) == 3
    assert {json.loads(b)["fired_at"] for b in bodies} == {SAMPLE_FIRED_AT}
    assert json.loads(bodies[0])["data"]["stage"] == "Phone Screen"
    assert json.loads(bodies[2])["data"]["stage"] == "Interview"
    for received in receiver.requests:
        assert adapter.verify(received.body, received.headers, [TOKEN])


RECRUITING_TOKEN = "wk-recruiting-only-token-0123456789"


async def test_a_recruiting_only_token_subscribes_the_candidate_events(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """Workable answers 403 to an employee event for a token without ``r_employees``: with the
    events left to unihook, those are skipped (and said so), not the whole provision."""
    sim.add_token(SUBDOMAIN, RECRUITING_TOKEN, scopes={"r_candidates"})
    result = await provisioner.provision(ctx, request(api_token=RECRUITING_TOKEN))
    candidate_events = {"candidate_created", "candidate_moved", "candidate_deleted"}
    assert set(result.state["subscriptions"]) == candidate_events
    assert result.summary.stats is not None
    assert set(result.summary.stats["not_subscribed"]) == set(EVENT_TYPES) - candidate_events
    assert "r_employees" in str(result.summary.stats["missing_scopes"])
    assert {s.event for s in sim.subscriptions(SUBDOMAIN)} == candidate_events


async def test_chosen_events_the_token_may_not_see_are_refused(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    sim.add_token(SUBDOMAIN, RECRUITING_TOKEN, scopes={"r_candidates"})
    with pytest.raises(ProvisioningError):
        await provisioner.provision(
            ctx, request(api_token=RECRUITING_TOKEN, events=["candidate_moved", "employee_created"])
        )
    assert sim.subscriptions(SUBDOMAIN) == []


async def test_subscriptions_are_renewed_before_valid_until(
    sim: WorkableSim, ctx: ProvisionContext
) -> None:
    """Workable's subscriptions carry ``valid_until`` (a year on): ``renew`` re-creates those
    within ``RENEW_BEFORE`` of it and deletes the old ones; the others are left alone."""
    from datetime import UTC, datetime, timedelta

    from providers.workable.provisioner import RENEW_BEFORE

    start = time.time()
    sim.clock = lambda: start
    result = await provisioner.provision(
        ctx, request(events=["candidate_moved", "employee_created"])
    )
    vendor = vendor_of(result)
    assert await provisioner.renew(ctx, vendor, now=datetime.now(UTC)) is None  # far from due
    later = start + 365 * 86400 - RENEW_BEFORE.total_seconds() + 60
    sim.clock = lambda: later
    renewed = await provisioner.renew(ctx, vendor, now=datetime.fromtimestamp(later, tz=UTC))
    assert renewed is not None
    state, shown = renewed
    old, new = result.state["subscriptions"], state["subscriptions"]
    assert set(new) == set(old)
    assert not set(new.values()) & set(old.values())
    live = sim.subscriptions(SUBDOMAIN)
    assert sorted(str(s.id) for s in live) == sorted(new.values())
    assert all(
        s.valid_until > datetime.fromtimestamp(later, tz=UTC) + timedelta(days=300) for s in live
    )
    assert shown.status == "active"
