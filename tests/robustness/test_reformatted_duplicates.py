"""A captured signed request re-sent reformatted is the same event, for vendors whose signature
is checked over a re-serialisation; Bindbee's covers the raw bytes, so its id stays the raw hash.

Each original is signed in its compact form, as HatchBeacon signs (``JSON.stringify``) and as a
Breezy signature over the re-serialisation verifies: every variant below still verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from providers import canonical_event_id, compact_json, sha256_event_id
from tests.gateway.helpers import connect, sign


def variants(body: bytes) -> list[bytes]:
    """The same JSON document written differently (the signature may verify over each)."""
    payload = json.loads(body)
    return [
        json.dumps(payload, indent=2).encode(),
        body + b"\n",
        json.dumps(payload, ensure_ascii=True).encode(),
        json.dumps(payload, ensure_ascii=False).encode(),
        compact_json(payload),
        b"  " + compact_json(payload) + b"\r\n",
        json.dumps(payload, indent="\t", ensure_ascii=True).encode(),
    ]


HATCHBEACON = compact_json(
    {
        "event": "candidate_hired",
        "timestamp": "2025-03-01T10:00:00Z",
        "data": {
            "log": {
                "id": "log_1",
                "action": "hired",
                "resourceId": "cand_7",
                "resourceType": "candidate",
                "userName": "Zoë Ünal",
                "details": {"candidateName": "José Álvarez"},
            }
        },
    }
)
BREEZY_WITHOUT_ID = compact_json(
    {
        "type": "candidateAdded",
        "creation_date": "2025-03-01T10:00:00Z",
        "object": {"candidate": {"_id": "c1", "name": "José Álvarez"}, "position": {"_id": "p1"}},
    }
)


@pytest.mark.parametrize(
    ("provider", "body"), [("hatchbeacon", HATCHBEACON), ("breezy", BREEZY_WITHOUT_ID)]
)
async def test_every_reformatted_copy_is_a_duplicate_of_the_first(
    client: Any, provider: str, body: bytes
) -> None:
    await connect(client, provider)
    url = f"/ingest/{provider}/acme"
    first = await client.post(url, content=body, headers=sign(provider, body))
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "accepted"
    for variant in variants(body):
        again = await client.post(url, content=variant, headers=sign(provider, body))
        assert again.status_code == 200, (variant, again.text)
        assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}


def test_the_canonical_id_is_the_hash_of_the_compact_form() -> None:
    import hashlib

    payload = json.loads(HATCHBEACON)
    expected = "sha256:" + hashlib.sha256(compact_json(payload)).hexdigest()
    assert canonical_event_id(HATCHBEACON) == expected
    assert all(canonical_event_id(v) == expected for v in variants(HATCHBEACON))
    assert canonical_event_id(b"not json") == sha256_event_id(b"not json")


async def test_bindbee_keeps_the_hash_of_the_raw_bytes(client: Any) -> None:
    from providers.registry import default_registry

    await connect(client, "bindbee")
    body = default_registry().get("bindbee").sample_events()["connector_synced"]
    first = await client.post("/ingest/bindbee/acme", content=body, headers=sign("bindbee", body))
    assert first.status_code == 202
    event = (await client.get(f"/v1/events/{first.json()['event_id']}", headers=_admin())).json()
    assert event["source"]["event_id"] == sha256_event_id(body)
    reformatted = json.dumps(json.loads(body), indent=2).encode()
    again = await client.post(
        "/ingest/bindbee/acme", content=reformatted, headers=sign("bindbee", reformatted)
    )
    assert again.status_code == 202  # a different signed body: Bindbee signs the bytes
    assert again.json()["status"] == "accepted"


def _admin() -> dict[str, str]:
    from tests.conftest import ADMIN

    return ADMIN
