"""The queries whose tables grow without end read an index range bounded by their page or batch,
never the table: SQLite's plan for each, on the migrated schema, says SEARCH ... USING INDEX."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.dialects import sqlite

from gateway.core.settings import Settings
from gateway.delivery.queue import claim_queries
from gateway.runtime import Runtime
from gateway.services.access import Principal
from gateway.services.erasure import receipts_erased, subject_events
from gateway.services.events import events_query
from gateway.services.stories import SEARCH_ROWS, search_query, timeline_query
from gateway.storage.models import Event

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ADMIN = Principal("admin", None)
TENANT_KEY = Principal("key_1", "acme")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import asyncio

    path = tmp_path_factory.mktemp("plans") / "plans.db"
    settings = Settings.from_env(
        {"UNIHOOK_DATABASE_URL": f"sqlite+aiosqlite:///{path}", "UNIHOOK_ADMIN_TOKEN": "a" * 32}
    )

    async def migrate() -> None:
        runtime = Runtime.build(settings)
        await runtime.migrate()
        await runtime.close()

    asyncio.run(migrate())
    return path


def plan(database: Path, query: Any) -> str:
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values = [params[name] for name in compiled.positiontup or ()]
    values = [json.dumps(v) if isinstance(v, dict | list) else v for v in values]
    with sqlite3.connect(database) as conn:
        found = conn.execute(f"EXPLAIN QUERY PLAN {compiled}", values)
        return " | ".join(str(row[-1]) for row in found)


def assert_index_range(found: str, table: str, index: str) -> None:
    assert f"SEARCH {table} USING INDEX {index}" in found or (
        f"SEARCH {table} USING COVERING INDEX {index}" in found
    ), found
    assert f"SCAN {table}" not in found, found
    assert "TEMP B-TREE" not in found, found  # a sort would read the whole range first


FILTERS: list[tuple[str, Principal, dict[str, Any], str]] = [
    ("tenant", ADMIN, {"tenant": "acme"}, "ix_events_tenant_id"),
    ("tenant key", TENANT_KEY, {}, "ix_events_tenant_id"),
    ("type", ADMIN, {"type": "ats.candidate.created"}, "ix_events_type_id"),
    ("provider", ADMIN, {"provider": "greenhouse"}, "ix_events_provider_id"),
    ("subject", ADMIN, {"subject": "candidate/42"}, "ix_events_subject"),
    (
        "tenant and type",
        ADMIN,
        {"tenant": "acme", "type": "hris.employee.updated"},
        "ix_events_tenant_type_id",
    ),
    (
        "tenant key and type",
        TENANT_KEY,
        {"type": "hris.employee.updated"},
        "ix_events_tenant_type_id",
    ),
]


@pytest.mark.parametrize(
    ("name", "principal", "filters", "index"), FILTERS, ids=[f[0] for f in FILTERS]
)
def test_each_events_filter_reads_its_index_newest_first(
    database: Path, name: str, principal: Principal, filters: dict[str, Any], index: str
) -> None:
    for cursor in (None, "evt_01KBSZ00000000000000000000"):
        assert_index_range(
            plan(database, events_query(principal, cursor=cursor, **filters).limit(51)),
            "events",
            index,
        )


def test_events_since_reads_the_primary_key_from_since_on(database: Path) -> None:
    query = events_query(ADMIN, start=NOW - timedelta(hours=1)).limit(51)
    found = plan(database, query)
    assert "SEARCH events USING INDEX sqlite_autoindex_events_1 (id>?)" in found, found
    assert "TEMP B-TREE" not in found, found


def test_the_claim_reads_unleased_and_lapsed_deliveries_by_their_own_indexes(
    database: Path,
) -> None:
    lapsed, unleased = claim_queries(now=NOW, limit=1000, exclude=["sub_busy"])
    assert_index_range(plan(database, unleased), "deliveries", "ix_deliveries_claimable")
    assert_index_range(plan(database, lapsed), "deliveries", "ix_deliveries_leased")


def test_an_erasure_finds_a_subjects_events_and_their_receipts_by_index(database: Path) -> None:
    found = plan(database, subject_events("acme", ["candidate/42"], 500))
    assert "SEARCH events USING INDEX ix_events_subject" in found, found
    assert "SCAN events" not in found, found
    assert_index_range(
        plan(database, receipts_erased(["evt_01KBSZ00000000000000000000"])),
        "receipts",
        "ix_receipts_event_id",
    )


def test_a_search_by_id_vendor_id_or_subject_reads_three_indexes(database: Path) -> None:
    found = plan(database, events_query(TENANT_KEY, q="candidate/42").limit(51))
    for index in ("sqlite_autoindex_events_1", "ix_events_source_event_id", "ix_events_subject"):
        assert f"INDEX {index} (" in found, found
    assert "SCAN events" not in found, found


@pytest.mark.parametrize("principal", [ADMIN, TENANT_KEY], ids=["operator", "tenant key"])
@pytest.mark.parametrize(
    ("column", "index"),
    [
        (Event.candidate_name_key, "ix_events_candidate_name"),
        (Event.candidate_email, "ix_events_candidate_email"),
    ],
    ids=["name", "email"],
)
def test_the_candidate_search_is_bounded_however_broad_its_prefix(
    database: Path, principal: Principal, column: Any, index: str
) -> None:
    # the prefix's range in the index's order, stopped at its rows: no sort, no other index
    found = plan(database, search_query(principal, column, "ana", SEARCH_ROWS))
    assert f"SEARCH events USING INDEX {index} (" in found, found
    assert "TEMP B-TREE" not in found, found


@pytest.mark.parametrize(
    "before", [None, "evt_01KBSZ00000000000000000000"], ids=["first", "earlier"]
)
@pytest.mark.parametrize("principal", [ADMIN, TENANT_KEY], ids=["operator", "tenant key"])
def test_a_timeline_page_reads_its_subjects_index_newest_first(
    database: Path, principal: Principal, before: str | None
) -> None:
    found = plan(database, timeline_query(principal, "candidate/42", None, before, 51))
    assert "SEARCH events USING INDEX ix_events_subject (subject=?" in found, found
    assert "TEMP B-TREE" not in found, found
