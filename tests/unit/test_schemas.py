"""The canonical schema's invariants: every resource field optional, absent values omitted."""

from __future__ import annotations

import inspect
import re
import typing
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import msgspec
import pytest

from providers.testing import jsonschema_validate
from schemas import CATALOGUE, EVENT_DECODER, EVENT_ENCODER, Normalized, resources, to_event
from schemas.events import ConnectionData, DataChangedData, EmployeeData
from schemas.examples import EXAMPLES
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


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_published_schema_is_a_valid_json_schema(name: str) -> None:
    """Checked here once a type: the conformance kit's validators skip it (it is most of what
    building one costs, and every worker built one a type)."""
    schema = CATALOGUE[name].json_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)


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


# ---- third round: HRIS, unified APIs --------------------------------------------------------

THIRD_ROUND_TYPES = [
    "hris.employee.created",
    "hris.employee.updated",
    "hris.employee.deleted",
    "hris.employee.started",
    "hris.employee.terminated",
    "hris.employment.created",
    "hris.employment.updated",
    "hris.employment.deleted",
    "hris.time_off.updated",
    "hris.time_off.requested",
    "hris.time_off.approved",
    "hris.time_off.declined",
    "hris.time_off.cancelled",
    "hris.payroll.created",
    "hris.payroll.updated",
    "hris.payroll.submitted",
    "hris.payroll.paid",
    "hris.payroll.cancelled",
    "hris.payslip.released",
    "hris.company.created",
    "hris.company.updated",
    "hris.data.changed",
    "ats.data.changed",
    "connection.created",
    "connection.updated",
    "connection.deleted",
    "connection.sync.started",
    "connection.sync.completed",
    "connection.sync.failed",
    "connection.test",
]


# ``<domain>.<resource>.<past-tense verb>``; the ``connection`` domain is its own resource.
NAMING_RULE = re.compile(r"(ats|hris)(\.[a-z]+(_[a-z]+)*){2}|connection(\.[a-z]+){1,2}")


def _event_json(parts: Normalized) -> Any:
    event = to_event(
        parts,
        id="evt_1",
        tenant="acme",
        provider="example",
        connection_id="con_1",
        received_at="2025-01-15T10:30:01Z",
    )
    return msgspec.json.decode(EVENT_ENCODER.encode(event))


def test_the_third_round_families_are_catalogued_with_descriptions() -> None:
    for name in THIRD_ROUND_TYPES:
        assert name in CATALOGUE, name
        assert CATALOGUE[name].description.strip(), name
        assert NAMING_RULE.fullmatch(name), name


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_illustrative_example_validates_against_its_json_schema(name: str) -> None:
    parts = EXAMPLES[name]
    assert parts.type == name
    event = _event_json(parts)
    jsonschema_validate(event, name)
    decoded = EVENT_DECODER.decode(msgspec.json.encode(event))
    assert decoded.__struct_config__.tag == name
    assert _event_json(parts) == msgspec.json.decode(EVENT_ENCODER.encode(decoded))


def test_every_new_type_without_an_adapter_has_an_illustrative_example() -> None:
    new = set(THIRD_ROUND_TYPES) - {
        "hris.employee.created",
        "hris.employee.updated",
        "hris.time_off.updated",
        "hris.data.changed",
        "connection.sync.started",
        "connection.sync.completed",
        "connection.sync.failed",
        "connection.test",
    }
    assert new <= set(EXAMPLES), sorted(new - set(EXAMPLES))


@pytest.mark.parametrize(
    ("struct", "field", "values"),
    [
        (
            resources.Employee,
            "employment_status",
            {"active", "pending", "leave", "inactive", "terminated", "unknown"},
        ),
        (
            resources.Employee,
            "employment_type",
            {"full_time", "part_time", "contractor", "intern", "temporary", "unknown"},
        ),
        (
            resources.Employment,
            "employment_type",
            {"full_time", "part_time", "contractor", "intern", "temporary", "unknown"},
        ),
        (
            resources.TimeOff,
            "approval_status",
            {"requested", "approved", "declined", "cancelled", "unknown"},
        ),
        (
            resources.Payroll,
            "status",
            {
                "draft",
                "submitted",
                "processed",
                "paid",
                "failed",
                "cancelled",
                "reversed",
                "unknown",
            },
        ),
        (resources.ConnectionIssue, "status", {"open", "resolved", "unknown"}),
    ],
)
def test_enumerated_fields_accept_their_values_and_reject_others(
    struct: type[Resource], field: str, values: set[str]
) -> None:
    for value in values:
        assert (
            getattr(msgspec.json.decode(f'{{"{field}": "{value}"}}', type=struct), field) == value
        )
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(f'{{"{field}": "Active"}}', type=struct)


def test_an_employee_event_with_an_unknown_status_fails_its_json_schema() -> None:
    parts = Normalized(
        type="hris.employee.terminated",
        timestamp="2025-01-15T10:30:00Z",
        event_id="e1",
        event_type="employee.left",
        completeness="reference",
        data=EmployeeData(employee=resources.Employee(id="e1")),
    )
    event = _event_json(parts)
    schema = CATALOGUE["hris.employee.terminated"].json_schema()
    jsonschema.validate(event, schema)
    assert event["subject"] == "employee/e1"
    event["data"]["employee"]["employment_status"] = "fired"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, schema)


def test_existing_employee_and_time_off_fields_keep_their_shape() -> None:
    """The fields first published for Workable still decode as they did (additive change)."""
    employee = msgspec.json.decode(
        b'{"id":"4d3","name":"A B","email":"a@x","status":"status_draft",'
        b'"start_date":"2022-09-13","employee_number":"1"}',
        type=resources.Employee,
    )
    assert employee.status == "status_draft"
    time_off = msgspec.json.decode(
        b'{"id":"1","type":"PTO","status":"pending approval","start":"2024-04-04","end":"2024-04-12"}',
        type=resources.TimeOff,
    )
    assert time_off.status == "pending approval"


def test_data_changed_names_its_models_and_its_subject_is_the_connector() -> None:
    for name in ("hris.data.changed", "ats.data.changed"):
        parts = Normalized(
            type=name,
            timestamp="2025-01-15T10:30:00Z",
            event_id="e1",
            event_type="data-changed",
            completeness="reference",
            data=DataChangedData(
                record_ids=["r1"], models=["ats_candidates"], connector=resources.Connector(id="k1")
            ),
        )
        event = _event_json(parts)
        jsonschema.validate(event, CATALOGUE[name].json_schema())
        assert event["data"]["models"] == ["ats_candidates"]
        assert event["subject"] == "connector/k1"


def test_a_connection_event_carries_the_end_user_s_own_id_and_an_issue() -> None:
    data = ConnectionData(
        connector=resources.Connector(
            id="la1", end_user=resources.EndUser(id="origin-7", email="it@acme.example")
        ),
        issue=resources.ConnectionIssue(id="i1", status="open", raw_status="ONGOING", message="x"),
    )
    parts = Normalized(
        type="connection.updated",
        timestamp="2025-01-15T10:30:00Z",
        event_id="e1",
        event_type="Issue.created",
        completeness="full",
        data=data,
    )
    event = _event_json(parts)
    jsonschema.validate(event, CATALOGUE["connection.updated"].json_schema())
    assert event["subject"] == "connector/la1"
    assert event["data"]["connector"]["end_user"]["id"] == "origin-7"
    assert event["data"]["issue"]["status"] == "open"
