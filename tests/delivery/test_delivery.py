"""Deliveries to real HTTP subscribers on loopback, through the app and its dispatcher.

Signatures are checked with the ``standardwebhooks`` and ``svix`` libraries, not our code.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import standardwebhooks
import svix.webhooks

from gateway import __version__
from gateway.runtime import Runtime
from tests.conftest import ADMIN
from tests.delivery.conftest import (
    deliveries_of,
    eventually,
    ingest,
    settled,
    subscribe,
)
from tests.delivery.receiver import Receiver, Reply, closed_port
from tests.gateway.helpers import connect, tenant_key


def verify_both(secret: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = standardwebhooks.Webhook(secret).verify(body, headers)
    svix.webhooks.Webhook(secret).verify(body, headers)
    return payload


async def get_sub(client: Any, sub_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).json()
    return result


async def test_delivery_is_signed_and_shaped_as_spec(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url, events=["ats.application.*"])
        event_id = await ingest(gateway)
        [request] = await receiver.wait_for(1)
        stored = (await gateway.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    headers = request.headers
    assert request.method == "POST"
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == f"unihook/{__version__}"
    assert headers["webhook-id"] == event_id
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 30
    assert len(headers["webhook-signature"].split()) == 1
    payload = verify_both(sub["secret"], request.body, headers)
    stored.pop("raw")
    assert payload == stored  # the canonical event, without raw
    [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_count"] == 1
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["latency_ms"] > 0
    assert attempt["response_snippet"] == '{"ok":true}'
    stats = (await get_sub(gateway, sub["id"]))["stats"]
    assert stats["successful_deliveries"] == 1
    assert stats["failed_deliveries"] == 0
    assert stats["last_delivery_at"] is not None


async def test_include_raw_adds_the_vendor_payload(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url, include_raw=True)
        await ingest(gateway)
        [request] = await receiver.wait_for(1)
    payload = verify_both(sub["secret"], request.body, request.headers)
    assert payload["raw"]["type"] == "candidateAdded"
    assert payload["source"]["event_type"] == "candidateAdded"


async def test_5xx_then_success_lists_every_attempt(gateway: Any) -> None:
    await connect(gateway, "breezy")
    script = [Reply(500, headers={"x-trace": "t-1"}, body=b"boom"), Reply(503, body=b"later")]
    with Receiver(script=script) as receiver:
        sub = await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        got = await receiver.wait_for(3)
        [delivery] = await settled(gateway, event_id)
    assert len({r.headers["webhook-id"] for r in got}) == 1  # stable across retries
    for r in got:
        verify_both(sub["secret"], r.body, r.headers)
    assert delivery["status"] == "succeeded"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 200]
    assert [a["response_snippet"] for a in delivery["attempts"]] == ["boom", "later", '{"ok":true}']
    assert delivery["attempts"][0]["error"] == "HTTP 500"
    # each attempt keeps the headers it sent (the signature its receiver checked) and those of
    # the answer, failed attempts too
    for attempt, request in zip(delivery["attempts"], got, strict=True):
        sent = dict(attempt["request_headers"])
        assert sent["webhook-signature"] == request.headers["webhook-signature"]
        assert sent["webhook-id"] == event_id
    assert ["x-trace", "t-1"] in delivery["attempts"][0]["response_headers"]
    stats = (await get_sub(gateway, sub["id"]))["stats"]
    # one delivery, which succeeded: its failed attempts are not failed deliveries
    assert (stats["successful_deliveries"], stats["failed_deliveries"]) == (1, 0)


async def test_retry_after_is_honoured(gateway: Any) -> None:
    await connect(gateway, "breezy")
    script = [Reply(429, headers={"retry-after": "1"})]
    with Receiver(script=script) as receiver:
        await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        first, second = await receiver.wait_for(2)
        [delivery] = await settled(gateway, event_id)
    assert second.at - first.at >= 0.95  # the schedule alone would say 0.2 s
    assert delivery["attempts"][0]["error"] == "HTTP 429 (Retry-After: 1)"


async def test_gone_disables_the_subscription_and_resume_delivers(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(script=[Reply(410)]) as receiver:
        sub = await subscribe(gateway, receiver.url)
        first = await ingest(gateway)
        await receiver.wait_for(1)

        async def disabled() -> dict[str, Any] | None:
            s = await get_sub(gateway, sub["id"])
            return s if s["status"] == "disabled" else None

        state = await eventually(disabled)
        assert "410 Gone" in state["disabled_reason"]
        second = await ingest(gateway)
        await asyncio.sleep(0.6)
        assert len(receiver.received()) == 1  # held, not sent
        assert [d["status"] for d in await deliveries_of(gateway, second)] == ["pending"]
        resumed = await gateway.post(f"/v1/subscriptions/{sub['id']}/resume", headers=ADMIN)
        assert resumed.json()["status"] == "active"
        assert resumed.json()["disabled_reason"] is None
        got = await receiver.wait_for(3)
    assert {r.headers["webhook-id"] for r in got[1:]} == {first, second}


@pytest.mark.parametrize("overrides", [{"delivery_timeout": 0.3}])
async def test_timeout_is_a_failed_attempt(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(script=[Reply(delay=1.0)]) as receiver:
        await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "succeeded"
    first, second = delivery["attempts"]
    assert first["status_code"] is None
    assert first["error"].startswith("timeout")
    assert 250 < first["latency_ms"] < 900
    assert second["status_code"] == 200


async def test_connection_refused_retries_then_fails(gateway: Any) -> None:
    await connect(gateway, "breezy")
    sub = await subscribe(gateway, f"http://127.0.0.1:{closed_port()}/hook")
    event_id = await ingest(gateway)
    [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "failed"
    assert delivery["next_attempt_at"] is None
    assert len(delivery["attempts"]) == 3  # first try + len(retry_schedule)
    assert all("connection refused" in a["error"] for a in delivery["attempts"])
    # three failed attempts of one delivery: one failed delivery
    assert (await get_sub(gateway, sub["id"]))["stats"]["failed_deliveries"] == 1
    assert delivery["attempts"][0]["response_headers"] is None  # no answer came
    sent = dict(delivery["attempts"][0]["request_headers"])
    assert sent["webhook-id"] == event_id
    failed = await gateway.get(
        f"/v1/subscriptions/{sub['id']}/deliveries", params={"status": "failed"}, headers=ADMIN
    )
    assert [d["id"] for d in failed.json()["data"]] == [delivery["id"]]
    pending = await gateway.get(
        f"/v1/subscriptions/{sub['id']}/deliveries", params={"status": "pending"}, headers=ADMIN
    )
    assert pending.json()["data"] == []


async def test_redirects_are_not_followed(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        elsewhere = f"http://127.0.0.1:{receiver.port}/elsewhere"
        receiver.script = [Reply(301, headers={"location": elsewhere})]
        await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        [delivery] = await settled(gateway, event_id)
        paths = [r.path for r in receiver.received()]
    assert paths == ["/hook", "/hook"]
    assert delivery["attempts"][0]["status_code"] == 301
    assert "not followed" in delivery["attempts"][0]["error"]
    assert delivery["status"] == "succeeded"


async def test_pause_holds_and_resume_delivers_everything(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        await gateway.post(f"/v1/subscriptions/{sub['id']}/pause", headers=ADMIN)
        ids = {await ingest(gateway) for _ in range(4)}
        await asyncio.sleep(0.6)
        assert receiver.received() == []
        held = await gateway.get(
            f"/v1/subscriptions/{sub['id']}/deliveries", params={"status": "pending"}, headers=ADMIN
        )
        assert len(held.json()["data"]) == 4
        await gateway.post(f"/v1/subscriptions/{sub['id']}/resume", headers=ADMIN)
        got = await receiver.wait_for(4)
    assert {r.headers["webhook-id"] for r in got} == ids


async def test_rotation_signs_with_both_secrets(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        rotated = await gateway.post(f"/v1/subscriptions/{sub['id']}/rotate-secret", headers=ADMIN)
        new_secret = rotated.json()["secret"]
        await ingest(gateway)
        [request] = await receiver.wait_for(1)
    assert len(request.headers["webhook-signature"].split()) == 2
    verify_both(sub["secret"], request.body, request.headers)
    verify_both(new_secret, request.body, request.headers)
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook("whsec_" + "A" * 43 + "=").verify(request.body, request.headers)


async def test_replay_requeues_delivered_events(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        ids = [await ingest(gateway) for _ in range(2)]
        await receiver.wait_for(2)
        replayed = await gateway.post(
            f"/v1/subscriptions/{sub['id']}/replay",
            json={"since": "2000-01-01T00:00:00Z"},
            headers=ADMIN,
        )
        assert replayed.status_code == 202
        assert replayed.json() == {"enqueued": 2}
        got = await receiver.wait_for(4)
        # one replay at a time: the next is taken once this one's results are recorded
        for _ in range(200):
            pending = await gateway.get(
                f"/v1/subscriptions/{sub['id']}/deliveries?status=pending", headers=ADMIN
            )
            if not pending.json()["data"]:
                break
            await asyncio.sleep(0.05)
        future = await gateway.post(
            f"/v1/subscriptions/{sub['id']}/replay",
            json={"since": str(int(time.time()) + 3600)},
            headers=ADMIN,
        )
    assert sorted(r.headers["webhook-id"] for r in got[2:]) == sorted(ids)
    assert future.json() == {"enqueued": 0}


async def test_redeliver_to_one_or_all_matching(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        base = f"http://127.0.0.1:{receiver.port}"
        a = await subscribe(gateway, f"{base}/a")
        await subscribe(gateway, f"{base}/b", events=["ats.application.created"])
        await subscribe(gateway, f"{base}/c", events=["hris.*"])
        event_id = await ingest(gateway)
        await receiver.wait_for(2)
        one = await gateway.post(
            f"/v1/events/{event_id}/redeliver", json={"subscription_id": a["id"]}, headers=ADMIN
        )
        assert one.status_code == 202
        assert one.json() == {"enqueued": 1}
        await receiver.wait_for(3)
        every = await gateway.post(f"/v1/events/{event_id}/redeliver", headers=ADMIN)
        assert every.json() == {"enqueued": 2}
        await receiver.wait_for(5)
        await asyncio.sleep(0.2)
        paths = sorted(r.path for r in receiver.received())
    assert paths == ["/a", "/a", "/a", "/b", "/b"]
    assert len(await deliveries_of(gateway, event_id)) == 5


async def test_filters_by_type_tenant_and_provider(gateway: Any) -> None:
    await connect(gateway, "breezy", tenant="acme")
    await connect(gateway, "breezy", tenant="globex")
    await connect(gateway, "bindbee", tenant="acme")
    with Receiver() as receiver:
        base = f"http://127.0.0.1:{receiver.port}"
        await subscribe(gateway, f"{base}/applications", events=["ats.application.*"])
        await subscribe(gateway, f"{base}/globex", tenants=["globex"])
        await subscribe(gateway, f"{base}/bindbee", providers=["bindbee"])
        await subscribe(gateway, f"{base}/jobs", events=["ats.job.created"])
        acme_app = await ingest(gateway, "breezy", "candidateAdded", "acme")
        globex_app = await ingest(gateway, "breezy", "candidateStatusUpdated", "globex")
        globex_job = await ingest(gateway, "breezy", "companyPositionAdded", "globex")
        sync = await ingest(gateway, "bindbee", "connector_sync_error", "acme")
        await receiver.wait_for(6)
        await asyncio.sleep(0.3)
        got: dict[str, set[str]] = {}
        for r in receiver.received():
            got.setdefault(r.path, set()).add(r.headers["webhook-id"])
    assert got == {
        "/applications": {acme_app, globex_app},
        "/globex": {globex_app, globex_job},
        "/bindbee": {sync},
        "/jobs": {globex_job},
    }


async def test_tenant_key_subscription_gets_only_its_tenant(
    gateway: Any, services: Runtime
) -> None:
    await connect(gateway, "breezy", tenant="acme")
    await connect(gateway, "breezy", tenant="globex")
    acme = await tenant_key(services, "acme")
    with Receiver() as receiver:
        base = f"http://127.0.0.1:{receiver.port}"
        await subscribe(gateway, f"{base}/acme", headers=acme)
        await subscribe(gateway, f"{base}/admin")
        mine = await ingest(gateway, tenant="acme")
        theirs = await ingest(gateway, tenant="globex")
        await receiver.wait_for(3)
        await asyncio.sleep(0.3)
        got = [(r.path, r.headers["webhook-id"]) for r in receiver.received()]
        # a tenant key sees its event's deliveries to its own subscriptions only
        visible = await deliveries_of(gateway, mine, headers=acme)
        hidden = await gateway.get(f"/v1/events/{theirs}/deliveries", headers=acme)
    assert sorted(got) == sorted([("/acme", mine), ("/admin", mine), ("/admin", theirs)])
    assert len(visible) == 1
    assert hidden.status_code == 404


@pytest.mark.parametrize("overrides", [{"allow_insecure_destinations": False}])
async def test_ssrf_guard_refuses_loopback_after_resolving(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        by_ip = await subscribe(
            gateway, f"https://127.0.0.1:{receiver.port}/hook", events=["ats.*"]
        )
        by_name = await subscribe(
            gateway, f"https://localhost:{receiver.port}/hook", events=["ats.*"]
        )
        event_id = await ingest(gateway)
        deliveries = await settled(gateway, event_id, count=2)
        assert receiver.received() == []
    assert {d["subscription_id"] for d in deliveries} == {by_ip["id"], by_name["id"]}
    for delivery in deliveries:
        assert delivery["status"] == "failed"
        for attempt in delivery["attempts"]:
            assert attempt["status_code"] is None
            assert attempt["error"].startswith("destination refused:")
            assert "loopback" in attempt["error"]


@pytest.mark.parametrize("overrides", [{"per_destination_connections": 2, "worker_concurrency": 8}])
async def test_a_slow_subscriber_does_not_delay_a_fast_one(gateway: Any) -> None:
    """The fast subscriber gets all twelve while the slow one still holds its first two
    requests unanswered: nothing the fast one got waited for a slow answer (no clock is read)."""
    await connect(gateway, "breezy")
    with Receiver(default=Reply(delay=5.0)) as slow, Receiver() as fast:
        await subscribe(gateway, slow.url)
        await subscribe(gateway, fast.url)
        for _ in range(12):
            await ingest(gateway)
        await fast.wait_for(12)
        slow_count = len(slow.received())
    assert slow_count <= 2  # its ceiling of two in flight, neither answered yet


async def test_stats_and_listing_after_mixed_results(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(script=[Reply(500)]) as receiver:
        sub = await subscribe(gateway, receiver.url)
        first = await ingest(gateway)
        await settled(gateway, first)
        second = await ingest(gateway)
        await settled(gateway, second)
    listed = await gateway.get(f"/v1/subscriptions/{sub['id']}/deliveries", headers=ADMIN)
    data = listed.json()["data"]
    assert [d["event_id"] for d in data] == [second, first]  # newest first
    assert all(d["status"] == "succeeded" for d in data)
    assert data[1]["attempt_count"] == 2
    assert data[0]["event_type"] == "ats.application.created"
    page = await gateway.get(
        f"/v1/subscriptions/{sub['id']}/deliveries", params={"limit": 1}, headers=ADMIN
    )
    assert page.json()["next_cursor"] == data[0]["id"]
    stats = (await get_sub(gateway, sub["id"]))["stats"]
    # both deliveries succeeded (the first after a failed attempt): counted in deliveries
    assert (stats["successful_deliveries"], stats["failed_deliveries"]) == (2, 0)


@pytest.mark.parametrize("overrides", [{"disable_after": 1, "retry_schedule": (0.3,) * 8}])
async def test_failing_for_too_long_disables_and_keeps_deliveries(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(default=Reply(500)) as receiver:
        sub = await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)

        async def disabled() -> dict[str, Any] | None:
            s = await get_sub(gateway, sub["id"])
            return s if s["status"] == "disabled" else None

        state = await eventually(disabled)
        assert "UNIHOOK_DISABLE_AFTER" in state["disabled_reason"]
        sent = len(receiver.received())
        await asyncio.sleep(0.7)
        assert len(receiver.received()) == sent  # nothing more while disabled
        [delivery] = await deliveries_of(gateway, event_id)
        assert delivery["status"] == "pending"  # kept for when it is re-enabled
        receiver.default = Reply(200)
        await gateway.post(f"/v1/subscriptions/{sub['id']}/resume", headers=ADMIN)
        [done] = await settled(gateway, event_id)
    assert done["status"] == "succeeded"


async def test_deleting_a_subscription_while_delivering_is_safe(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(default=Reply(delay=0.5)) as receiver:
        sub = await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        await receiver.wait_for(1)
        assert (
            await gateway.delete(f"/v1/subscriptions/{sub['id']}", headers=ADMIN)
        ).status_code == 200
        await asyncio.sleep(0.8)
    assert await deliveries_of(gateway, event_id) == []
    # the dispatcher is still healthy
    with Receiver() as receiver:
        await subscribe(gateway, receiver.url)
        await ingest(gateway)
        await receiver.wait_for(1)


async def test_rate_limited_and_in_flight_are_visible(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver(default=Reply(delay=0.05)) as receiver:
        sub = await subscribe(gateway, receiver.url, rate_limit=2)
        for _ in range(8):
            await ingest(gateway)
        seen: dict[str, int] = {}
        metrics = ""
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and len(receiver.requests) < 8:
            shown = (await gateway.get(f"/v1/subscriptions/{sub['id']}", headers=ADMIN)).json()
            for name, value in shown["delivery"].items():
                seen[name] = max(seen.get(name, 0), value)
            if seen.get("rate_limited") and not metrics:
                metrics = (await gateway.get("/metrics")).text
            await asyncio.sleep(0.1)
        assert len(receiver.requests) == 8
    assert seen["rate_limited"] >= 1
    assert seen["concurrency"] >= 1
    assert seen["ordering_held"] == 0
    assert f'unihook_delivery_rate_limited{{subscription="{sub["id"]}"}}' in metrics
    assert "unihook_delivery_concurrency{destination=" in metrics
