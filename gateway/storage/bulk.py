"""Many-row INSERTs for the ingest hot path: compiled once per dialect, run as one executemany.

``conn.execute(insert(table), rows)`` rebuilds and re-binds its parameters row by row in Python
(about 6 µs a row before the driver sees it). These statements are the same SQL, compiled once by
SQLAlchemy for the connection's dialect, and the values go through the same bind processors the
columns declare (``UTCDateTime``, ``JSON``...), so what is stored is what Core would have stored.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ClauseElement, Connection, Dialect, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


class BulkInsert:
    """``INSERT INTO table (every column) VALUES (...)`` for one dialect's positional paramstyle.

    A batch's rows mostly share their times (one ``now`` per batch), so within one ``execute``
    each distinct time is bound once.
    """

    __slots__ = ("columns", "processors", "sql")

    def __init__(self, table: Table, dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect)
        if not compiled.positional or compiled.positiontup is None:
            raise ValueError(f"{dialect.name}: BulkInsert needs a positional paramstyle")
        by_key = {column.key: column for column in table.columns}
        self.sql = str(compiled)
        columns: list[tuple[str, Any]] = []
        processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(compiled.positiontup):
            column = by_key[name]
            default = column.default
            if default is not None and not default.is_scalar:
                raise ValueError(f"{table.name}.{name}: only scalar column defaults are supported")
            columns.append((name, None if default is None else default.arg))  # type: ignore[attr-defined]
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
        self.columns = tuple(columns)
        self.processors = tuple(processors)

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row as the driver takes it; a missing key takes the column's default, as in Core."""
        values = [row.get(name, default) for name, default in self.columns]
        for index, process in self.processors:
            values[index] = process(values[index])
        return tuple(values)

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            conn.exec_driver_sql(self.sql, list(self._batch(rows)))

    def execute_alike(
        self,
        conn: Connection,
        shared: Mapping[str, Any],
        names: Sequence[str],
        rows: Iterable[Sequence[Any]],
    ) -> None:
        """Rows equal to ``shared`` but in the ``names`` columns, whose values each of ``rows``
        gives in that order: ``shared`` is bound once for the batch."""
        base = list(self.parameters(shared))
        position = {name: index for index, (name, _) in enumerate(self.columns)}
        processors = dict(self.processors)
        slots = [(position[name], processors.get(position[name])) for name in names]
        params = []
        for row in rows:
            values = base.copy()
            for (index, process), value in zip(slots, row, strict=True):
                values[index] = value if process is None else process(value)
            params.append(tuple(values))
        if params:
            conn.exec_driver_sql(self.sql, params)

    def _batch(self, rows: Iterable[Mapping[str, Any]]) -> Iterable[tuple[Any, ...]]:
        columns = self.columns
        processors = [(index, _memoised_times(process)) for index, process in self.processors]
        for row in rows:
            values = [row.get(name, default) for name, default in columns]
            for index, process in processors:
                values[index] = process(values[index])
            yield tuple(values)


def _memoised_times(process: Processor) -> Processor:
    """``process``, remembering what it made of each datetime (one batch's worth)."""
    seen: dict[datetime, Any] = {}

    def bind(value: Any) -> Any:
        if type(value) is not datetime:
            return process(value)
        try:
            return seen[value]
        except KeyError:
            bound = seen[value] = process(value)
            return bound

    return bind


class BulkStatement:
    """A statement with named bind parameters (an ``UPDATE ... WHERE id = :b_id``, say),
    compiled once for one dialect's positional paramstyle and run as one executemany: each row
    gives the named parameters, bound through the types the compiled statement assigned them;
    a parameter a row leaves out takes the statement's own value (``lease_owner=None``)."""

    __slots__ = ("names", "processors", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        if not compiled.positional or compiled.positiontup is None:
            raise ValueError(f"{dialect.name}: BulkStatement needs a positional paramstyle")
        self.sql = str(compiled)
        names: list[tuple[str, Any]] = []
        processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(compiled.positiontup):
            bind = compiled.binds[name]
            names.append((name, bind.effective_value))
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((index, process))
        self.names = tuple(names)
        self.processors = tuple(processors)

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        names = self.names
        processors = [(index, _memoised_times(process)) for index, process in self.processors]
        params = []
        for row in rows:
            values = [row.get(name, default) for name, default in names]
            for index, process in processors:
                values[index] = process(values[index])
            params.append(tuple(values))
        conn.exec_driver_sql(self.sql, params)


@functools.lru_cache(maxsize=64)
def bulk_statement(statement: ClauseElement, dialect: Dialect) -> BulkStatement:
    """The compiled form of a module-level ``statement`` on ``dialect`` (cached)."""
    return BulkStatement(statement, dialect)


async def execute_many(
    session: AsyncSession, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``session.execute(statement, rows)`` without Core's per-row parameter handling."""
    if not rows:
        return

    def run(sync: Session) -> None:
        conn = sync.connection()
        bulk_statement(statement, conn.dialect).execute(conn, rows)

    await session.run_sync(run)


@functools.lru_cache(maxsize=64)
def bulk_insert(table: Table, dialect: Dialect) -> BulkInsert:
    """The compiled statement for ``table`` on ``dialect`` (cached: one per engine and table)."""
    return BulkInsert(table, dialect)


async def insert_rows(session: AsyncSession, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """The same statement from an async session, in its transaction: one write path per table
    for ingest, replay, redelivery and reprocessing."""
    if not rows:
        return

    def run(sync: Session) -> None:
        conn = sync.connection()
        bulk_insert(table, conn.dialect).execute(conn, rows)

    await session.run_sync(run)
