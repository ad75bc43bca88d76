"""Management API: keys, tenant isolation, secrets never shown twice, events listing, catalogue."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from gateway.core.crypto import hash_key
from gateway.runtime import Runtime
from gateway.storage.models import ApiKey, Event
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, sign, signed, tenant_key


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
async def test_missing_or_wrong_key_is_401(client: Any, headers: dict[str, str]) -> None:
    for path in ["/v1/connections", "/v1/events", "/v1/event-types", "/v1/providers"]:
        response = await client.get(path, headers=headers)
        assert response.status_code == 401, path
        assert response.json()["status_code"] == 401


async def test_keys_created_by_cli_shape_are_stored_hashed(client: Any, services: Runtime) -> None:
    headers = await tenant_key(services, None)
    assert (await client.get("/v1/connections", headers=headers)).status_code == 200
    async with services.sessions() as session:
        stored = (await session.execute(select(ApiKey.key_hash))).scalars().all()
    token = headers["Authorization"].split()[1]
    assert token not in stored
    assert hash_key(token) in stored


class TestTenantIsolation:
    async def test_tenant_key_sees_only_its_tenant(self, client: Any, services: Runtime) -> None:
        mine = await connect(client, "breezy", tenant="acme")
        theirs = await connect(client, "breezy", tenant="globex")
        body, headers = signed("breezy", "candidateAdded")
        own_event = (await client.post("/ingest/breezy/acme", content=body, headers=headers)).json()
        other_event = (
            await client.post("/ingest/breezy/globex", content=body, headers=headers)
        ).json()
        acme = await tenant_key(services, "acme")

        listed = (await client.get("/v1/connections", headers=acme)).json()["data"]
        assert [c["id"] for c in listed] == [mine["id"]]
        assert (await client.get(f"/v1/connections/{mine['id']}", headers=acme)).status_code == 200
        assert (
            await client.get(f"/v1/connections/{theirs['id']}", headers=acme)
        ).status_code == 404
        assert (
            await client.delete(f"/v1/connections/{theirs['id']}", headers=acme)
        ).status_code == 404
        rotate = await client.post(
            f"/v1/connections/{theirs['id']}/secrets", json={"secret": "x"}, headers=acme
        )
        assert rotate.status_code == 404

        events = (await client.get("/v1/events", headers=acme)).json()["data"]
        assert [e["id"] for e in events] == [own_event["event_id"]]
        filtered = (await client.get("/v1/events?tenant=globex", headers=acme)).json()["data"]
        assert filtered == []
        assert (
            await client.get(f"/v1/events/{other_event['event_id']}", headers=acme)
        ).status_code == 404
        assert (
            await client.get(f"/v1/events/{own_event['event_id']}", headers=acme)
        ).status_code == 200

    async def test_tenant_key_cannot_create_for_another_tenant(
        self, client: Any, services: Runtime
    ) -> None:
        acme = await tenant_key(services, "acme")
        body = {"provider": "breezy", "tenant": "globex", "secret": "s"}
        assert (await client.post("/v1/connections", json=body, headers=acme)).status_code == 404
        body["tenant"] = "acme"
        assert (await client.post("/v1/connections", json=body, headers=acme)).status_code == 201


class TestConnections:
    async def test_create_shape_and_conflict(self, client: Any) -> None:
        con = await connect(client, "breezy")
        assert set(con) >= {
            "id",
            "provider",
            "tenant",
            "verify",
            "secret_prefix",
            "ingest_url",
            "created_at",
        }
        assert con["id"].startswith("con_")
        assert con["secret_prefix"] == "whsec_"
        assert con["ingest_url"] == "http://testserver.local/ingest/breezy/acme"
        again = await client.post(
            "/v1/connections",
            json={"provider": "breezy", "tenant": "acme", "secret": "x"},
            headers=ADMIN,
        )
        assert again.status_code == 409

    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            ({"provider": "workday", "tenant": "acme", "secret": "s"}, "unknown provider"),
            ({"provider": "breezy", "tenant": "acme"}, "secret is required"),
            ({"provider": "breezy"}, "tenant"),
            ({"provider": "breezy", "tenant": "acme", "secret": "s", "colour": "red"}, "colour"),
            ({"provider": 7, "tenant": "acme", "secret": "s"}, "provider"),
        ],
    )
    async def test_invalid_bodies_are_400(
        self, client: Any, body: dict[str, Any], fragment: str
    ) -> None:
        response = await client.post("/v1/connections", json=body, headers=ADMIN)
        assert response.status_code == 400
        assert fragment in json.dumps(response.json())

    @pytest.mark.parametrize("raw", [b"{not json", b"[]", b"", b'"x"'])
    async def test_malformed_json_is_400(self, client: Any, raw: bytes) -> None:
        headers = {**ADMIN, "content-type": "application/json"}
        response = await client.post("/v1/connections", content=raw, headers=headers)
        assert response.status_code == 400

    async def test_delete_then_ingest_is_404(self, client: Any) -> None:
        con = await connect(client, "bindbee")
        assert (await client.delete(f"/v1/connections/{con['id']}", headers=ADMIN)).json() == {
            "success": True
        }
        assert (await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).status_code == 404
        body, headers = signed("bindbee", "connector_synced")
        assert (
            await client.post("/ingest/bindbee/acme", content=body, headers=headers)
        ).status_code == 404

    async def test_list_pages_with_cursor(self, client: Any) -> None:
        ids = [(await connect(client, "breezy", tenant=f"t{i}"))["id"] for i in range(5)]
        seen: list[str] = []
        cursor = None
        while True:
            url = "/v1/connections?limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = (await client.get(url, headers=ADMIN)).json()
            seen += [c["id"] for c in page["data"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids


async def test_no_secret_in_responses_logs_or_database_file(
    client: Any, services: Runtime, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "whsec_SUPER-secret-value-4242"
    created = await client.post(
        "/v1/connections",
        json={"provider": "breezy", "tenant": "acme", "secret": secret},
        headers=ADMIN,
    )
    con = created.json()
    texts = [created.text]
    texts.append((await client.get(f"/v1/connections/{con['id']}", headers=ADMIN)).text)
    texts.append((await client.get("/v1/connections", headers=ADMIN)).text)
    rotated = await client.post(
        f"/v1/connections/{con['id']}/secrets", json={"secret": secret + "-next"}, headers=ADMIN
    )
    texts.append(rotated.text)
    body, headers = signed("breezy", "candidateAdded", secret)
    ok = await client.post("/ingest/breezy/acme", content=body, headers=headers)
    assert ok.status_code == 202
    texts.append((await client.get(f"/v1/events/{ok.json()['event_id']}", headers=ADMIN)).text)
    texts.append((await client.get("/v1/providers", headers=ADMIN)).text)
    for text in texts:
        assert secret not in text
    assert secret not in caplog.text
    if settings.is_sqlite:
        await services.engine.dispose()  # flush WAL into the file
        path = Path(settings.sqlite_path())
        blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
        assert b"SUPER-secret" not in blob
        assert b"uh_" not in blob or ADMIN["Authorization"].split()[1].encode() not in blob


class TestEvents:
    async def test_filters_and_cursor(self, client: Any) -> None:
        await connect(client, "breezy")
        await connect(client, "hatchbeacon")
        sent = []
        for provider, vendor_type in [
            ("breezy", "candidateAdded"),
            ("breezy", "companyPositionAdded"),
            ("hatchbeacon", "job_created"),
            ("hatchbeacon", "offer_sent"),
        ]:
            body, headers = signed(provider, vendor_type)
            sent.append(
                (
                    await client.post(f"/ingest/{provider}/acme", content=body, headers=headers)
                ).json()["event_id"]
            )
        everything = (await client.get("/v1/events", headers=ADMIN)).json()
        assert [e["id"] for e in everything["data"]] == list(reversed(sent))  # newest first
        assert everything["next_cursor"] is None
        jobs = (await client.get("/v1/events?type=ats.job.created", headers=ADMIN)).json()["data"]
        assert {e["source"]["provider"] for e in jobs} == {"breezy", "hatchbeacon"}
        ats_job = (await client.get("/v1/events?type=ats.job.*", headers=ADMIN)).json()["data"]
        assert len(ats_job) == 2
        hb = (await client.get("/v1/events?provider=hatchbeacon", headers=ADMIN)).json()["data"]
        assert [e["id"] for e in hb] == [sent[3], sent[2]]
        first = (await client.get("/v1/events?limit=3", headers=ADMIN)).json()
        assert len(first["data"]) == 3
        rest = (
            await client.get(f"/v1/events?limit=3&cursor={first['next_cursor']}", headers=ADMIN)
        ).json()
        assert [e["id"] for e in rest["data"]] == [sent[0]]
        assert rest["next_cursor"] is None
        future = (await client.get("/v1/events?since=2999-01-01T00:00:00Z", headers=ADMIN)).json()
        assert future["data"] == []
        past = (await client.get("/v1/events?until=2000-01-01T00:00:00Z", headers=ADMIN)).json()
        assert past["data"] == []
        assert len((await client.get("/v1/events?since=0", headers=ADMIN)).json()["data"]) == 4

    async def test_subject_is_stored_shown_and_filterable(
        self, client: Any, services: Runtime
    ) -> None:
        await connect(client, "breezy")
        ids = {}
        for vendor_type in ["candidateAdded", "companyPositionAdded", "candidateStatusUpdated"]:
            body, headers = signed("breezy", vendor_type)
            answer = await client.post("/ingest/breezy/acme", content=body, headers=headers)
            ids[vendor_type] = answer.json()["event_id"]
        shown = (await client.get(f"/v1/events/{ids['candidateAdded']}", headers=ADMIN)).json()
        subject = shown["subject"]
        # Breezy gives an application no id of its own: its candidate (one per position) names it
        assert subject == f"candidate/{shown['data']['application']['candidate']['id']}"
        async with services.sessions() as session:
            stored = dict((await session.execute(select(Event.id, Event.subject))).all())
        assert stored[ids["candidateAdded"]] == subject
        job = (await client.get(f"/v1/events/{ids['companyPositionAdded']}", headers=ADMIN)).json()
        assert job["subject"] == f"job/{job['data']['job']['id']}" == stored[job["id"]]
        same = (await client.get(f"/v1/events?subject={subject}", headers=ADMIN)).json()["data"]
        expected = [i for i in reversed(list(ids.values())) if stored[i] == subject]
        assert expected
        assert [e["id"] for e in same] == expected
        none = (await client.get("/v1/events?subject=job/nope", headers=ADMIN)).json()["data"]
        assert none == []

    @pytest.mark.parametrize(
        "query", ["since=yesterday", "until=2025-13-45", "limit=0", "limit=abc"]
    )
    async def test_bad_query_is_400(self, client: Any, query: str) -> None:
        assert (await client.get(f"/v1/events?{query}", headers=ADMIN)).status_code == 400

    async def test_unknown_event_is_404(self, client: Any) -> None:
        assert (await client.get("/v1/events/evt_nope", headers=ADMIN)).status_code == 404


async def test_catalogue_routes(client: Any) -> None:
    types = (await client.get("/v1/event-types", headers=ADMIN)).json()["data"]
    by_name = {t["name"]: t for t in types}
    stage_changed = by_name["ats.application.stage_changed"]["providers"]
    assert {"breezy", "hatchbeacon", "workable"} <= set(stage_changed)
    assert "bindbee" not in stage_changed
    assert stage_changed == sorted(stage_changed)
    assert {"bindbee", "kombo"} <= set(by_name["connection.sync.failed"]["providers"])
    assert (
        "$defs" in by_name["ats.job.created"]["schema"]
        or "properties" in by_name["ats.job.created"]["schema"]
    )
    providers = (await client.get("/v1/providers", headers=ADMIN)).json()["data"]
    breezy = next(p for p in providers if p["name"] == "breezy")
    assert breezy["event_types"]["candidateStatusUpdated"] == "ats.application.stage_changed"
    assert breezy["distribution"] == "unihook"


async def test_operations_routes(client: Any) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready"}
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "unihook_ingest_requests_total" in metrics.text
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/ingest/{provider}/{tenant}" in schema["paths"]
    assert "/v1/connections" in schema["paths"]


async def test_reprocess_turns_quarantined_receipts_into_events(
    client: Any, services: Runtime
) -> None:
    from gateway.ingest.reprocess import reprocess

    await connect(client, "hatchbeacon")
    # signed, but data.log is a string: HatchBeacon's adapter cannot normalise it
    body = b'{"event":"candidate_hired","timestamp":"2025-03-01T00:00:00Z","data":{"log":"oops"}}'
    first = await client.post(
        "/ingest/hatchbeacon/acme", content=body, headers=sign("hatchbeacon", body)
    )
    assert first.json()["status"] == "quarantined"
    still = await reprocess(services)
    assert (still.accepted, still.still_quarantined) == (0, 1)

    # "fix the adapter": a registry whose hatchbeacon adapter tolerates the shape
    from providers.hatchbeacon import HatchBeaconAdapter
    from providers.registry import LoadedAdapter, Registry
    from schemas import Normalized
    from schemas.events import CandidateData
    from schemas.resources import Candidate

    class Fixed(HatchBeaconAdapter):
        def normalize(self, raw_body: bytes, *, received_at: Any) -> Normalized:
            return Normalized(
                type="ats.candidate.hired",
                timestamp="2025-03-01T00:00:00Z",
                event_id="sha256:fixed",
                event_type="candidate_hired",
                completeness="partial",
                data=CandidateData(candidate=Candidate(name="Fixed")),
            )

    original = services.registry
    services.registry = Registry([LoadedAdapter(Fixed(), "unihook", "test", "fixed")])
    try:
        report = await reprocess(services)
    finally:
        services.registry = original
    assert report.accepted == 1
    events = (await client.get("/v1/events", headers=ADMIN)).json()["data"]
    assert [e["type"] for e in events] == ["ats.candidate.hired"]
    again = await reprocess(services)
    assert again.accepted == 0
    assert again.still_quarantined == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/connections"),
        ("POST", "/v1/connections/con_x/secrets"),
        ("POST", "/v1/subscriptions"),
        ("PUT", "/v1/subscriptions/sub_x"),
        ("POST", "/v1/subscriptions/sub_x/replay"),
        ("POST", "/v1/events/evt_x/redeliver"),
    ],
)
async def test_deeply_nested_json_is_a_400_not_a_500(client: Any, method: str, path: str) -> None:
    body = b"[" * 20_000 + b"]" * 20_000
    headers = {**ADMIN, "content-type": "application/json"}
    response = await client.request(method, path, content=body, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"status_code": 400, "detail": "request body is nested too deeply"}


async def test_a_process_with_another_secret_key_refuses_to_start(
    client: Any, settings: Any
) -> None:
    from dataclasses import replace

    from cryptography.fernet import Fernet
    from sqlalchemy.pool import NullPool

    from gateway.core.crypto import SecretKeyMismatch

    await connect(client, "breezy", "acme")
    other = Fernet.generate_key().decode()

    async def start(secret_key: str) -> None:
        services = Runtime.build(replace(settings, secret_key=secret_key), poolclass=NullPool)
        try:
            await services.migrate()
        finally:
            await services.close()

    with pytest.raises(SecretKeyMismatch, match="UNIHOOK_SECRET_KEY cannot decrypt"):
        await start(other)
    await start(settings.secret_key)  # the same key starts
    await start(f"{other},{settings.secret_key}")  # a rotation list holding the key starts
