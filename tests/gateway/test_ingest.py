"""Ingest: every documented outcome (docs/api.md), and hostile input, on every database driver."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import msgspec
import pytest
from sqlalchemy import select

from gateway.runtime import Runtime
from gateway.storage.models import Event, Receipt
from tests.conftest import ADMIN
from tests.gateway.helpers import SECRETS, connect, count, sign, signed


@pytest.mark.parametrize(
    ("provider", "vendor_type", "canonical"),
    [
        ("breezy", "candidateStatusUpdated", "ats.application.stage_changed"),
        ("hatchbeacon", "offer_accepted", "ats.offer.accepted"),
        ("bindbee", "employee_data_changed", "hris.employee.changed"),
    ],
)
async def test_accepted_event_is_committed_and_normalised(
    client: Any, services: Runtime, provider: str, vendor_type: str, canonical: str
) -> None:
    con = await connect(client, provider)
    body, headers = signed(provider, vendor_type)
    response = await client.post(f"/ingest/{provider}/acme", content=body, headers=headers)
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"
    event_id = response.json()["event_id"]
    assert event_id.startswith("evt_")
    got = (await client.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    assert got["type"] == canonical
    assert got["tenant"] == "acme"
    assert got["source"]["provider"] == provider
    assert got["source"]["connection_id"] == con["id"]
    assert got["source"]["event_type"] == vendor_type
    assert got["raw"] == json.loads(body)
    async with services.sessions() as session:
        receipt = (await session.execute(select(Receipt))).scalar_one()
    assert receipt.body == body  # exact raw bytes kept
    assert receipt.outcome == "accepted"


async def test_duplicate_returns_first_event_id(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    first = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    again = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    assert await count(services, Event) == 1
    assert await count(services, Receipt) == 2  # every verified request is kept


async def test_duplicate_by_vendor_id_even_when_bytes_differ(
    client: Any, services: Runtime
) -> None:
    """Breezy retries carry the same ``_id``; a pretty-printed retry is the same event."""
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False).encode()
    first = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    again = await client.post("/ingest/breezy/acme", content=pretty, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json()["event_id"] == first.json()["event_id"]


async def test_racing_duplicates_make_exactly_one_event(client: Any, services: Runtime) -> None:
    await connect(client, "hatchbeacon")
    body, headers = signed("hatchbeacon", "candidate_hired")
    responses = await asyncio.gather(
        *[client.post("/ingest/hatchbeacon/acme", content=body, headers=headers) for _ in range(25)]
    )
    codes = sorted(r.status_code for r in responses)
    assert codes.count(202) == 1
    assert codes.count(200) == 24
    assert len({r.json()["event_id"] for r in responses}) == 1
    assert await count(services, Event) == 1


async def test_concurrent_distinct_events_all_commit(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    adapter_body = json.loads(signed("breezy", "candidateAdded")[0])
    bodies = []
    for i in range(60):
        adapter_body["_id"] = f"evt-{i}"
        bodies.append(json.dumps(adapter_body).encode())
    responses = await asyncio.gather(
        *[client.post("/ingest/breezy/acme", content=b, headers=sign("breezy", b)) for b in bodies]
    )
    assert all(r.status_code == 202 for r in responses)
    assert len({r.json()["event_id"] for r in responses}) == 60
    assert await count(services, Event) == 60


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "invalid payload"),
        (b"[1, 2, 3]", "invalid payload"),
        (b'"just a string"', "invalid payload"),
        (b"", "invalid payload"),
        (b"\xff\xfe\x00garbage", "invalid payload"),
        (b'{"_id": "x", "type": 42, "object": {}}', "invalid payload"),
    ],
)
async def test_signed_but_unusable_body_is_quarantined_with_bytes_kept(
    client: Any, services: Runtime, body: bytes, reason: str
) -> None:
    await connect(client, "breezy")
    response = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert response.status_code == 202
    assert response.json()["status"] == "quarantined"
    receipt_id = response.json()["receipt_id"]
    async with services.sessions() as session:
        receipt = await session.get(Receipt, receipt_id)
    assert receipt is not None
    assert receipt.body == body
    assert receipt.outcome == "quarantined"
    assert reason in (receipt.error or "")
    assert await count(services, Event) == 0


async def test_unknown_vendor_type_is_stored_as_unmapped(client: Any) -> None:
    await connect(client, "breezy")
    body = (
        b'{"_id":"n1","type":"candidateTeleported","object":{"where":"Mars"},'
        b'"creation_date":"2025-02-01T00:00:00Z"}'
    )
    response = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert response.status_code == 202
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["type"] == "unmapped"
    assert got["completeness"] == "raw"
    assert got["source"]["event_type"] == "candidateTeleported"


async def test_wrong_content_type_is_judged_by_signature_and_body(client: Any) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    headers["content-type"] = "text/plain"
    response = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    assert response.status_code == 202
    assert response.json()["status"] == "accepted"


@pytest.mark.parametrize(
    "case", ["unsigned", "empty-header", "tampered", "wrong-secret", "garbage"]
)
async def test_bad_signatures_are_401_and_store_no_event(
    client: Any, services: Runtime, case: str
) -> None:
    await connect(client, "bindbee")
    body, headers = signed("bindbee", "connector_synced")
    header = "x-bindbee-webhook-signature"
    if case == "unsigned":
        del headers[header]
    elif case == "empty-header":
        headers[header] = ""
    elif case == "tampered":
        body = body.replace(b"BreatheHR", b"BreatheHX")
    elif case == "wrong-secret":
        headers = sign("bindbee", body, "not-the-secret")
    else:
        headers[header] = "!!!not a signature!!!"
    response = await client.post("/ingest/bindbee/acme", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "invalid signature"}
    # kept only as an unverified receipt, to re-verify after a secret change
    async with services.sessions() as session:
        outcomes = list((await session.execute(select(Receipt.outcome))).scalars())
    assert outcomes == ["unverified"]
    assert await count(services, Event) == 0


async def test_unknown_provider_and_unknown_tenant_are_404(client: Any) -> None:
    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    assert (
        await client.post("/ingest/nosuchvendor/acme", content=body, headers=headers)
    ).status_code == 404
    assert (
        await client.post("/ingest/breezy/other", content=body, headers=headers)
    ).status_code == 404
    assert (
        await client.post("/ingest/hatchbeacon/acme", content=body, headers=headers)
    ).status_code == 404
    assert (await client.post("/ingest/nobody", content=body, headers=headers)).status_code == 404


async def test_oversized_body_is_413_before_anything_is_stored(
    services: Runtime, settings: Any
) -> None:
    from dataclasses import replace

    from litestar.testing import AsyncTestClient

    from gateway.http.app import create_app

    services.settings = replace(settings, max_body_bytes=2048)
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as client:
        await connect(client, "breezy")
        big = b'{"_id":"big","type":"candidateAdded","object":{"pad":"' + b"x" * 4096 + b'"}}'
        response = await client.post(
            "/ingest/breezy/acme", content=big, headers=sign("breezy", big)
        )
        assert response.status_code == 413

        small, headers = signed("breezy", "candidateAdded")
        assert len(small) < 2048
        assert (
            await client.post("/ingest/breezy/acme", content=small, headers=headers)
        ).status_code == 202
    assert await count(services, Receipt) == 1


async def test_rotated_secret_verifies_until_it_expires(client: Any) -> None:
    con = await connect(client, "hatchbeacon")
    old = SECRETS["hatchbeacon"]
    rotate = await client.post(
        f"/v1/connections/{con['id']}/secrets",
        json={"secret": "hb-new-secret", "previous_expires_in": 3600},
        headers=ADMIN,
    )
    assert rotate.status_code == 200
    assert len(rotate.json()["secrets"]) == 2
    for i, secret in enumerate([old, "hb-new-secret"]):
        body = json.dumps(
            {"event": "job_created", "timestamp": f"2025-01-0{i + 1}T00:00:00Z", "data": {}}
        ).encode()
        response = await client.post(
            "/ingest/hatchbeacon/acme", content=body, headers=sign("hatchbeacon", body, secret)
        )
        assert response.status_code == 202, secret
    # expire the old one now
    await client.post(
        f"/v1/connections/{con['id']}/secrets",
        json={"secret": "hb-newest", "previous_expires_in": 0},
        headers=ADMIN,
    )
    await asyncio.sleep(0.01)
    body = b'{"event":"job_updated","timestamp":"2025-02-01T00:00:00Z","data":{}}'
    expired = await client.post(
        "/ingest/hatchbeacon/acme", content=body, headers=sign("hatchbeacon", body, old)
    )
    assert expired.status_code == 401
    fresh = await client.post(
        "/ingest/hatchbeacon/acme", content=body, headers=sign("hatchbeacon", body, "hb-newest")
    )
    assert fresh.status_code == 202


async def test_unverified_legacy_connection_marks_events(client: Any) -> None:
    response = await client.post(
        "/v1/connections",
        json={"provider": "breezy", "tenant": "legacy", "verify": False},
        headers=ADMIN,
    )
    assert response.status_code == 201
    body = signed("breezy", "companyPositionAdded")[0]
    ingest = await client.post("/ingest/breezy/legacy", content=body)
    assert ingest.status_code == 202
    got = (await client.get(f"/v1/events/{ingest.json()['event_id']}", headers=ADMIN)).json()
    assert got["source"]["verified"] is False


@pytest.mark.parametrize("tenant", ["münchen-straße", "東京", "acme corp"])
async def test_non_ascii_tenants(client: Any, tenant: str) -> None:
    from urllib.parse import quote

    con = await connect(client, "breezy", tenant=tenant)
    assert con["ingest_url"].endswith(quote(tenant, safe=""))
    body, headers = signed("breezy", "candidateDeleted")
    response = await client.post(
        f"/ingest/breezy/{quote(tenant, safe='')}", content=body, headers=headers
    )
    assert response.status_code == 202
    got = (await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)).json()
    assert got["tenant"] == tenant


@pytest.mark.parametrize("tenant", ["../etc", "a/b", "..", "a\\b", "tab\there", ""])
async def test_path_traversal_and_control_characters_in_tenant_are_refused(
    client: Any, tenant: str
) -> None:
    response = await client.post(
        "/v1/connections",
        json={"provider": "breezy", "tenant": tenant, "secret": "s"},
        headers=ADMIN,
    )
    assert response.status_code == 400
    body, headers = signed("breezy", "candidateAdded")
    assert (
        await client.post("/ingest/breezy/..%2Fetc", content=body, headers=headers)
    ).status_code == 404


class TestSingleIngestUrl:
    async def test_each_vendor_is_told_by_its_headers(self, client: Any) -> None:
        for provider, vendor_type in [
            ("breezy", "companyNotePosted"),
            ("hatchbeacon", "webhook.test"),
            ("bindbee", "connector_sync_started"),
        ]:
            await connect(client, provider)
            body, headers = signed(provider, vendor_type)
            response = await client.post("/ingest/acme", content=body, headers=headers)
            assert response.status_code == 202, (provider, response.text)
            got = (
                await client.get(f"/v1/events/{response.json()['event_id']}", headers=ADMIN)
            ).json()
            assert got["source"]["provider"] == provider

    async def test_no_signature_header_is_400(self, client: Any) -> None:
        await connect(client, "breezy")
        response = await client.post(
            "/ingest/acme", content=b'{"a":1}', headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert "provider" in response.json()["detail"]

    async def test_bad_signature_is_401(self, client: Any) -> None:
        await connect(client, "breezy")
        body, headers = signed("breezy", "candidateAdded", "wrong")
        assert (await client.post("/ingest/acme", content=body, headers=headers)).status_code == 401


async def test_canonical_event_decodes_with_the_tagged_union(client: Any) -> None:
    from schemas import EVENT_DECODER

    await connect(client, "breezy")
    body, headers = signed("breezy", "companyPositionStateUpdated")
    response = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    listed = await client.get("/v1/events", headers=ADMIN)
    event = EVENT_DECODER.decode(msgspec.json.encode(listed.json()["data"][0]))
    assert event.id == response.json()["event_id"]
    assert event.data.job.status == "closed"
    assert event.data.previous_status == "open"


def test_duplicate_lookup_uses_the_unique_index_on_sqlite(tmp_path: Any) -> None:
    """The group commit's duplicate check must not scan the events table (it grows forever)."""
    from sqlalchemy import create_engine

    from gateway.ingest.commit import EXISTING_EVENTS
    from gateway.storage.models import Base

    engine = create_engine(f"sqlite:///{tmp_path}/plan.db")
    Base.metadata.create_all(engine)
    query = EXISTING_EVENTS.params(connection_id="con_a", source_event_ids=["e1", "e2"])
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    engine.dispose()
    assert "SCAN events" not in plan, plan
    assert "USING INDEX" in plan, plan


async def test_the_same_quarantined_body_again_is_one_receipt(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy")
    await connect(client, "breezy", tenant="globex")
    body = b"{not json" + b" " * 100_000
    answers = await asyncio.gather(
        *[
            client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
            for _ in range(5)
        ]
    )
    assert [a.status_code for a in answers] == [202] * 5
    assert {a.json()["status"] for a in answers} == {"quarantined"}
    again = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert {a.json()["receipt_id"] for a in [*answers, again]} == {answers[0].json()["receipt_id"]}
    other = await client.post("/ingest/breezy/globex", content=body, headers=sign("breezy", body))
    assert other.json()["receipt_id"] != answers[0].json()["receipt_id"]  # per connection
    async with services.sessions() as session:
        rows = (
            await session.execute(select(Receipt.tenant).where(Receipt.outcome == "quarantined"))
        ).all()
    assert sorted(r.tenant for r in rows) == ["acme", "globex"]
