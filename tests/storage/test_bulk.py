"""The ingest path's many-row INSERTs store exactly what SQLAlchemy Core's ``insert`` stores, on
every driver: same columns, same text for times and JSON, same defaults for missing keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from gateway.storage import create_schema, make_engine
from gateway.storage.bulk import BulkInsert, bulk_insert
from gateway.storage.models import Delivery, Event, Receipt, Subscription, UTCDateTime

NOW = datetime(2026, 11, 23, 14, 5, 6, 789012, tzinfo=UTC)
PARIS = timezone(timedelta(hours=1))
SUBSCRIPTION = {
    "id": "sub_1",
    "owner": "admin",
    "url": "https://example.com/hook",
    "events": ["*"],
    "created_at": NOW,
    "updated_at": NOW,
}


def _rows() -> dict[Any, list[dict[str, Any]]]:
    receipt = {
        "id": "rcp_1",
        "connection_id": "con_1",
        "provider": "breezy",
        "tenant": "acme é/ü",
        "received_at": NOW,
        "headers": {"content-type": "application/json", "x-hook-signature": "ab"},
        "body": b'{"a": "\xc3\xa9"}\x00\xff',
        "outcome": "accepted",
        "error": None,
        "event_id": "evt_1",
    }
    event = {
        "id": "evt_1",
        "tenant": "acme é/ü",
        "provider": "breezy",
        "connection_id": "con_1",
        "type": "ats.application.stage_changed",
        "source_event_id": "vendor-1",
        "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=PARIS),  # stored as UTC
        "received_at": NOW.replace(microsecond=0),
        "receipt_id": "rcp_1",
        "payload": b'{"id":"evt_1"}',
    }
    # as delivery_row makes them: lease and result columns left out, status and attempts given
    delivery = {
        "id": "dlv_1",
        "event_id": "evt_1",
        "subscription_id": "sub_1",
        "next_attempt_at": NOW,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return {Receipt.__table__: [receipt], Event.__table__: [event], Delivery.__table__: [delivery]}


async def _stored(conn: AsyncConnection, table: Table) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them, without SQLAlchemy's result processing."""
    columns = ", ".join(column.name for column in table.columns)
    sql = f"SELECT {columns} FROM {table.name} ORDER BY id"  # noqa: S608 - our own table's names
    result = await conn.exec_driver_sql(sql)
    return [tuple(row) for row in result]


async def test_bulk_insert_stores_what_core_stores(database_url: str) -> None:
    engine = make_engine(database_url)
    await create_schema(engine)
    try:
        rows_by_table = _rows()
        async with engine.connect() as conn:
            for table, rows in rows_by_table.items():
                async with conn.begin():
                    if table is Delivery.__table__:  # its event and subscription must exist
                        await conn.execute(insert(Event), rows_by_table[Event.__table__])
                        await conn.execute(insert(Subscription), [SUBSCRIPTION])
                    await conn.execute(insert(table), rows)
                    by_core = await _stored(conn, table)
                    await conn.execute(delete(table))
                    await conn.run_sync(
                        lambda sync, t=table, r=rows: bulk_insert(t, sync.dialect).execute(sync, r)
                    )
                    by_bulk = await _stored(conn, table)
                    await conn.rollback()
                assert by_bulk == by_core, table.name
                assert len(by_core) == 1
    finally:
        await engine.dispose()


def test_missing_keys_take_the_column_default() -> None:
    statement = BulkInsert(Delivery.__table__, sqlite.dialect())
    values = dict(
        zip([name for name, _ in statement.columns], statement.parameters({}), strict=True)
    )
    assert values["status"] == "pending"
    assert values["attempts"] == 0
    assert values["lease_owner"] is None


def test_utc_times_on_sqlite_are_the_text_sqlalchemy_writes() -> None:
    """``UTCDateTime`` writes SQLite's DATETIME text itself (faster); it must be the same text,
    or range queries comparing it as text would go wrong."""
    dialect = sqlite.dialect()
    ours = UTCDateTime().bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    assert ours is not None
    assert theirs is not None
    moments = [
        NOW,
        NOW.replace(microsecond=0),
        NOW.replace(microsecond=1000),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 3, 29, 2, 30, tzinfo=PARIS),
    ]
    for moment in moments:
        assert ours(moment) == theirs(moment.astimezone(UTC).replace(tzinfo=None))
    assert ours(None) is None
    with pytest.raises(ValueError, match="naive"):
        ours(datetime(2026, 1, 1))


