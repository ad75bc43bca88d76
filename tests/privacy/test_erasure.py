"""Erasure of one person: tombstones, receipts' bytes gone, deliveries cancelled, no trace left
in the SQLite file or the PostgreSQL tables, idempotent, and later events stored as usual."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from gateway.core.people import identifiers
from gateway.runtime import Runtime
from gateway.storage.models import Receipt
from tests.conftest import ADMIN
from tests.gateway.helpers import connect, sign, signed, tenant_key

EMAIL = "jose.alvarez@mail.example"
NAME = "José Álvarez"
PHONE = "+49 30 1234567"
TRACES = [EMAIL.encode(), NAME.encode(), PHONE.encode(), b"c_42abcd"]


def person_body(candidate_id: str, email: str, name: str, nonce: str) -> bytes:
    body, _ = signed("breezy", "candidateAdded")
    payload = json.loads(body)
    payload["_id"] = nonce
    candidate = payload["object"]["candidate"]
    candidate.update(_id=candidate_id, email_address=email, name=name)
    candidate["profile_photo_url"] = f"https://cdn.example/{candidate_id}.jpg"
    if candidate_id != "c_42abcd":
        candidate["phone_number"] = "+1 555 0100"
    return json.dumps(payload, ensure_ascii=False).encode()


async def send(client: Any, body: bytes, status: int = 202) -> dict[str, Any]:
    response = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def remaining_traces(services: Runtime) -> set[bytes]:
    """Which of the person's strings are still anywhere in the database."""
    url = services.settings.database_url
    found: set[bytes] = set()
    if url.startswith("sqlite"):
        path = Path(url.split(":///", 1)[1])
        with sqlite3.connect(path) as conn:  # the erased rows' old pages out of the WAL
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                data = file.read_bytes()
                found |= {t for t in TRACES if t in data}
        return found
    async with services.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            # table names come from the database's own catalogue, not from input
            rows = (await conn.exec_driver_sql(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            for row in rows:
                for value in row:
                    data = (
                        bytes(value)
                        if isinstance(value, bytes | memoryview)
                        else (json.dumps(value, ensure_ascii=False, default=str).encode())
                    )
                    found |= {t for t in TRACES if t in data}
            texts = await conn.exec_driver_sql(
                f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE $1',  # noqa: S608
                (f"%{EMAIL}%",),
            )
            if texts.scalar():
                found.add(EMAIL.encode())
    return found


async def test_erasure_leaves_no_trace_and_is_idempotent(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    sub = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    assert sub.status_code == 201, sub.text
    erased = await send(client, person_body("c_42abcd", EMAIL, NAME, "evt-jose-1"))
    kept = await send(client, person_body("c_77", "mia.berg@mail.example", "Mia Berg", "evt-mia"))
    quarantined = await send(client, f"not json: {EMAIL}".encode())
    assert quarantined["status"] == "quarantined"
    unsigned = person_body("c_42abcd", EMAIL, NAME, "evt-jose-unsigned")
    refused = await client.post(
        "/ingest/breezy/acme", content=unsigned, headers=sign("breezy", unsigned, "wrong-secret")
    )
    assert refused.status_code == 401  # kept encrypted as an unverified receipt
    assert await remaining_traces(services) == set(TRACES)

    response = await client.post(
        "/v1/erasures",
        json={"tenant": "acme", "email": "  Jose.Alvarez@MAIL.example"},
        headers=ADMIN,
    )
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["status"] == "completed"
    assert result["counts"] == {"events": 1, "receipts": 3, "deliveries": 1}
    assert result["identifiers"] == ["email"]
    assert EMAIL not in response.text
    again = await client.get(f"/v1/erasures/{result['id']}", headers=ADMIN)
    assert again.json() == result

    tombstone = (await client.get(f"/v1/events/{erased['event_id']}", headers=ADMIN)).json()
    assert set(tombstone) == {"id", "type", "timestamp", "tenant", "source", "erased_at", "raw"}
    assert tombstone["source"] == {"provider": "breezy"}
    assert tombstone["raw"] is None
    [delivery] = (
        await client.get(f"/v1/events/{erased['event_id']}/deliveries", headers=ADMIN)
    ).json()["data"]
    assert delivery["status"] == "failed"
    other = (await client.get(f"/v1/events/{kept['event_id']}", headers=ADMIN)).json()
    assert other["data"]["application"]["candidate"]["email"] == "mia.berg@mail.example"
    async with services.sessions() as session:
        assert await session.get(Receipt, quarantined["receipt_id"]) is None
        outcomes = (await session.execute(select(Receipt.outcome))).scalars().all()
    assert "unverified" not in outcomes

    assert await remaining_traces(services) == set()

    # the vendor retrying the erased event: a duplicate, whose bytes are not kept
    retry = await send(client, person_body("c_42abcd", EMAIL, NAME, "evt-jose-1"), status=200)
    assert (retry["status"], retry["event_id"]) == ("duplicate", erased["event_id"])
    assert await remaining_traces(services) == set()

    # idempotent: a second request is a new erasure that finds nothing
    second = await client.post(
        "/v1/erasures", json={"tenant": "acme", "candidate_id": "c_42abcd"}, headers=ADMIN
    )
    assert second.json()["counts"] == {"events": 0, "receipts": 0, "deliveries": 0}
    assert second.json()["id"] != result["id"]

    # the same person arriving later is stored as usual
    later = await send(client, person_body("c_42abcd", EMAIL, NAME, "evt-jose-2"))
    stored = (await client.get(f"/v1/events/{later['event_id']}", headers=ADMIN)).json()
    assert stored["data"]["application"]["candidate"]["email"] == EMAIL
    by_id = await client.post(
        "/v1/erasures", json={"tenant": "acme", "candidate_id": "c_42abcd"}, headers=ADMIN
    )
    assert by_id.json()["counts"]["events"] == 1


async def test_erasure_by_subject_and_who_may_ask(client: Any, services: Runtime) -> None:
    await connect(client, "breezy")
    await connect(client, "breezy", tenant="globex")
    event = await send(client, person_body("c_1", "a@b.example", "Ann", "evt-ann"))
    subject = (await client.get(f"/v1/events/{event['event_id']}", headers=ADMIN)).json()["subject"]
    other_tenant = await tenant_key(services, "globex")
    own_tenant = await tenant_key(services, "acme")
    body = {"tenant": "acme", "subject": subject}
    refused = await client.post("/v1/erasures", json=body, headers=other_tenant)
    assert refused.status_code == 404
    done = await client.post("/v1/erasures", json=body, headers=own_tenant)
    assert done.status_code == 201, done.text
    assert done.json()["counts"]["events"] == 1
    assert done.json()["requested_by"] != "admin"
    hidden = await client.get(f"/v1/erasures/{done.json()['id']}", headers=other_tenant)
    assert hidden.status_code == 404
    for bad in ({"tenant": "acme"}, {"email": "x@y.z"}, {"tenant": "acme", "email": ""}):
        response = await client.post("/v1/erasures", json=bad, headers=ADMIN)
        assert response.status_code == 400, response.text


def test_the_records_of_a_completed_data_changed_are_indexed_by_their_ids_and_emails() -> None:
    data = {
        "models": ["hris_employees", "ats_candidates"],
        "record_ids": ["e1", "c1"],
        "employees": [{"id": "e1", "work_email": "Ana@Example.COM"}, {"id": "e2"}],
        "candidates": [{"id": "c1", "emails": [{"type": "personal", "value": "c@example.com"}]}],
    }
    assert set(identifiers(data)) == {
        ("employee_id", "e1"),
        ("employee_id", "e2"),
        ("candidate_id", "c1"),
        ("email", "Ana@Example.COM"),
        ("email", "c@example.com"),
    }


def _recursive_identifiers(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    """The rule as first written, one generator per value: the specification the iterative
    walk in ``gateway.core.people`` must agree with."""
    is_email_key = key in ("email", "emails") or key.endswith("_email")
    id_objects = {"candidate", "employee", "candidates", "employees"}
    id_keys = {"candidate_id", "employee_id", "candidate_ids", "employee_ids"}
    if isinstance(value, dict):
        record_id = value.get("id")
        if key in id_objects and isinstance(record_id, str) and record_id:
            yield ("candidate_id" if key.startswith("candidate") else "employee_id"), record_id
        if is_email_key:
            yield from (("email", v) for v in value.values() if isinstance(v, str) and "@" in v)
        for child_key, child in value.items():
            yield from _recursive_identifiers(child, child_key)
    elif isinstance(value, list):
        for item in value:
            yield from _recursive_identifiers(item, key)
    elif isinstance(value, str) and value:
        if key in id_keys:
            yield ("candidate_id" if key.startswith("candidate") else "employee_id"), value
        elif is_email_key and "@" in value:
            yield "email", value


_KEYS = st.sampled_from(
    ["id", "candidate", "employee", "candidates", "employees", "candidate_id", "employee_ids",
     "email", "emails", "work_email", "value", "name", "application", "data"]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["", "x", "a@b.c", "id-1"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(data=_JSON)
@example(data={"emails": {"candidate_id": "a@b.c", "value": "a@b.c"}, "employee_ids": ["", "x"]})
def test_the_walk_finds_what_the_recursive_rule_finds(data: object) -> None:
    assert set(identifiers(data)) == set(_recursive_identifiers(data))
