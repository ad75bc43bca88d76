"""The benchmarks' large tables, written in bulk: events received over the last two days across
three tenants and two providers, each with its receipt, one delivery and one attempt (one in ten
failed), and 200 quarantined receipts.

The rows are made once and bound by the gateway's own ``BulkInsert`` (each column's bind
processor: stored as the ingest path stores them); SQLite writes them with executemany on one
``sqlite3`` connection, PostgreSQL with COPY. The four tables' secondary indexes are dropped
while writing and made again afterwards, from their own definitions: one sort each instead of a
random insert per row, which at millions of rows is most of the cost.

Above ``MADE_IN_PYTHON`` events, a part of the table is made in Python and the rest are copies of
it made by the database itself (``INSERT ... SELECT``), each with its own ids: the same times,
tenants, names and subjects, every id and vendor event id distinct, and the ids inside each
payload rewritten to match. Making rows in Python (about 50 us an event) would take most of an
hour at 10,000,000 events; a copy in SQL costs a few microseconds a row.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Dialect, Table
from sqlalchemy.engine import URL

from gateway.core.ids import encode_id, time_ordered
from gateway.runtime import Runtime
from gateway.storage.bulk import bulk_insert
from gateway.storage.models import Attempt, Connection, Delivery, Event, Receipt, Subscription

TENANTS = ("acme", "globex", "initech")
PROVIDERS = ("breezy", "hatchbeacon")
NAMES = ("Ana Lima", "José Álvarez", "李雷", "Priya Natarajan", "Sam Okafor", "Eve Martin")
TYPES = ("ats.application.created", "ats.application.stage_changed", "ats.candidate.hired")
CHUNK = 20_000  # events a write: four rows each
MADE_IN_PYTHON = 500_000  # the most events made in Python; above it the rest are SQL copies
# A copy's ids differ from their original in one character, the 15th of the 26 (random bits
# 53 to 57, which an original's serial never reaches): the copy's number, in the ids' alphabet.
COPY_MARK = 4 + 14  # characters before it: the prefix ("evt_") and 14 of the id
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
QUARANTINED = 200
# in the order their foreign keys need
TABLES = tuple(cast(Table, model.__table__) for model in (Receipt, Event, Delivery, Attempt))
Chunk = dict[str, list[tuple[Any, ...]]]  # table name: its rows, bound
Connections = dict[tuple[str, str], str]  # (tenant, provider): connection id


def _id(prefix: str, moment: datetime, serial: int) -> str:
    """An id as ``new_id`` makes it in ``moment``'s millisecond, with ``serial`` for its 80
    random bits: unique by construction, and in the seed's order within a millisecond (drawing
    80 random bits and encoding them was most of a row's cost)."""
    return f"{prefix}_{encode_id((int(moment.timestamp() * 1000) << 80) | serial)}"


# The canonical event each row stores, as ``json.dumps(event, ensure_ascii=False)`` writes it;
# a template, as formatting it is most of a row's cost. Every value put in is an id, a number
# or a time, none of which JSON escapes, but the names, which are escaped once here.
PAYLOAD = (
    '{{"id": "{id}", "type": "{type}", "timestamp": "{at}", "tenant": "{tenant}", '
    '"source": {{"provider": "{provider}", "event_id": "v{n}", "event_type": "x", '
    '"received_at": "{at}"}}, "completeness": "full", "data": {{"application": '
    '{{"id": "a{application}", "candidate": {{"id": "c{candidate}", "name": "{name} {k}", '
    '"email": "c{n}@mail.example"}}, "job": {{"id": "j1", "title": "Senior Backend Engineer"}}, '
    '"stage": {{"id": "s", "name": "Phone Screen"}}}}}}}}'
)
ESCAPED_NAMES = [json.dumps(name, ensure_ascii=False)[1:-1] for name in NAMES]


def _payload(event_id: str, tenant: str, provider: str, kind: str, n: int, at: datetime) -> bytes:
    return PAYLOAD.format(
        id=event_id,
        type=kind,
        at=at.isoformat().replace("+00:00", "Z"),
        tenant=tenant,
        provider=provider,
        n=n,
        application=n % 30000,
        candidate=n % 20000,
        name=ESCAPED_NAMES[n % len(NAMES)],
        k=n % 997,
    ).encode()


