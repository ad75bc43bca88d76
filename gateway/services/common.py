"""Pieces every service shares: pagination, list limits, time filters and tenant names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gateway.services.errors import Invalid
from providers import parse_timestamp

MAX_LIMIT = 500
DELIVERY_STATUSES = ("pending", "succeeded", "failed")
MAX_TENANT_LENGTH = 200


def parse_time_param(name: str, value: str | None) -> datetime | None:
    """A ``since``/``until`` value as an aware datetime: RFC 3339, or a number, which is always
    unix seconds (never guessed to be milliseconds from its size)."""
    if value is None or value == "":
        return None
    problem = f"{name} must be an RFC 3339 time or unix seconds"
    if _is_number(value):
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except (OverflowError, ValueError, OSError):
            raise Invalid(problem) from None
    try:  # an offset can carry a time past the calendar's end once it is in UTC
        parsed = parse_timestamp(value, plausible=False)
        if parsed is None:
            raise Invalid(problem)
        return datetime.fromisoformat(parsed.replace("Z", "+00:00"))
    except (OverflowError, ValueError):
        raise Invalid(problem) from None


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def clamp_limit(limit: int | None, default: int = 100) -> int:
    if limit is None:
        return default
    if limit < 1:
        raise Invalid("limit must be at least 1")
    return min(limit, MAX_LIMIT)


def page(items: list[Any], limit: int, cursor_of: Callable[[Any], str]) -> dict[str, Any]:
    """``{"data": [...], "next_cursor": ...}`` from ``limit + 1`` fetched items."""
    more = len(items) > limit
    items = items[:limit]
    return {"data": items, "next_cursor": cursor_of(items[-1]) if more and items else None}


def valid_tenant(tenant: str) -> str:
    """Tenants are path segments: any printable text, but no slashes, dots-only or controls."""
    if not tenant or len(tenant) > MAX_TENANT_LENGTH:
        raise Invalid("tenant must be 1 to 200 characters")
    if tenant.strip(".") == "" or any(ch in tenant for ch in "/\\") or not tenant.isprintable():
        raise Invalid("tenant must not contain slashes or control characters")
    return tenant
