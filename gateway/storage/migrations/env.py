"""Alembic's entry point: runs the revisions on the connection the caller passed in
``config.attributes["connection"]``, else on a connection to ``UNIHOOK_DATABASE_URL``."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, MetaData

from gateway.storage.models import Base, UTCDateTime

config = context.config
target_metadata: MetaData = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write ``UTCDateTime`` as the plain type it stores, so revisions do not import models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(connection: Connection | None = None, **kwargs: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=config.get_main_option("version_table") or "alembic_version",
        render_item=render_item,
        compare_type=True,
        # SQLite cannot ALTER most things: later revisions use batch operations there
        render_as_batch=True,
        **kwargs,
    )


def run_on(connection: Connection) -> None:
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone() -> None:
    from gateway.core.crypto import SecretBox
    from gateway.core.settings import Settings
    from gateway.storage.engine import make_engine

    settings = Settings.from_env()
    url = config.get_main_option("sqlalchemy.url") or settings.database_url
    if "secret_box" not in config.attributes:
        config.attributes["secret_box"] = SecretBox.from_settings(settings)
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    from gateway.core.settings import Settings

    configure(url=config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url)
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    run_on(shared)
else:
    asyncio.run(run_standalone())