async def seed(runtime: Runtime, count: int) -> dict[str, Any]:
    """Fill the database with ``count`` events (rounded up to a whole number of copies);
    returns ids the timed calls need."""
    now = datetime.now(UTC)
    conns, subs = await _owners(runtime, now)
    async with runtime.sessions() as session:
        conn = await session.connection()
        dialect, url = conn.dialect, conn.engine.url
    last: list[str] = []
    copies = -(-count // MADE_IN_PYTHON)  # the Python-made part included
    assert copies <= len(ALPHABET)
    count = -(-count // copies)
    chunks = _chunks(count, now, conns, subs, dialect, last)
    if dialect.name == "sqlite":
        assert url.database is not None
        await conn.engine.dispose()  # its pooled connections would keep the file in WAL
        _write_sqlite(url.database, dialect, chunks, copies)
    else:
        await _write_postgres(url, dialect, chunks, copies)
    return {
        "connections": list(conns.values()),
        "subscription": subs["acme"],
        "event": last[0],
        "subject": f"application/a{(count - 1) % 30000}",
    }


async def _owners(runtime: Runtime, now: datetime) -> tuple[Connections, dict[str, str]]:
    """A connection per tenant and provider, a subscription per tenant."""
    conns: Connections = {}
    subs: dict[str, str] = {}
    async with runtime.sessions() as session, session.begin():
        for tenant in TENANTS:
            for provider in PROVIDERS:
                conns[(tenant, provider)] = f"con_{time_ordered()}"
                session.add(
                    Connection(
                        id=conns[(tenant, provider)],
                        provider=provider,
                        tenant=tenant,
                        verify=True,
                        created_at=now,
                    )
                )
            subs[tenant] = f"sub_{time_ordered()}"
            session.add(
                Subscription(
                    id=subs[tenant],
                    owner="admin",
                    scope_tenant=tenant,
                    url="https://app.example/h",
                    description=None,
                    events=["*"],
                    tenants=None,
                    providers=None,
                    include_raw=False,
                    status="active",
                    disabled_reason=None,
                    successful_deliveries=0,
                    failed_deliveries=0,
                    last_delivery_at=None,
                    failing_since=None,
                    created_at=now,
                    updated_at=now,
                )
            )
    return conns, subs


class _Binder:
    """Each column's value as the column's own bind processor stores it on ``dialect`` (what
    ``BulkInsert`` binds), in the order of ``BulkInsert``'s statement. Times and JSON are bound
    once per distinct value by the caller (``time``, ``json``): an event's time is in four rows."""

    def __init__(self, dialect: Dialect) -> None:
        self.time = _processor(Event.__table__.c.received_at.type, dialect)
        self.json = _processor(Receipt.__table__.c.headers.type, dialect)
        self.binary = _processor(Event.__table__.c.payload.type, dialect)
        self.order = {
            table.name: itemgetter(*(name for name, _ in bulk_insert(table, dialect).columns))
            for table in TABLES
        }


def _processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any]:
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    return (lambda value: value) if process is None else process


def _chunks(
    count: int,
    now: datetime,
    conns: Connections,
    subs: dict[str, str],
    dialect: Dialect,
    last: list[str],
) -> Iterator[Chunk]:
    """The rows, ``CHUNK`` events at a time, bound for ``dialect``; the newest event's id is
    left in ``last``. Every row names every column: one left out is NULL, as Core leaves it."""
    bind = _Binder(dialect)
    rng = random.Random(7)
    moments = sorted(now - timedelta(seconds=rng.uniform(0, 2 * 86400)) for _ in range(count))
    headers = bind.json({"content-type": "application/json"})
    chunk: Chunk = {table.name: [] for table in TABLES}
    receipts, events, deliveries, attempts = chunk.values()
    order_receipt, order_event, order_delivery, order_attempt = bind.order.values()
    for n, at in enumerate(moments):
        tenant, provider = TENANTS[n % 3], PROVIDERS[(n // 3) % 2]
        event_id, receipt_id = _id("evt", at, n), _id("rcp", at, n)
        payload = bind.binary(_payload(event_id, tenant, provider, TYPES[n % 3], n, at))
        name = f"{NAMES[n % len(NAMES)]} {n % 997}"
        done = at + timedelta(milliseconds=rng.uniform(5, 400))
        at_bound, done_bound = bind.time(at), bind.time(done)
        failed = n % 10 == 0
        delivery_id = _id("dlv", at, n)
        receipts.append(
            order_receipt(
                {
                    "id": receipt_id,
                    "connection_id": conns[(tenant, provider)],
                    "provider": provider,
                    "tenant": tenant,
                    "received_at": at_bound,
                    "headers": headers,
                    "body": payload,
                    "outcome": "accepted",
                    "error": None,
                    "event_id": event_id,
                    "body_sha256": None,
                }
            )
        )
        events.append(
            order_event(
                {
                    "id": event_id,
                    "tenant": tenant,
                    "provider": provider,
                    "connection_id": conns[(tenant, provider)],
                    "type": TYPES[n % 3],
                    "source_event_id": f"v{n}",
                    "occurred_at": at_bound,
                    "received_at": at_bound,
                    "receipt_id": receipt_id,
                    "subject": f"application/a{n % 30000}",
                    "payload": payload,
                    "trace_parent": None,
                    "candidate_id": f"c{n % 20000}",
                    "candidate_name": name,
                    "candidate_name_key": name.casefold(),
                    "candidate_email": f"c{n}@mail.example",
                    "erased_at": None,
                }
            )
        )
        deliveries.append(
            order_delivery(
                {
                    "id": delivery_id,
                    "event_id": event_id,
                    "subscription_id": subs[tenant],
                    "status": "failed" if failed else "succeeded",
                    "attempts": 1,
                    "next_attempt_at": done_bound,
                    "ordering_key": None,
                    "lease_owner": None,
                    "lease_expires_at": None,
                    "last_status_code": 500 if failed else 200,
                    "last_error": None,
                    "last_attempt_at": done_bound,
                    "created_at": at_bound,
                    "updated_at": done_bound,
                }
            )
        )
        attempts.append(
            order_attempt(
                {
                    "id": _id("att", done, n),
                    "delivery_id": delivery_id,
                    "attempted_at": done_bound,
                    "status_code": 500 if failed else 200,
                    "latency_ms": 12.0,
                    "response_snippet": "ok",
                    "error": None,
                    "request_headers": None,
                    "response_headers": None,
                }
            )
        )
        if len(events) >= CHUNK or n == count - 1:
            last[:] = [event_id]
            yield chunk
            chunk = {table.name: [] for table in TABLES}
            receipts, events, deliveries, attempts = chunk.values()
    now_bound = bind.time(now)
    quarantined = {
        "connection_id": conns[("acme", "breezy")],
        "provider": "breezy",
        "tenant": "acme",
        "received_at": now_bound,
        "headers": bind.json({}),
        "body": bind.binary(b"not json"),
        "outcome": "quarantined",
        "error": "body is not JSON",
        "event_id": None,
        "body_sha256": None,
    }
    yield {
        "receipts": [
            order_receipt({**quarantined, "id": _id("rcp", now, count + i)})
            for i in range(QUARANTINED)
        ]
    }


def _copy_sql(table: Table, dialect: Dialect, mark: str, source: str) -> str:
    """``INSERT ... SELECT``: the rows of ``source`` (a FROM clause holding ``table``'s rows as
    ``t``) again, the copy's ``mark`` (an SQL expression: one character) in every id, its
    vendor event ids prefixed by it, and the ids inside the payload (the event's own and the
    vendor's) rewritten to match. Every other column is copied as it is."""
    names = [name for name, _ in bulk_insert(table, dialect).columns]
    text = "convert_from(t.{0}, 'UTF8')" if dialect.name == "postgresql" else "CAST(t.{0} AS TEXT)"
    binary = "convert_to({0}, 'UTF8')" if dialect.name == "postgresql" else "CAST({0} AS BLOB)"

    def marked(column: str) -> str:
        return (
            f"substr(t.{column}, 1, {COPY_MARK}) || {mark} || substr(t.{column}, {COPY_MARK + 2})"
        )

    def payload(column: str, event_id: str) -> str:
        rewritten = (
            f"replace(replace({text.format(column)}, t.{event_id}, {marked(event_id)}), "
            f"'\"event_id\": \"', '\"event_id\": \"' || {mark} || '~')"
        )
        return binary.format(rewritten)

    special = {
        "receipts": {
            "id": marked("id"),
            "event_id": marked("event_id"),
            "body": payload("body", "event_id"),
        },
        "events": {
            "id": marked("id"),
            "receipt_id": marked("receipt_id"),
            "source_event_id": f"{mark} || '~' || t.source_event_id",
            "payload": payload("payload", "id"),
        },
        "deliveries": {"id": marked("id"), "event_id": marked("event_id")},
        "attempts": {"id": marked("id"), "delivery_id": marked("delivery_id")},
    }[table.name]
    values = ", ".join(special.get(name, f"t.{name}") for name in names)
    # quarantined receipts name no event, and are not copied
    accepted = " AND t.event_id IS NOT NULL" if table.name == "receipts" else ""
    # the names are the models'; ``mark`` and ``source`` are this module's
    return f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {values} FROM {source}{accepted}"  # noqa: S608


def _write_sqlite(path: str, dialect: Dialect, chunks: Iterator[Chunk], copies: int) -> None:
    """One connection, one transaction a chunk, no fsync, no journal (each page is written
    once, not to the WAL then the file), a cache large enough for the index builds; none of
    that outlives the connection but the journal mode, which is WAL again at the end."""
    sql = {table.name: bulk_insert(table, dialect).sql for table in TABLES}
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-2000000")  # KiB: 2 GB
        db.execute("PRAGMA threads=2")  # the index builds' sorts
        indexes = [
            row
            for table in TABLES
            for row in db.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = ?",
                (table.name,),
            )
        ]
        db.execute("BEGIN")
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        for chunk in chunks:
            for table, batch in chunk.items():
                db.executemany(sql[table], batch)
            db.execute("COMMIT")
            db.execute("BEGIN")
        made = {
            table.name: db.execute(f"SELECT max(rowid) FROM {table.name}").fetchone()[0]  # noqa: S608
            for table in TABLES
        }
        for copy in range(1, copies):
            for table in TABLES:
                # rows of the Python-made part only: the rowids it was given
                source = f"{table.name} AS t WHERE t.rowid <= {made[table.name]}"
                db.execute(_copy_sql(table, dialect, f"'{ALPHABET[copy]}'", source))
            db.execute("COMMIT")
            db.execute("BEGIN")
        for _, create in indexes:
            db.execute(create)
            db.execute("COMMIT")
            db.execute("BEGIN")
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


async def _write_postgres(url: URL, dialect: Dialect, chunks: Iterator[Chunk], copies: int) -> None:
    """COPY on one connection; the indexes no constraint needs are dropped and made again in
    the same transaction, so a failed seed leaves the schema as it was."""
    import asyncpg

    db = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        async with db.transaction():
            await db.execute("SET LOCAL maintenance_work_mem = '1GB'")
            indexes = await db.fetch(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[]) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)",
                [table.name for table in TABLES],
            )
            for row in indexes:
                await db.execute(f'DROP INDEX "{row["indexname"]}"')
            columns = {
                table.name: [name for name, _ in bulk_insert(table, dialect).columns]
                for table in TABLES
            }
            for chunk in chunks:
                for table, batch in chunk.items():
                    await db.copy_records_to_table(table, records=batch, columns=columns[table])
            for table in TABLES:
                mark = f"substr('{ALPHABET}', copy + 1, 1)"
                source = (
                    f"{table.name} AS t CROSS JOIN generate_series(1, {copies - 1}) AS copy "
                    f"WHERE substr(t.id, {COPY_MARK + 1}, 1) = '0'"
                )
                await db.execute(_copy_sql(table, dialect, mark, source))
            for row in indexes:
                await db.execute(row["indexdef"])
    finally:
        await db.close()
