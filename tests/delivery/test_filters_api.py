"""Payload filters through the API: stored and shown, refused with the fault named, tested with
``filter-test``, and applied at fan-out so a subscriber receives exactly the matching events."""

from __future__ import annotations

import json
from typing import Any

import pytest
import standardwebhooks

from tests.conftest import ADMIN
from tests.delivery.conftest import ingest, settled, subscribe
from tests.delivery.receiver import Receiver
from tests.gateway.helpers import connect, tenant_key

URL = "https://hooks.example.com/unihook"
STAGE_CHANGES = {"source.event_type": {"$in": ["candidateStatusUpdated"]}}


async def test_filter_is_stored_shown_changed_and_cleared(client: Any) -> None:
    created = await subscribe(client, URL, filter=STAGE_CHANGES)
    assert created["filter"] == STAGE_CHANGES
    path = f"/v1/subscriptions/{created['id']}"
    assert (await client.get(path, headers=ADMIN)).json()["filter"] == STAGE_CHANGES
    listed = (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"]
    assert [s["filter"] for s in listed] == [STAGE_CHANGES]
    changed = {"$not": {"tenant": "globex"}}
    response = await client.put(path, json={"filter": changed}, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert (await client.get(path, headers=ADMIN)).json()["filter"] == changed
    response = await client.put(path, json={"description": "x"}, headers=ADMIN)
    assert response.json()["filter"] == changed  # absent: unchanged
    response = await client.put(path, json={"filter": None}, headers=ADMIN)
    assert response.json()["filter"] is None
    assert (await subscribe(client, URL))["filter"] is None


def deep(depth: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"tenant": "acme"}
    for _ in range(depth):
        spec = {"$or": [spec]}
    return spec


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"tenant": {"$regex": "^a"}}, "unknown operator $regex at tenant"),
        ({"$where": "1"}, "unknown operator $where"),
        ({"data..stage": "Offer"}, "invalid path 'data..stage'"),
        ({"tenant": {"$in": "acme"}}, "$in takes a list"),
        ([{"tenant": "acme"}], "filter must be a JSON object"),
        ("tenant == acme", "filter must be a JSON object"),
        (deep(50), "nested deeper than"),
        ({f"data.f{i}": i for i in range(500)}, "filter too large"),
        ({"data.name": "x" * 20000}, "larger than"),
    ],
)
async def test_bad_filters_are_400_naming_the_fault(client: Any, bad: Any, named: str) -> None:
    response = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["*"], "filter": bad}, headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("Invalid filter: ")
    assert named in response.json()["detail"]
    created = await subscribe(client, URL)
    response = await client.put(
        f"/v1/subscriptions/{created['id']}", json={"filter": bad}, headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert named in response.json()["detail"]


async def test_a_hostilely_deep_body_is_a_400_not_a_500(client: Any) -> None:
    depth = 100_000
    nested = '{"$not": ' * depth + "1" + "}" * depth
    body = f'{{"url": "{URL}", "events": ["*"], "filter": {nested}}}'
    response = await client.post(
        "/v1/subscriptions",
        content=body.encode(),
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text


async def test_filter_test_answers_whether_an_event_matches(client: Any, services: Any) -> None:
    sub = await subscribe(client, URL, filter={"data.application.stage.name": {"$in": ["Offer"]}})
    path = f"/v1/subscriptions/{sub['id']}/filter-test"
    offer = {"type": "x", "data": {"application": {"stage": {"name": "Offer"}}}}
    screen = {"type": "x", "data": {"application": {"stage": {"name": "Screen"}}}}
    for event, expected in ((offer, True), (screen, False), ({}, False)):
        response = await client.post(path, json={"event": event}, headers=ADMIN)
        assert response.status_code == 200, response.text
        assert response.json() == {"matches": expected}
    for body in ({"event": [1]}, {"event": "x"}, {}, {"event": {}, "extra": 1}):
        response = await client.post(path, json=body, headers=ADMIN)
        assert response.status_code == 400, response.text
    unfiltered = await subscribe(client, URL)
    response = await client.post(
        f"/v1/subscriptions/{unfiltered['id']}/filter-test", json={"event": {}}, headers=ADMIN
    )
    assert response.json() == {"matches": True}
    globex = await tenant_key(services, "globex")
    response = await client.post(path, json={"event": offer}, headers=globex)
    assert response.status_code == 404
    response = await client.post(
        "/v1/subscriptions/sub_nope/filter-test", json={"event": offer}, headers=ADMIN
    )
    assert response.status_code == 404


async def test_tenant_keys_filter_their_own_subscriptions(client: Any, services: Any) -> None:
    acme = await tenant_key(services, "acme")
    sub = await subscribe(client, URL, headers=acme, filter={"tenant": "acme"})
    assert sub["filter"] == {"tenant": "acme"}
    globex = await tenant_key(services, "globex")
    response = await client.put(
        f"/v1/subscriptions/{sub['id']}", json={"filter": None}, headers=globex
    )
    assert response.status_code == 404


async def test_a_filtered_subscription_receives_exactly_the_matching_events(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as everything, Receiver() as filtered:
        await subscribe(gateway, everything.url)
        sub = await subscribe(gateway, filtered.url, filter=STAGE_CHANGES)
        added = await ingest(gateway, "breezy", "candidateAdded")
        moved = await ingest(gateway, "breezy", "candidateStatusUpdated")
        added_again = await ingest(gateway, "breezy", "candidateAdded")
        await everything.wait_for(3)
        [request] = await filtered.wait_for(1)
        assert len(await settled(gateway, moved, 2)) == 2
        assert len(await settled(gateway, added)) == 1
        assert len(await settled(gateway, added_again)) == 1
    assert len(filtered.requests) == 1
    payload = standardwebhooks.Webhook(sub["secret"]).verify(request.body, request.headers)
    assert payload["id"] == moved
    assert json.loads(request.body)["source"]["event_type"] == "candidateStatusUpdated"


async def test_replay_and_redeliver_respect_the_filter(client: Any) -> None:
    await connect(client, "breezy")
    added = await ingest(client, "breezy", "candidateAdded")
    moved = await ingest(client, "breezy", "candidateStatusUpdated")
    sub = await subscribe(client, URL, filter=STAGE_CHANGES)
    response = await client.post(
        f"/v1/subscriptions/{sub['id']}/replay",
        json={"since": "2000-01-01T00:00:00Z"},
        headers=ADMIN,
    )
    assert response.json() == {"enqueued": 1}
    response = await client.post(
        f"/v1/events/{added}/redeliver", json={"subscription_id": sub["id"]}, headers=ADMIN
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "the subscription's filter does not match this event"
    response = await client.post(
        f"/v1/events/{moved}/redeliver", json={"subscription_id": sub["id"]}, headers=ADMIN
    )
    assert response.status_code == 202, response.text


async def test_a_stored_filter_no_longer_valid_matches_nothing_and_ingest_goes_on(
    client: Any, services: Any
) -> None:
    from sqlalchemy import update

    from gateway.storage.models import Subscription

    await connect(client, "breezy")
    broken = await subscribe(client, URL)
    healthy = await subscribe(client, URL)
    async with services.sessions() as session, session.begin():
        await session.execute(
            update(Subscription)
            .where(Subscription.id == broken["id"])
            .values(filter='{"tenant": {"$regex": "a"}}')
        )
    event_id = await ingest(client)
    response = await client.get(f"/v1/events/{event_id}/deliveries", headers=ADMIN)
    assert [d["subscription_id"] for d in response.json()["data"]] == [healthy["id"]]
    response = await client.post(
        f"/v1/subscriptions/{broken['id']}/filter-test", json={"event": {}}, headers=ADMIN
    )
    assert response.json() == {"matches": False}
