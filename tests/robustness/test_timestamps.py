"""Vendor times: plausible years only, and numbers read as seconds or milliseconds by which of
the two lands in them."""

from __future__ import annotations

import pytest

from providers import parse_timestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1736937000, "2025-01-15T10:30:00Z"),  # seconds
        (1736937000123, "2025-01-15T10:30:00.123Z"),  # milliseconds
        (946684800, "2000-01-01T00:00:00Z"),
        (946684800000, "2000-01-01T00:00:00Z"),
        ("2025-01-15T10:30:00Z", "2025-01-15T10:30:00Z"),
        ("2025-01-15T10:30:00", "2025-01-15T10:30:00Z"),  # no zone: UTC
    ],
)
def test_plausible_times_are_read(value: object, expected: str) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "5138-11-16T09:46:40Z",  # a year no vendor means
        "1970-01-01T00:00:00Z",
        99_999_999_999,  # 5138 as seconds, 1973 as milliseconds: neither is plausible
        90_000_000_000,  # 4822 as seconds (read as such before), 1972 as milliseconds
        -1,
        float("nan"),
        True,
        "",
    ],
)
def test_implausible_times_are_none(value: object) -> None:
    assert parse_timestamp(value) is None


def test_query_times_are_not_bounded() -> None:
    assert parse_timestamp("1980-01-01T00:00:00Z", plausible=False) == "1980-01-01T00:00:00Z"
