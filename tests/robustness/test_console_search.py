"""The console's candidate search and timelines read indexed columns the events carry, never the
payloads: a tenant key asking for a subject no event has, or searching, costs index reads, not
the decoding of thousands of stored payloads."""

from __future__ import annotations

import json
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


async def _stored(services: Runtime, names: list[str], subjects: int = 4) -> None:
    """Events named ``names``, oldest first, straight into the table."""
    from datetime import UTC, datetime

    from sqlalchemy import insert

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
                    "payload": json.dumps(
                        {
                            "id": f"evt_{n:026d}",
                            "type": "ats.candidate.created",
                            "timestamp": "2026-12-07T00:00:00Z",
                            "tenant": "acme",
                            "source": {"provider": "breezy", "received_at": "2026-12-07T00:00:00Z"},
                            "data": {},
                        }
                    ).encode(),
                    "subject": f"application/a{n % subjects}",
                    "candidate_name": name,
                    "candidate_name_key": name.casefold(),
                }
                for n, name in enumerate(names)
            ],
        )


async def test_a_broad_prefix_reads_its_first_rows_and_says_there_are_more(
    services: Runtime,
) -> None:
    """However common a prefix, a search reads the first ``rows`` events of its range in name
    order, says more matched, and a longer prefix finds what that read did not reach."""
    from gateway.services import stories
    from gateway.services.access import ADMIN

    names = ["Ana Zed"] * 3 + ["Ana Bo"] * 4 + ["Anabel"] * 2 + ["Old"] * 2
    await _stored(services, names)
    broad = await stories.find_candidates(services, ADMIN, "ana", rows=5)
    assert broad.more
    assert [f.name for f in broad.found] == ["Ana Bo", "Ana Zed"]  # name order, not storage
    assert sum(broad.found[0].subjects.values()) == 4  # each of Ana Bo's events counted
    assert broad.found[1].last_event.id == f"evt_{0:026d}"  # the newest of those read
    narrow = await stories.find_candidates(services, ADMIN, "ana z", rows=5)
    assert not narrow.more
    assert [f.name for f in narrow.found] == ["Ana Zed"]
    assert narrow.found[0].last_event.id == f"evt_{2:026d}"
    assert sum(narrow.found[0].subjects.values()) == 3
    exactly = await stories.find_candidates(services, ADMIN, "ana b", rows=4)
    assert [f.name for f in exactly.found] == ["Ana Bo"]
    assert not exactly.more  # four match, four are read: nothing more to find
    rest = await stories.find_candidates(services, ADMIN, "anab", rows=5)
    assert [f.name for f in rest.found] == ["Anabel"]
    assert not rest.more


async def test_a_prefix_with_like_wildcards_or_the_escape_character_is_taken_as_typed(
    services: Runtime,
) -> None:
    """``_``, ``%`` and ``/`` (the escape character) in a search are characters of the name, not
    patterns: each prefix finds the one name that starts with it, and only that."""
    from gateway.services import stories
    from gateway.services.access import ADMIN

    await _stored(services, ["ana_lima", "anaxlima", "100%_sure", "1000 sure", "a/b c", "ab c"])
    for prefix, name in [("ana_", "ana_lima"), ("100%", "100%_sure"), ("a/b", "a/b c")]:
        found = await stories.find_candidates(services, ADMIN, prefix)
        assert [f.name for f in found.found] == [name], prefix


async def test_a_timeline_pages_through_every_event_of_its_subject(
    client: Any, services: Runtime
) -> None:
    """Page after page (newest first by reception, each shown in the order things happened),
    every event about the subject is shown exactly once, and the console links the pages."""
    from gateway.services import stories
    from gateway.services.access import ADMIN

    count = stories.TIMELINE_PAGE + 13
    await _stored(services, ["Ana"] * count, subjects=1)
    shown: list[str] = []
    before = None
    for _ in range(count):
        page = await stories.timeline(services, ADMIN, "application/a0", before=before, limit=10)
        ids = [entry.event["id"] for entry in page.by_tenant.get("acme", [])]
        shown += ids
        before = page.earlier
        if before is None:
            break
        assert before == min(ids)
    assert len(shown) == count
    assert set(shown) == {f"evt_{n:026d}" for n in range(count)}
    assert shown[:10] == [f"evt_{n:026d}" for n in range(count - 10, count)]  # newest first
    await sign_in(client, ADMIN_TOKEN)
    first = await client.get("/console/timeline", params={"subject": "application/a0"})
    assert first.status_code == 200, first.text[:300]
    assert (
        first.text.count('<li><div><strong><a href="/console/events/evt_') == stories.TIMELINE_PAGE
    )
    assert "before=evt_" + f"{13:026d}" in first.text  # the oldest event the page shows
    params = {"subject": "application/a0", "before": f"evt_{13:026d}"}
    last = await client.get("/console/timeline", params=params)
    assert last.text.count('<li><div><strong><a href="/console/events/evt_') == 13
    assert "Earlier events →" not in last.text
