"""Payload filters: every operator's meaning over a canonical event, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.filters import MAX_DEPTH, MAX_JSON_DEPTH, MAX_NODES, InvalidFilter, compile_filter

EVENT: dict[str, Any] = {
    "id": "evt_01JDQ7YJ3R8Q6Y9W3X8N1V2K4M",
    "type": "ats.application.stage_changed",
    "timestamp": "2025-01-15T10:30:00Z",
    "tenant": "acme",
    "source": {"provider": "breezy", "event_type": "candidateStatusUpdated"},
    "subject": "application/66f1c0ffee01",
    "completeness": "full",
    "data": {
        "application": {"stage": {"name": "Offer"}, "score": 4.5, "tags": ["senior", "remote"]},
        "flag": True,
        "count": 1,
    },
}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, True),
        ({"tenant": "acme"}, True),
        ({"tenant": "other"}, False),
        ({"data.application.stage.name": "Offer"}, True),
        ({"data": {"application": {"stage": {"name": "Offer"}}}}, True),
        ({"data": {"application": {"stage": {"name": "Hired"}}}}, False),
        ({"data.application.stage.name": {"$in": ["Offer", "Hired"]}}, True),
        ({"data.application.stage.name": {"$nin": ["Offer", "Hired"]}}, False),
        ({"data.application.tags": {"$in": ["remote"]}}, True),
        ({"data.application.tags": {"$nin": ["remote"]}}, False),
        ({"data.application.tags.0": "senior"}, True),
        ({"data.application.tags.5": {"$exists": True}}, False),
        ({"data.application.score": {"$gt": 4, "$lte": 4.5}}, True),
        ({"data.application.score": {"$gte": 5}}, False),
        ({"data.application.score": {"$lt": 4.5}}, False),
        ({"data.application.score": {"$gt": "4"}}, False),  # no coercion
        ({"data.count": True}, False),  # 1 is not true
        ({"data.flag": True}, True),
        ({"data.flag": 1}, False),
        ({"data.count": 1.0}, True),
        ({"timestamp": {"$gte": "2025-01-01T00:00:00Z"}}, True),
        ({"type": {"$startsWith": "ats.application."}}, True),
        ({"subject": {"$endsWith": "ffee01"}}, True),
        ({"subject": {"$startsWith": "candidate/"}}, False),
        ({"data.missing": {"$exists": False}}, True),
        ({"data.missing": {"$exists": True}}, False),
        ({"data.missing": {"$neq": "x"}}, True),
        ({"data.missing": {"$nin": ["x"]}}, True),
        ({"data.missing": {"$in": ["x"]}}, False),
        ({"data.missing": "x"}, False),
        ({"tenant": {"$neq": "acme"}}, False),
        ({"$or": [{"tenant": "x"}, {"source.provider": "breezy"}]}, True),
        ({"$and": [{"tenant": "acme"}, {"source.provider": "lever"}]}, False),
        ({"$not": {"tenant": "acme"}}, False),
        ({"tenant": {"$not": {"$in": ["x", "y"]}}}, True),
        ({"data.application": {"$eq": {"stage": {"name": "Offer"}}}}, False),  # whole-value eq
        ({"tenant": "acme", "type": "ats.candidate.created"}, False),  # every entry must hold
    ],
)
def test_operators(spec: dict[str, Any], expected: bool) -> None:
    assert compile_filter(spec)(EVENT) is expected


def brackets(depth: int) -> list[Any]:
    value: list[Any] = [1]
    for _ in range(depth):
        value = [value]
    return value


def nested(depth: int) -> dict[str, Any]:
    spec: dict[str, Any] = {"tenant": "acme"}
    for _ in range(depth - 1):
        spec = {"$not": spec}
    return spec


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"tenant": {"$regex": "a.*"}}, "$regex"),
        ({"$xor": [{"tenant": "a"}]}, "$xor"),
        ({"$gt": 3}, "$gt needs a path"),
        ({"data..x": 1}, "'data..x'"),
        ({"": 1}, "invalid path"),
        ({"a": {"$in": "acme"}}, "$in takes a list"),
        ({"a": {"$exists": "yes"}}, "$exists"),
        ({"a": {"$gt": [1]}}, "$gt takes a number or a string"),
        ({"a": {"$gt": True}}, "$gt takes a number or a string"),
        ({"a": {"$startsWith": 5}}, "$startsWith takes a string"),
        ({"a": {"$eq": 1, "b": 2}}, "mixed operators and fields at a"),
        ({"$or": []}, "$or takes a list"),
        ({"$and": {"a": 1}}, "$and takes a list"),
        ({"$or": [{"a": 1}, 7]}, "must be a JSON object at $.$or[1]"),
        (nested(MAX_DEPTH + 1), "nested deeper"),
        ({f"k{i}": i for i in range(MAX_NODES + 1)}, "filter too large"),
        ({"a": {"$in": list(range(101))}}, "$in takes a list"),
        ({"a": "x" * 9000}, "larger than"),
        ({"a": {"$eq": brackets(MAX_JSON_DEPTH)}}, "levels of JSON"),
        ({"a": {"$in": [{"b": brackets(MAX_JSON_DEPTH)}]}}, "levels of JSON"),
    ],
)
def test_refusals_name_what_is_wrong(spec: dict[str, Any], named: str) -> None:
    with pytest.raises(InvalidFilter, match=None) as caught:
        compile_filter(spec)
    assert named in str(caught.value)


def test_the_deepest_allowed_filter_compiles() -> None:
    assert compile_filter(nested(MAX_DEPTH))(EVENT) is (MAX_DEPTH % 2 == 1)


@pytest.mark.parametrize("spec", [[], "x", 1, None])
def test_a_filter_is_an_object(spec: Any) -> None:
    with pytest.raises(InvalidFilter, match="JSON object"):
        compile_filter(spec)
