"""The runtime of a command that opens the database, imported when one runs: ``unihook --help``,
``providers`` and ``send-test`` start without SQLAlchemy, the models and Alembic (half a
second of a command's second)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from gateway.core.settings import Settings

if TYPE_CHECKING:
    from gateway.runtime import Runtime

T = TypeVar("T")


def open_runtime(settings: Settings | None = None) -> Runtime:
    """A runtime on ``settings`` (default: the environment's), not yet migrated."""
    from gateway.runtime import Runtime

    return Runtime.build(settings if settings is not None else Settings.from_env())


async def with_runtime(fn: Callable[[Runtime], Awaitable[T]]) -> T:
    """Run ``fn`` on the environment's runtime, its schema brought up to date first."""
    runtime = open_runtime()
    try:
        await runtime.migrate()
        return await fn(runtime)
    finally:
        await runtime.close()
