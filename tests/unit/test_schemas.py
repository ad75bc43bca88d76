"""The canonical schema's invariants: every resource field optional, absent values omitted."""

from __future__ import annotations

import inspect
import typing

import msgspec
import pytest

from schemas import CATALOGUE, EVENT_ENCODER, resources
from schemas.resources import Resource

RESOURCES = [
    cls
    for _, cls in inspect.getmembers(resources, inspect.isclass)
    if issubclass(cls, Resource) and cls is not Resource
]


@pytest.mark.parametrize("cls", RESOURCES, ids=lambda c: c.__name__)
def test_every_resource_field_is_optional_and_omitted_when_absent(cls: type[Resource]) -> None:
    assert all(not field.required for field in msgspec.structs.fields(cls)), cls
    assert EVENT_ENCODER.encode(cls()) == b"{}"


@pytest.mark.parametrize("name", sorted(set(CATALOGUE) - {"unmapped"}))
def test_every_type_s_data_requires_only_its_resource(name: str) -> None:
    data = typing.get_type_hints(CATALOGUE[name].struct)["data"]
    required = [f.name for f in msgspec.structs.fields(data) if f.required]
    assert len(required) <= 1, (name, required)
    schema = CATALOGUE[name].json_schema()
    assert schema["$defs"], name


def test_new_resource_fields_round_trip() -> None:
    offer = resources.Offer(id="1", status="Accepted", version=2, sent_at="2013-03-22")
    interview = resources.Interview(
        id="9",
        status="scheduled",
        start="2025-01-15T10:00:00Z",
        end="2025-01-15T11:00:00Z",
        interviewers=[resources.Person(id="u1", name="Ada")],
    )
    app = resources.Application(id="a", prospect=True, rejection_reason="Lacks skill")
    for value in (offer, interview, app):
        assert msgspec.json.decode(EVENT_ENCODER.encode(value), type=type(value)) == value
    assert b"null" not in EVENT_ENCODER.encode(app)
