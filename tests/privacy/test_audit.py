"""The audit log: every management action of a run, who did it and from where, no secrets, a
tenant key seeing only its tenant's, cursor pages, the console page and its retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gateway.core.clock import utcnow
from gateway.runtime import Runtime
from gateway.services.audit import purge_audit
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.test_http import csrf_of, sign_in
from tests.gateway.helpers import SECRETS, connect, tenant_key

URL = "https://hooks.example.com/unihook"


async def entries(client: Any, headers: dict[str, str], **query: Any) -> list[dict[str, Any]]:
    response = await client.get("/v1/audit", params=query, headers=headers)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_every_management_action_is_recorded(client: Any, services: Runtime) -> None:
    connection = await connect(client, "breezy")
    acme = await tenant_key(services, "acme")
    created = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["*"]}, headers=acme
    )
    sub = created.json()
    sub_path = f"/v1/subscriptions/{sub['id']}"
    await client.put(sub_path, json={"description": "x"}, headers=acme)
    await client.post(f"{sub_path}/pause", headers=acme)
    await client.post(f"{sub_path}/rotate-secret", headers=acme)
    await client.post(f"{sub_path}/replay", json={"since": "2025-01-01T00:00:00Z"}, headers=acme)
    rotated = await client.post(
        f"/v1/connections/{connection['id']}/secrets",
        json={"secret": SECRETS["breezy"]},
        headers=ADMIN,
    )
    assert rotated.status_code == 200, rotated.text
    await client.post("/v1/erasures", json={"tenant": "acme", "email": "a@b.example"}, headers=acme)
    await client.put("/v1/tenants/acme/settings", json={"retention_days": 30}, headers=ADMIN)
    await client.delete(sub_path, headers=acme)

    seen = await entries(client, ADMIN)
    actions = [e["action"] for e in reversed(seen)]
    for expected in (
        "connection.create",
        "subscription.create",
        "subscription.update",
        "subscription.set_status",
        "subscription.rotate_secret",
        "subscription.replay",
        "connection.rotate_secret",
        "erasure.create",
        "tenant_settings.update",
        "subscription.delete",
    ):
        assert expected in actions, (expected, actions)
    by_action = {e["action"]: e for e in seen}
    assert by_action["connection.create"]["actor"] == "admin"
    assert by_action["connection.create"]["target"] == connection["id"]
    assert by_action["subscription.delete"]["target"] == sub["id"]
    assert by_action["subscription.delete"]["actor"].startswith("key_")
    assert by_action["tenant_settings.update"]["target"] == "acme"
    assert all(e["remote_addr"] for e in seen)
    text = (await client.get("/v1/audit", headers=ADMIN)).text
    assert SECRETS["breezy"] not in text
    assert sub["secret"] not in text
    assert "a@b.example" not in text

    # a tenant key sees its tenant's entries; filters and cursor pages
    globex = await tenant_key(services, "globex")
    assert await entries(client, globex) == []
    mine = await entries(client, acme)
    assert mine
    assert {e["tenant"] for e in mine} == {"acme"}
    only = await entries(client, ADMIN, action="subscription.create")
    assert [e["target"] for e in only] == [sub["id"]]
    assert await entries(client, ADMIN, actor="admin", action="subscription.create") == []
    first = (await client.get("/v1/audit", params={"limit": 2}, headers=ADMIN)).json()
    second = await entries(client, ADMIN, limit=2, cursor=first["next_cursor"])
    assert [e["id"] for e in first["data"] + second] == [e["id"] for e in seen[:4]]
    assert (await client.post("/v1/audit", json={}, headers=ADMIN)).status_code == 405
    assert (
        await client.get("/v1/audit", params={"since": "soon"}, headers=ADMIN)
    ).status_code == 400


async def test_console_sign_in_and_page(client: Any) -> None:
    failed = await sign_in(client, "not-a-token")
    assert failed.status_code == 401
    signed_in = await sign_in(client, ADMIN_TOKEN)
    assert signed_in.status_code in (302, 303)
    page = await client.get("/console/audit")
    assert page.status_code == 200
    assert "console.sign_in" in page.text
    assert "console.sign_in_failed" in page.text
    erased = await client.post(
        "/console/erasures",
        data={"tenant": "acme", "email": "x@y.example", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert erased.status_code == 303
    assert "erasure.create" in (await client.get("/console/audit")).text


@pytest.mark.parametrize("overrides", [{"audit_retention_days": 30}])
async def test_old_entries_go_with_the_audit_retention(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    assert await purge_audit(services, utcnow()) == 0
    assert await purge_audit(services, utcnow() + timedelta(days=31)) == 1
    assert await entries(client, ADMIN) == []
