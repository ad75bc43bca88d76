"""Pieces shared by the management routes: auth dependency, pagination, time formatting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.di import Provide
from litestar.exceptions import ValidationException

from gateway.http.auth import principal_from_request
from providers import format_timestamp, parse_timestamp

AUTH = {"principal": Provide(principal_from_request)}
MAX_LIMIT = 500


def iso(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None


def parse_time_param(name: str, value: str | None) -> datetime | None:
    """A ``since``/``until`` query value (RFC 3339 or unix seconds) as an aware datetime."""
    if value is None or value == "":
        return None
    parsed = parse_timestamp(float(value) if _is_number(value) else value)
    if parsed is None:
        raise ValidationException(f"{name} must be an RFC 3339 time or unix seconds")
    return datetime.fromisoformat(parsed.replace("Z", "+00:00"))


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
        raise ValidationException("limit must be at least 1")
    return min(limit, MAX_LIMIT)


def page(items: list[Any], limit: int, cursor_of: Any) -> dict[str, Any]:
    """``{"data": [...], "next_cursor": ...}`` from ``limit + 1`` fetched items."""
    more = len(items) > limit
    items = items[:limit]
    return {"data": items, "next_cursor": cursor_of(items[-1]) if more and items else None}


def valid_tenant(tenant: str) -> str:
    """Tenants are path segments: any printable text, but no slashes, dots-only or controls."""
    if not tenant or len(tenant) > 200:
        raise ValidationException("tenant must be 1 to 200 characters")
    if tenant.strip(".") == "" or any(ch in tenant for ch in "/\\") or not tenant.isprintable():
        raise ValidationException("tenant must not contain slashes or control characters")
    return tenant
