"""The console's operational pages over HTTP (no dispatcher: the tests set outcomes): a
subscription's honest health and failing badge, editing and deleting it, recovery in bulk with
its count before confirming, the events list's "what failed?" filters and error banners."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from gateway.core.clock import utcnow
from gateway.core.ids import new_id
from gateway.core.settings import Settings
from gateway.runtime import Runtime
from gateway.storage.models import Attempt, Delivery, Subscription
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.test_http import csrf_of, sign_in
from tests.delivery.receiver import Receiver, Reply
from tests.delivery.test_recover import ingest, settle, subscription
from tests.gateway.helpers import connect, tenant_key


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # a test event goes to a receiver on loopback
    return replace(settings, allow_insecure_destinations=True)


def banner(html: str) -> tuple[str, str]:
    """The page's notice: its class (``notice`` or ``error``) and its text."""
    found = re.search(r'<p class="(notice|error)" role="(?:status|alert)"[^>]*>([^<]*)</p>', html)
    assert found, html[:3000]
    return found.group(1), found.group(2)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def attempts(services: Runtime, event_id: str, *codes: int) -> None:
    """Record attempts answered ``codes`` for the event's deliveries, oldest first."""
    async with services.sessions() as session, session.begin():
        delivery_ids = (
            await session.execute(Delivery.__table__.select().where(Delivery.event_id == event_id))
        ).all()
        for row in delivery_ids:
            for code in codes:
                session.add(
                    Attempt(
                        id=new_id("att"),
                        delivery_id=row.id,
                        attempted_at=utcnow(),
                        status_code=code,
                        latency_ms=12.0,
                        response_snippet=None,
                        error=None if code < 300 else f"HTTP {code}",
                    )
                )
            await session.execute(
                update(Delivery).where(Delivery.id == row.id).values(attempts=len(codes))
            )


async def test_a_subscriptions_health_counts_deliveries_and_says_failing(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    failed, delivered, _pending = [(await ingest(client))[0] for _ in range(3)]
    await attempts(services, failed, 500, 500, 500)
    await attempts(services, delivered, 200)
    await settle(services, {failed: "failed", delivered: "succeeded"})
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Subscription).values(failing_since=utcnow() - timedelta(minutes=5))
        )
    await sign_in(client, ADMIN_TOKEN)

    page = text_of((await client.get(f"/console/subscriptions/{sub_id}")).text)
    overview = text_of((await client.get("/console/")).text)

    for shown in (page, overview):
        assert "1 succeeded" in shown
        assert "1 failed · 1 pending" in shown  # pending is not counted as failed
        assert "50% of 2 settled deliveries" in shown.replace(".0%", "%")
        assert "(1 of 2 answered 2xx)" in shown  # first attempts only, not 4 attempts
    assert re.search(
        r'class="badge failing">failing<',
        (await client.get(f"/console/subscriptions/{sub_id}")).text,
    )
    listing = (await client.get("/console/subscriptions")).text
    assert 'class="badge failing">failing<' in listing