async def test_reading_back_gives_the_times_written(database_url: str) -> None:
    engine = make_engine(database_url)
    await create_schema(engine)
    rows = _rows()[Receipt.__table__]
    try:
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda sync: bulk_insert(Receipt.__table__, sync.dialect).execute(sync, rows)
            )
            stored = (await conn.execute(select(Receipt.received_at, Receipt.headers))).one()
        assert stored.received_at == NOW
        assert stored.headers == rows[0]["headers"]
    finally:
        await engine.dispose()


async def test_rows_alike_store_what_core_stores(database_url: str) -> None:
    """``execute_alike`` (fan-out's path: shared values bound once) and ``execute`` with times
    that repeat and differ within a batch store the rows Core stores."""
    engine = make_engine(database_url)
    await create_schema(engine)
    base = _rows()
    event = base[Event.__table__][0]
    times = [NOW, NOW + timedelta(seconds=1), NOW, NOW.astimezone(PARIS)]
    shared = {**base[Delivery.__table__][0], "id": "", "ordering_key": None}
    varying = [
        (f"dlv_{i}", "evt_1", "sub_1", f"con_1 job:{i}" if i % 2 else None) for i in range(4)
    ]
    full = [
        {**shared, "id": i, "event_id": e, "subscription_id": s, "ordering_key": k}
        for i, e, s, k in varying
    ]
    timed = [
        {**row, "id": f"dlv_t{n}", "next_attempt_at": t, "created_at": times[-1 - n]}
        for n, (row, t) in enumerate(zip(full, times, strict=True))
    ]
    names = ("id", "event_id", "subscription_id", "ordering_key")
    try:
        async with engine.connect() as conn, conn.begin():
            await conn.execute(insert(Event), [event])
            await conn.execute(insert(Subscription), [SUBSCRIPTION])
            await conn.execute(insert(Delivery), full + timed)
            by_core = await _stored(conn, Delivery.__table__)
            await conn.execute(delete(Delivery))

            def write(sync: Any) -> None:
                statement = bulk_insert(Delivery.__table__, sync.dialect)
                statement.execute_alike(sync, shared, names, varying)
                statement.execute(sync, timed)

            await conn.run_sync(write)
            by_bulk = await _stored(conn, Delivery.__table__)
            await conn.rollback()
        assert len(by_core) == 8
        assert by_bulk == by_core
    finally:
        await engine.dispose()


async def test_a_bulk_update_stores_what_core_stores(database_url: str) -> None:
    """``BulkStatement`` (recording attempts' results) writes what Core's executemany of the same
    statement writes: each named parameter through its type, the statement's own values kept."""
    from gateway.delivery.queue import _UPDATE_DELIVERY
    from gateway.storage.bulk import bulk_statement

    engine = make_engine(database_url)
    await create_schema(engine)
    base = _rows()
    deliveries = [
        {**base[Delivery.__table__][0], "id": f"dlv_{i}", "lease_owner": "w1"} for i in range(4)
    ]
    results = [
        {
            "b_id": f"dlv_{i}",
            "b_owner": "w1" if i != 2 else "someone else",  # row 2 is not ours: left alone
            "b_status": ("pending", "succeeded", "failed", "succeeded")[i],
            "b_attempts": i + 1,
            "b_next": NOW + timedelta(seconds=i),
            "b_code": (503, 200, 410, None)[i],
            "b_error": ("HTTP 503", None, "HTTP 410 Gone", "timeout: é")[i],
            "b_at": NOW.astimezone(PARIS) - timedelta(milliseconds=i),
        }
        for i in range(4)
    ]
    try:
        async with engine.connect() as conn, conn.begin():
            await conn.execute(insert(Event), base[Event.__table__])
            await conn.execute(insert(Subscription), [SUBSCRIPTION])
            stored = []
            for bulk in (False, True):
                await conn.execute(insert(Delivery), deliveries)
                if bulk:
                    await conn.run_sync(
                        lambda sync: bulk_statement(_UPDATE_DELIVERY, sync.dialect).execute(
                            sync, results
                        )
                    )
                else:
                    await conn.execute(_UPDATE_DELIVERY, results)
                stored.append(await _stored(conn, Delivery.__table__))
                await conn.execute(delete(Delivery))
            await conn.rollback()
        by_core, by_bulk = stored
        assert by_bulk == by_core
        columns = [column.name for column in Delivery.__table__.columns]
        owner, status = columns.index("lease_owner"), columns.index("status")
        assert [(row[owner], row[status]) for row in by_bulk] == [
            (None, "pending"),
            (None, "succeeded"),
            ("w1", "pending"),  # another worker's lease: left alone
            (None, "succeeded"),
        ]
    finally:
        await engine.dispose()
