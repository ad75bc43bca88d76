"""The gateway's clock and its one time format (RFC 3339 UTC, as every API answer writes it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TypeVar

from providers import format_timestamp

_T = TypeVar("_T")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


def unexpired(items: Iterable[tuple[_T, datetime | None]], now: datetime) -> list[_T]:
    """The items whose expiry (``None``: never) is still ahead: a rotated-out secret keeps
    verifying, or signing, until its grace period ends."""
    return [item for item, expires in items if expires is None or expires > now]