async def test_edit_keeps_the_input_and_names_a_bad_pattern_then_saves_and_delete(
    client: Any,
) -> None:
    sub_id = await subscription(client)
    await sign_in(client, ADMIN_TOKEN)
    form_page = await client.get(f"/console/subscriptions/{sub_id}/edit")
    assert 'value="https://hooks.example.com/x"' in form_page.text
    token = csrf_of(form_page.text)
    posted = {
        "csrf_token": token,
        "url": "https://fixed.example.com/hooks",
        "description": "the fixed one",
        "events": "ats.* ats.nope.*",
        "rate_limit": "5",
        "ordering": "resource",
        "filter": "",
        "redact": "",
    }
    refused = await client.post(f"/console/subscriptions/{sub_id}/edit", data=posted)
    assert refused.status_code == 400
    assert "Invalid events: ats.nope.*" in refused.text
    assert 'value="https://fixed.example.com/hooks"' in refused.text  # what was typed, kept
    assert 'value="the fixed one"' in refused.text
    assert 'value="ats.* ats.nope.*"' in refused.text

    saved = await client.post(
        f"/console/subscriptions/{sub_id}/edit",
        data={**posted, "events": "ats.*"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = await client.get(f"/console/subscriptions/{sub_id}")
    assert banner(page.text) == ("notice", "Saved.")
    stored = (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).json()
    assert (stored["url"], stored["events"], stored["rate_limit"], stored["ordering"]) == (
        "https://fixed.example.com/hooks",
        ["ats.*"],
        5,
        "resource",
    )
    shown = text_of(page.text)
    assert "at most 5 deliveries a second" in shown
    assert "resource: one delivery at a time per subject" in shown

    deleted = await client.post(
        f"/console/subscriptions/{sub_id}/delete",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    assert (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).status_code == 404


async def test_retry_failed_since_counts_before_confirming_then_queues(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    first, second = await subscription(client), await subscription(client)
    failed, delivered = (await ingest(client))[0], (await ingest(client))[0]
    await settle(services, {failed: "failed", delivered: "succeeded"})
    await sign_in(client, ADMIN_TOKEN)

    one = await client.get("/console/recover", params={"subscription": first, "since": "0"})
    assert "1</strong> failed delivery will be sent again" in one.text
    every = await client.get("/console/recover", params={"since": "0"})
    assert "2</strong> failed deliveries will be sent again" in every.text
    assert (
        await client.get("/v1/subscriptions/" + first + "/deliveries?status=pending", headers=ADMIN)
    ).json()["data"] == []  # counting queued nothing

    confirmed = await client.post(
        "/console/recover", data={"csrf_token": csrf_of(every.text), "since": "0"}
    )
    assert banner(confirmed.text) == ("notice", "Queued 2 failed deliveries again.")
    for sub_id in (first, second):
        pending = await client.get(
            f"/v1/subscriptions/{sub_id}/deliveries", params={"status": "pending"}, headers=ADMIN
        )
        assert [d["event_id"] for d in pending.json()["data"]] == [failed]
    # asked again while those are on their way: refused, and said so as an error
    refused = await client.post(
        "/console/recover", data={"csrf_token": csrf_of(every.text), "since": "0"}
    )
    kind, said = banner(refused.text)
    assert kind == "error"
    assert "still being delivered" in said
    bad = await client.get("/console/recover", params={"since": "last week"})
    assert bad.status_code == 400


async def test_a_refused_replay_is_an_error_banner(client: Any) -> None:
    sub_id = await subscription(client)
    await sign_in(client, ADMIN_TOKEN)
    page = await client.get(f"/console/subscriptions/{sub_id}")
    refused = await client.post(
        f"/console/subscriptions/{sub_id}/replay",
        data={"csrf_token": csrf_of(page.text), "since": "2000", "until": "1000"},
    )
    assert banner(refused.text) == ("error", "Not replayed: until must be later than since")


async def test_the_events_page_filters_by_delivery_state_subscription_and_id(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    sub_id = await subscription(client)
    failed, vendor = await ingest(client)
    delivered, _ = await ingest(client)
    await settle(services, {failed: "failed", delivered: "succeeded"})
    await sign_in(client, ADMIN_TOKEN)

    everything = await client.get("/console/events")
    assert 'class="badge failed">1 failed<' in everything.text
    assert 'class="badge succeeded">1 succeeded<' in everything.text
    only_failed = await client.get(
        "/console/events", params={"delivery": "failed", "subscription": sub_id}
    )
    assert failed in only_failed.text
    assert delivered not in only_failed.text
    by_vendor_id = await client.get("/console/events", params={"q": vendor["_id"]})
    assert failed in by_vendor_id.text
    assert delivered not in by_vendor_id.text


async def test_a_test_event_answered_500_is_an_error_banner(client: Any) -> None:
    with Receiver(default=Reply(500, body=b"nope")) as receiver:
        made = await client.post(
            "/v1/subscriptions", json={"url": receiver.url, "events": ["*"]}, headers=ADMIN
        )
        sub_id = made.json()["id"]
        await sign_in(client, ADMIN_TOKEN)
        page = await client.get(f"/console/subscriptions/{sub_id}")
        sent = await client.post(
            f"/console/subscriptions/{sub_id}/test", data={"csrf_token": csrf_of(page.text)}
        )
    kind, said = banner(sent.text)
    assert kind == "error"
    assert "answered 500" in said


async def test_recovery_pages_keep_to_the_tenants_subscriptions(
    client: Any, services: Runtime
) -> None:
    admins = await subscription(client)
    acme = await tenant_key(services, "acme")
    own = await subscription(client, acme)
    await sign_in(client, acme["Authorization"].split()[1])
    other = await client.get("/console/recover", params={"subscription": admins, "since": "0"})
    assert other.status_code == 404
    every = await client.get("/console/recover", params={"since": "0"})
    assert own in every.text
    assert admins not in every.text
    refused = await client.post(
        "/console/recover",
        data={"csrf_token": csrf_of(every.text), "since": "0", "subscription": admins},
    )
    assert refused.status_code == 404
