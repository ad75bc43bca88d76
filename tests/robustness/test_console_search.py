"""The console's candidate search and timelines read indexed columns the events carry, never the
payloads: a tenant key asking for a subject no event has, or searching, costs index reads, not
the decoding of thousands of stored payloads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from gateway.runtime import Runtime
from gateway.storage.models import Event
from tests.conftest import ADMIN_TOKEN
from tests.console.test_http import sign_in
from tests.delivery.conftest import unique
from tests.gateway.helpers import connect, sign, signed


async def _ingest(client: Any, count: int) -> list[str]:
    await connect(client, "breezy")
    ids = []
    for _ in range(count):
        body = unique(signed("breezy", "candidateAdded")[0])
        response = await client.post(
            "/ingest/breezy/acme", content=body, headers=sign("breezy", body)
        )
        assert response.status_code == 202, response.text
        ids.append(response.json()["event_id"])
    return ids


async def _unreadable_payloads(services: Runtime) -> None:
    """Make every stored payload undecodable (yet holding the id asked for below, so no byte
    filter skips it): a page that decodes one fails."""
    async with services.sessions() as session, session.begin():
        await session.execute(update(Event).values(payload=b'{"id": "missing", '))


async def test_a_timeline_of_a_subject_no_event_has_decodes_nothing(
    client: Any, services: Runtime
) -> None:
    await _ingest(client, 3)
    await _unreadable_payloads(services)
    await sign_in(client, ADMIN_TOKEN)
    page = await client.get("/console/timeline?subject=application/missing")
    assert page.status_code == 200, page.text[:300]
    assert "No recent event is about application/missing" in page.text


async def test_the_candidate_search_reads_indexed_columns(client: Any, services: Runtime) -> None:
    ids = await _ingest(client, 2)
    await _unreadable_payloads(services)
    await sign_in(client, ADMIN_TOKEN)
    for query in ("jos", "JOSÉ", "jose.alvarez@", "Jose.Alvarez@Mail.Example"):
        page = await client.get("/console/timeline", params={"q": query})
        assert page.status_code == 200, page.text[:300]
        assert "José Álvarez" in page.text, query
        assert "jose.alvarez@mail.example" in page.text
        assert "candidate/c_42abcd" in page.text
        assert ids[-1] in page.text  # the last event seen
    page = await client.get("/console/timeline", params={"q": "nobody"})
    assert "No candidate named like that" in page.text


async def test_a_tenant_finds_only_its_own_candidates(client: Any, services: Runtime) -> None:
    from tests.gateway.helpers import tenant_key

    await _ingest(client, 1)
    key = (await tenant_key(services, "globex"))["Authorization"].split()[1]
    await sign_in(client, key)
    page = await client.get("/console/timeline", params={"q": "jos"})
    assert page.status_code == 200
    assert "José Álvarez" not in page.text


async def test_a_broad_prefix_finds_what_its_index_range_finds(
    services: Runtime, monkeypatch: Any
) -> None:
    """Whichever way a prefix is read (its range, the newest events, or the walk then the
    range), the search finds the same newest events."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from gateway.services import stories
    from gateway.services.access import ADMIN

    names = ["old"] * 5 + ["zz"] * 2 + ["ana"] * 8  # oldest first
    async with services.sessions() as session, session.begin():
        await session.execute(
            insert(Event),
            [
                {
                    "id": f"evt_{n:026d}",
                    "tenant": "acme",
                    "provider": "breezy",
                    "connection_id": "con_1",
                    "type": "ats.candidate.created",
                    "source_event_id": f"v{n}",
                    "occurred_at": datetime(2026, 12, 7, tzinfo=UTC),
                    "received_at": datetime(2026, 12, 7, tzinfo=UTC),
                    "receipt_id": f"rcp_{n}",
                    "payload": b"{}",
                    "subject": f"application/a{n % 4}",
                    "candidate_name": f"{name} {n}",
                    "candidate_name_key": f"{name} {n}",
                }
                for n, name in enumerate(names)
            ],
        )
    monkeypatch.setattr(stories, "SEARCH_RANGE", 100)
    expected = {q: await stories.find_candidates(services, ADMIN, q, rows=3) for q in names}
    monkeypatch.setattr(stories, "SEARCH_RANGE", 4)  # "old" and "ana" are broad
    monkeypatch.setattr(stories, "SEARCH_WALK", 6)  # "ana" is in the newest 6, "old" is not
    for q, found in expected.items():
        assert len(found) == (2 if q == "zz" else 3), q
        assert await stories.find_candidates(services, ADMIN, q, rows=3) == found, q
