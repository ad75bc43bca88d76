"""Many-row INSERTs for the ingest hot path: compiled once per dialect, run as one executemany.

``conn.execute(insert(table), rows)`` rebuilds and re-binds its parameters row by row in Python
(about 6 µs a row before the driver sees it). These statements are the same SQL, compiled once by
SQLAlchemy for the connection's dialect, and the values go through the same bind processors the
columns declare (``UTCDateTime``, ``JSON``...), so what is stored is what Core would have stored.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ClauseElement, Connection, Dialect, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


class _Compiled:
    """SQL compiled once for one dialect's positional paramstyle, run as one executemany: each
    row's values by parameter name (a missing one takes ``columns``' default), bound through the
    parameters' own types. A batch's rows mostly share their times (one ``now`` per batch), so
    within one ``execute`` each distinct time is bound once."""

    __slots__ = ("columns", "processors", "sql")

    def __init__(
        self, sql: str, columns: Sequence[tuple[str, Any]], processors: Sequence[tuple[int, Any]]
    ) -> None:
        self.sql = sql
        self.columns = tuple(columns)  # (parameter name, default) in positional order
        self.processors: tuple[tuple[int, Processor], ...] = tuple(processors)

    def parameters(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """One row as the driver takes it; a missing key takes its default, as in Core."""
        return next(self._batch([row], self.processors))

    def execute(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            memoised = [(index, _memoised_times(process)) for index, process in self.processors]
            conn.exec_driver_sql(self.sql, list(self._batch(rows, memoised)))

    def _batch(
        self, rows: Iterable[Mapping[str, Any]], processors: Sequence[tuple[int, Processor]]
    ) -> Iterator[tuple[Any, ...]]:
        columns = self.columns
        for row in rows:
            values = [row.get(name, default) for name, default in columns]
            for index, process in processors:
                values[index] = process(values[index])
            yield tuple(values)


def _compile(statement: ClauseElement, dialect: Dialect, kind: str) -> SQLCompiler:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    if not compiled.positional or compiled.positiontup is None:
        raise ValueError(f"{dialect.name}: {kind} needs a positional paramstyle")
    return compiled


def _processor(type_: Any, dialect: Dialect) -> Processor | None:
    process: Processor | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return process


class BulkInsert(_Compiled):
    """``INSERT INTO table (every column) VALUES (...)``; a missing key takes the column's
    scalar default."""

    __slots__ = ()

    def __init__(self, table: Table, dialect: Dialect) -> None:
        compiled = _compile(insert(table), dialect, "BulkInsert")
        assert compiled.positiontup is not None
        by_key = {column.key: column for column in table.columns}
        columns: list[tuple[str, Any]] = []
        processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(compiled.positiontup):
            column = by_key[name]
            default = column.default
            if default is not None and not default.is_scalar:
                raise ValueError(f"{table.name}.{name}: only scalar column defaults are supported")
            columns.append((name, None if default is None else default.arg))  # type: ignore[attr-defined]
            if (process := _processor(column.type, dialect)) is not None:
                processors.append((index, process))
        super().__init__(str(compiled), columns, processors)

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


class BulkStatement(_Compiled):
    """A statement with named bind parameters (an ``UPDATE ... WHERE id = :b_id``, say): each
    row gives the named parameters, bound through the types the compiled statement assigned
    them; a parameter a row leaves out takes the statement's own value (``lease_owner=None``)."""

    __slots__ = ()

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = _compile(statement, dialect, "BulkStatement")
        assert compiled.positiontup is not None
        columns: list[tuple[str, Any]] = []
        processors: list[tuple[int, Processor]] = []
        for index, name in enumerate(compiled.positiontup):
            bind = compiled.binds[name]
            columns.append((name, bind.effective_value))
            if (process := _processor(bind.type, dialect)) is not None:
                processors.append((index, process))
        super().__init__(str(compiled), columns, processors)


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


@functools.lru_cache(maxsize=64)
def bulk_statement(statement: ClauseElement, dialect: Dialect) -> BulkStatement:
    """The compiled form of a module-level ``statement`` on ``dialect`` (cached)."""
    return BulkStatement(statement, dialect)


async def execute_many(
    session: AsyncSession, statement: ClauseElement, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``session.execute(statement, rows)`` without Core's per-row parameter handling."""
    await _run(session, lambda conn: bulk_statement(statement, conn.dialect), rows)


@functools.lru_cache(maxsize=64)
def bulk_insert(table: Table, dialect: Dialect) -> BulkInsert:
    """The compiled statement for ``table`` on ``dialect`` (cached: one per engine and table)."""
    return BulkInsert(table, dialect)


async def insert_rows(session: AsyncSession, table: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """The same statement from an async session, in its transaction: one write path per table
    for ingest, replay, redelivery and reprocessing."""
    await _run(session, lambda conn: bulk_insert(table, conn.dialect), rows)


async def _run(
    session: AsyncSession,
    compiled: Callable[[Connection], _Compiled],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Run ``compiled(connection)`` on ``rows`` in the async session's transaction."""
    if not rows:
        return

    def run(sync: Session) -> None:
        conn = sync.connection()
        compiled(conn).execute(conn, rows)

    await session.run_sync(run)
