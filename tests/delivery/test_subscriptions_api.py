"""``/v1/subscriptions``: Breezy's validation messages and quota, CRUD, tenant keys, replay."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.runtime import Runtime
from tests.conftest import ADMIN
from tests.delivery.conftest import subscribe
from tests.gateway.helpers import connect, tenant_key

URL = "https://hooks.example.com/unihook"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"url": "not a url", "events": ["*"]}, "Invalid URL format"),
        ({"url": "ftp://example.com/x", "events": ["*"]}, "Invalid URL format"),
        ({"url": "https://", "events": ["*"]}, "Invalid URL format"),
        ({"url": 42, "events": ["*"]}, "Invalid URL format"),
        ({"events": ["*"]}, "Invalid URL format"),
        ({"url": "http://hooks.example.com/x", "events": ["*"]}, "URL must use HTTPS protocol"),
        ({"url": URL, "events": "ats.*"}, "Events must be an array"),
        ({"url": URL}, "Events must be an array"),
        ({"url": URL, "events": []}, "At least one event must be specified"),
        ({"url": URL, "events": ["ats.nothing.*"]}, "Invalid events"),
        ({"url": URL, "events": ["candidateAdded"]}, "Invalid events"),
        ({"url": URL, "events": ["ats.*", 7]}, "Invalid events"),
    ],
)
@pytest.mark.parametrize("overrides", [{"allow_insecure_destinations": False}])
async def test_validation_messages_are_breezys(
    client: Any, body: dict[str, Any], detail: str
) -> None:
    response = await client.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == detail


@pytest.mark.parametrize("rate_limit", [0, -1, 1.5, 2.0, "5", True, False, [], {}])
async def test_rate_limit_is_a_positive_integer_or_null(client: Any, rate_limit: Any) -> None:
    body = {"url": URL, "events": ["*"], "rate_limit": rate_limit}
    response = await client.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith("rate_limit must be a positive integer")
    created = await subscribe(client, URL, rate_limit=5)
    for bad in (rate_limit, None):
        response = await client.put(
            f"/v1/subscriptions/{created['id']}", json={"rate_limit": bad}, headers=ADMIN
        )
        expected = 200 if bad is None else 400
        assert response.status_code == expected, response.text
    assert (await client.get(f"/v1/subscriptions/{created['id']}", headers=ADMIN)).json()[
        "rate_limit"
    ] is None


@pytest.mark.parametrize("ordering", ["RESOURCE", "fifo", "", None, 1])
async def test_ordering_is_none_or_resource(client: Any, ordering: Any) -> None:
    body = {"url": URL, "events": ["*"], "ordering": ordering}
    response = await client.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == 'ordering must be "none" or "resource"'


async def test_rate_limit_ordering_and_delivery_state_are_shown(client: Any) -> None:
    plain = await subscribe(client, URL)
    assert (plain["rate_limit"], plain["ordering"]) == (None, "none")
    created = await subscribe(client, URL, rate_limit=20, ordering="resource")
    assert (created["rate_limit"], created["ordering"]) == (20, "resource")
    shown = (await client.get(f"/v1/subscriptions/{created['id']}", headers=ADMIN)).json()
    assert (shown["rate_limit"], shown["ordering"]) == (20, "resource")
    assert shown["delivery"] == {
        "in_flight": 0,
        "concurrency": 0,
        "rate_limited": 0,
        "ordering_held": 0,
    }
    updated = await client.put(
        f"/v1/subscriptions/{created['id']}",
        json={"rate_limit": 3, "ordering": "none"},
        headers=ADMIN,
    )
    assert (updated.json()["rate_limit"], updated.json()["ordering"]) == (3, "none")
    listed = (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"]
    assert {s["id"]: s["ordering"] for s in listed} == {plain["id"]: "none", created["id"]: "none"}


async def test_invalid_events_lists_the_offenders(client: Any) -> None:
    response = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["ats.*", "nope"]}, headers=ADMIN
    )
    assert response.json()["extra"] == {"invalid": ["nope"]}


@pytest.mark.parametrize("overrides", [{"allow_insecure_destinations": True}])
async def test_http_is_allowed_with_the_insecure_flag(client: Any) -> None:
    created = await subscribe(client, "http://127.0.0.1:9/x")
    assert created["url"] == "http://127.0.0.1:9/x"


async def test_unknown_provider_filter_is_rejected(client: Any) -> None:
    response = await client.post(
        "/v1/subscriptions",
        json={"url": URL, "events": ["*"], "providers": ["lever"]},
        headers=ADMIN,
    )
    assert response.status_code == 400
    assert "unknown provider 'lever'" in response.json()["detail"]


@pytest.mark.parametrize("overrides", [{"max_subscriptions": 3}])
async def test_quota_per_owning_key(client: Any, services: Runtime) -> None:
    for _ in range(3):
        await subscribe(client, URL)
    response = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["*"]}, headers=ADMIN
    )
    assert response.status_code == 429
    assert response.json()["detail"] == "Quota exceeded"
    # another key has a quota of its own
    acme = await tenant_key(services, "acme")
    await subscribe(client, URL, headers=acme)


async def test_create_get_update_delete(client: Any) -> None:
    created = await subscribe(
        client,
        URL,
        events=["ats.application.*", "connection.test", "ats.application.*"],
        description="prod",
        providers=["breezy"],
        include_raw=True,
    )
    assert created["secret"].startswith("whsec_")
    assert len(created["secret"]) == len("whsec_") + 44  # base64 of 32 bytes
    assert created["secret_prefix"] == "whsec_"
    assert created["events"] == ["ats.application.*", "connection.test"]
    assert created["status"] == "active"
    assert created["disabled_reason"] is None
    assert created["stats"] == {
        "successful_deliveries": 0,
        "failed_deliveries": 0,
        "last_delivery_at": None,
    }
    sub_id = created["id"]

    fetched = (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).json()
    assert "secret" not in fetched
    assert fetched["providers"] == ["breezy"]
    assert fetched["include_raw"] is True

    listed = (await client.get("/v1/subscriptions", headers=ADMIN)).json()
    assert [s["id"] for s in listed["data"]] == [sub_id]
    assert listed["next_cursor"] is None
    assert "secret" not in listed["data"][0]

    updated = await client.put(
        f"/v1/subscriptions/{sub_id}",
        json={"events": ["*"], "providers": None, "description": None},
        headers=ADMIN,
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["events"] == ["*"]
    assert body["providers"] is None
    assert body["description"] is None
    assert body["url"] == URL  # untouched
    assert body["include_raw"] is True
    assert body["updated_at"] >= created["updated_at"]

    bad = await client.put(
        f"/v1/subscriptions/{sub_id}", json={"url": "ftp://x.example"}, headers=ADMIN
    )
    assert bad.json()["detail"] == "Invalid URL format"

    deleted = await client.delete(f"/v1/subscriptions/{sub_id}", headers=ADMIN)
    assert deleted.status_code == 200
    assert deleted.json() == {"success": True}
    assert (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).status_code == 404


async def test_pause_resume_and_rotate(client: Any) -> None:
    sub = await subscribe(client, URL)
    paused = await client.post(f"/v1/subscriptions/{sub['id']}/pause", headers=ADMIN)
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    resumed = await client.post(f"/v1/subscriptions/{sub['id']}/resume", headers=ADMIN)
    assert resumed.json()["status"] == "active"
    rotated = await client.post(f"/v1/subscriptions/{sub['id']}/rotate-secret", headers=ADMIN)
    assert rotated.status_code == 200
    assert set(rotated.json()) == {"secret"}
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != sub["secret"]


async def test_replay_validation(client: Any) -> None:
    sub = await subscribe(client, URL)
    path = f"/v1/subscriptions/{sub['id']}/replay"
    assert (await client.post(path, json={}, headers=ADMIN)).status_code == 400
    bad = await client.post(path, json={"since": "yesterday"}, headers=ADMIN)
    assert bad.status_code == 400
    backwards = await client.post(
        path, json={"since": "2025-01-02T00:00:00Z", "until": "2025-01-01T00:00:00Z"}, headers=ADMIN
    )
    assert backwards.status_code == 400
    empty = await client.post(path, json={"since": "2025-01-01T00:00:00Z"}, headers=ADMIN)
    assert empty.status_code == 202
    assert empty.json() == {"enqueued": 0}


async def test_deliveries_status_filter_is_validated(client: Any) -> None:
    sub = await subscribe(client, URL)
    path = f"/v1/subscriptions/{sub['id']}/deliveries"
    assert (await client.get(path, headers=ADMIN)).json() == {"data": [], "next_cursor": None}
    assert (await client.get(path, params={"status": "lost"}, headers=ADMIN)).status_code == 400


async def test_tenant_keys_see_only_their_subscriptions(client: Any, services: Runtime) -> None:
    acme = await tenant_key(services, "acme")
    globex = await tenant_key(services, "globex")
    admin_sub = await subscribe(client, URL)
    acme_sub = await subscribe(client, URL, headers=acme)
    assert acme_sub["tenants"] == ["acme"]  # scoped to the key's tenant

    listed = (await client.get("/v1/subscriptions", headers=acme)).json()["data"]
    assert [s["id"] for s in listed] == [acme_sub["id"]]
    assert (await client.get("/v1/subscriptions", headers=globex)).json()["data"] == []
    for path in ("", "/deliveries"):
        assert (
            await client.get(f"/v1/subscriptions/{acme_sub['id']}{path}", headers=globex)
        ).status_code == 404
        assert (
            await client.get(f"/v1/subscriptions/{admin_sub['id']}{path}", headers=acme)
        ).status_code == 404
    for action in ("pause", "resume", "rotate-secret"):
        response = await client.post(f"/v1/subscriptions/{acme_sub['id']}/{action}", headers=globex)
        assert response.status_code == 404
    assert (
        await client.delete(f"/v1/subscriptions/{acme_sub['id']}", headers=globex)
    ).status_code == 404
    assert (
        await client.put(
            f"/v1/subscriptions/{acme_sub['id']}", json={"events": ["*"]}, headers=globex
        )
    ).status_code == 404
    # a tenant key cannot widen its subscription to another tenant
    widened = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["*"], "tenants": ["globex"]}, headers=acme
    )
    assert widened.status_code == 404
    # ... and the admin still sees everything
    everything = (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"]
    assert {s["id"] for s in everything} == {admin_sub["id"], acme_sub["id"]}


async def test_no_key_is_401(client: Any) -> None:
    assert (await client.get("/v1/subscriptions")).status_code == 401
    assert (
        await client.post("/v1/subscriptions", json={"url": URL, "events": ["*"]})
    ).status_code == 401


async def test_redeliver_errors(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    sub = await subscribe(client, URL, events=["hris.*"])
    from tests.delivery.conftest import ingest

    event_id = await ingest(client)
    path = f"/v1/events/{event_id}/redeliver"
    assert (
        await client.post("/v1/events/evt_nope/redeliver", json={}, headers=ADMIN)
    ).status_code == 404
    missing = await client.post(path, json={"subscription_id": "sub_nope"}, headers=ADMIN)
    assert missing.status_code == 404
    unmatched = await client.post(path, json={"subscription_id": sub["id"]}, headers=ADMIN)
    assert unmatched.status_code == 400
    none_match = await client.post(path, headers=ADMIN)
    assert none_match.status_code == 202
    assert none_match.json() == {"enqueued": 0}
    globex = await tenant_key(services, "globex")
    assert (await client.post(path, json={}, headers=globex)).status_code == 404
    assert (
        await client.get(f"/v1/events/{event_id}/deliveries", headers=globex)
    ).status_code == 404


async def test_openapi_lists_the_routes(client: Any) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    for path in (
        "/v1/subscriptions",
        "/v1/subscriptions/{subscription_id}/replay",
        "/v1/events/{event_id}/deliveries",
        "/v1/events/{event_id}/redeliver",
    ):
        assert path in schema["paths"]
