"""The one engine factory: SQLite (WAL, busy timeout, foreign keys), or PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

from sqlalchemy import Connection, Engine, Select, create_engine, event
from sqlalchemy.exc import InvalidatePoolError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

BUSY_TIMEOUT_S = 30


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    _use_wal(cursor)
    cursor.execute("PRAGMA synchronous=FULL")  # a 2xx survives power loss, not only crashes
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch a new database file to WAL. Several processes starting on a new file at once all
    ask; SQLite answers some "database is locked" at once, without waiting out the busy timeout
    (it will not wait where waiting could deadlock), so the switch is asked again until one of
    them has made it. A file already in WAL answers at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # the driver's OperationalError: sqlite3's or aiosqlite's
            if "database is locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)  # only ever on a file being created: start-up, not requests


# What a database that is down, restarting, or out of disk raises: the transaction did not commit.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (SQLAlchemyError, OSError)


def create_private_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only: it holds vendor payloads with
    personal data, and SQLite gives its ``-wal`` and ``-shm`` files the database file's mode."""
    if ":///" not in url:
        return
    path = url.split(":///", 1)[1].split("?", 1)[0]
    if path in {"", ":memory:"} or path.startswith("file:") or os.path.exists(path):
        return
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


PING_AFTER_IDLE_S = 0.1
"""A pooled PostgreSQL connection idle at least this long is pinged before it is used again; one
used more recently is trusted. SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a round
trip (three outside a transaction: BEGIN, the ping, ROLLBACK) before every page's reads and every
commit, which was 12% of an events list's CPU. A server restarted or a connection cut while it
sat in the pool is still found before use, as no restart fits in the window; and a disconnect
met in use invalidates the whole pool, so the requests after it get fresh connections."""


def _idle_from_now(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get("idle_since")  # none on a new connection: it is live
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:
        # the pool replaces this connection and every one pooled before now, then retries
        raise InvalidatePoolError(f"pooled connection failed its ping: {exc}") from exc


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        create_private_file(url)
        engine = create_async_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql") and "+asyncpg" not in url:
        url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    if "poolclass" in kwargs:
        return create_async_engine(url, **kwargs)
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine.pool, "checkin", _idle_from_now)
    event.listen(engine.sync_engine.pool, "checkout", _ping_if_idle)
    return engine


def make_writer_engine(url: str) -> Engine | None:
    """For SQLite, a plain ``sqlite3`` engine for the ingest writer thread and the reader
    threads of ``Runtime.read``: one thread hop per group commit, or per page's reads, instead of
    several per statement through aiosqlite. None for other drivers, whose async engine is used
    directly."""
    if not url.startswith("sqlite"):
        return None
    sync_url = url.replace("sqlite+aiosqlite://", "sqlite://", 1)
    engine = create_engine(
        sync_url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def read_records(conn: Connection, query: Select[Any]) -> list[Any]:
    """The mapped records an ORM ``select`` of one entity finds, read in a short-lived session
    on ``conn`` (a read of ``Runtime.read``); they are detached, with every column loaded."""
    with Session(conn) as session:
        return list(session.scalars(query))


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine, secret_box: Any = None) -> None:
    """Create or upgrade the schema to the newest migration (``unihook migrate`` and every
    process start call this); a no-op when it is current, safe from many processes at once."""
    from gateway.storage.migrations import upgrade

    async with engine.connect() as conn:
        await conn.run_sync(upgrade, "head", secret_box)
