"""The schema's history as Alembic revisions, run in-process (no ``alembic.ini`` needed).

``upgrade`` is what ``unihook migrate`` and every process start run. It is safe to run from many
processes at once: on PostgreSQL it holds an advisory lock for its transaction, on SQLite it
takes the write lock (``BEGIN IMMEDIATE``) first, so one migrates and the others then find the
schema current. DDL is transactional on both, so a failed upgrade leaves the old schema intact.

For developers: ``python -m gateway.storage.migrations revision --autogenerate -m "..."`` (any
Alembic command) against ``UNIHOOK_DATABASE_URL``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

log = logging.getLogger("unihook.migrations")

SCRIPT_LOCATION = str(Path(__file__).resolve().parent)
BASELINE = "0001"  # the schema ``create_all`` made before migrations existed
VERSION_TABLE = "alembic_version"
# pg_advisory_xact_lock key: the bytes "unihook" as an integer, so it is unlikely to collide
PG_LOCK_KEY = int.from_bytes(b"unihook", "big")


def alembic_config(connection: Connection | None = None, secret_box: Any = None) -> Config:
    """A Config for this package's scripts; ``connection``, when given, is the one env.py uses,
    and ``secret_box`` the key revisions use to re-encrypt what they move."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("version_table", VERSION_TABLE)
    if connection is not None:
        config.attributes["connection"] = connection
    if secret_box is not None:
        config.attributes["secret_box"] = secret_box
    return config


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _serialise(connection: Connection) -> None:
    """Make concurrent migrators wait for each other, for the rest of this transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(connection: Connection, revision: str = "head", secret_box: Any = None) -> None:
    """Bring the schema to ``revision`` in one transaction (a no-op when it is already there).

    A database made by ``create_all`` before migrations existed (tables, no version table) is
    stamped with the baseline revision first rather than failing on existing tables.
    """
    config = alembic_config(connection, secret_box)
    with connection.begin():
        _serialise(connection)
        tables = set(inspect(connection).get_table_names())
        if VERSION_TABLE not in tables and "events" in tables:
            log.warning(
                "tables exist but no %s: a database made before migrations; "
                "stamping it at revision %s",
                VERSION_TABLE,
                BASELINE,
            )
            command.stamp(config, BASELINE)
        elif revision == "head" and VERSION_TABLE in tables and _at_head(connection, config):
            return  # current already: nothing to run, and no Alembic lines in the log
        command.upgrade(config, revision)


def _at_head(connection: Connection, config: Config) -> bool:
    stored = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}")  # noqa: S608 - a constant
    return {row[0] for row in stored} == set(ScriptDirectory.from_config(config).get_heads())


def downgrade(connection: Connection, revision: str, secret_box: Any = None) -> None:
    """Take the schema back to ``revision`` (``"base"``: no tables). Loses data; for tests and
    rollbacks."""
    config = alembic_config(connection, secret_box)
    with connection.begin():
        _serialise(connection)
        command.downgrade(config, revision)
