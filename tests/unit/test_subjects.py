"""The canonical event's ``subject``: derived per type family from the ``data`` Struct."""

from __future__ import annotations

import msgspec
import pytest

from schemas import CATALOGUE, Normalized, to_event
from schemas.events import (
    ApplicationData,
    DataChangedData,
    EmployeeChangedData,
    SyncData,
    TestData,
    UserData,
)
from schemas.resources import Application, Candidate, Connector, Person, Resource
from schemas.subjects import rule_for, subject_of


def _event(event_type: str, data: object) -> dict[str, object]:
    parts = Normalized(
        type=event_type,
        timestamp="2025-01-01T00:00:00Z",
        event_id="e1",
        event_type="vendorType",
        completeness="full",
        data=data,  # type: ignore[arg-type]
    )
    event = to_event(
        parts, id="evt_1", tenant="acme", provider="p", connection_id="con_1", received_at="x"
    )
    decoded: dict[str, object] = msgspec.json.decode(msgspec.json.encode(event))
    return decoded


def test_every_resource_family_names_its_resource() -> None:
    expected = {
        "ats.application": "application",
        "ats.candidate": "candidate",
        "ats.job": "job",
        "ats.note": "note",
        "ats.interview": "interview",
        "ats.offer": "offer",
        "ats.referral": "referral",
        "ats.user": "user",
        "hris.employee": "employee",
        "hris.employment": "employment",
        "hris.time_off": "time_off",
        "hris.payroll": "payroll",
        "hris.payslip": "payslip",
        "hris.company": "company",
    }
    assert expected.keys() <= {t.family for t in CATALOGUE.values()}
    for t in CATALOGUE.values():
        if t.family in expected and not t.subject_rule.id_lists:  # ``hris.employee.changed``
            assert t.subject_rule.resources[0] == expected[t.family], t.name


def test_subject_is_in_the_envelope_before_completeness() -> None:
    event = _event(
        "ats.application.stage_changed", ApplicationData(application=Application(id="a1"))
    )
    assert event["subject"] == "application/a1"
    assert list(event).index("subject") == list(event).index("source") + 1


@pytest.mark.parametrize(
    ("event_type", "data", "subject"),
    [
        (
            "ats.application.created",
            ApplicationData(application=Application(candidate=Candidate(id="c3"))),
            "candidate/c3",
        ),
        ("ats.user.created", UserData(user=Person(id="u9")), "user/u9"),
        ("hris.employee.changed", EmployeeChangedData(employee_ids=["e7"]), "employee/e7"),
        (
            "hris.employee.changed",
            EmployeeChangedData(employee_ids=["e7", "e8"], connector=Connector(id="c1")),
            "connector/c1",
        ),
        (
            "hris.data.changed",
            DataChangedData(record_ids=["r1"], connector=Connector(id="c1")),
            "connector/c1",
        ),
        ("connection.sync.started", SyncData(connector=Connector(id="c2")), "connector/c2"),
    ],
)
def test_rules_without_a_required_resource(event_type: str, data: object, subject: str) -> None:
    assert _event(event_type, data)["subject"] == subject


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("ats.application.created", ApplicationData(application=Application())),  # no ids
        ("hris.data.changed", DataChangedData(record_ids=["r1"])),  # records of any model
        ("ats.data.changed", DataChangedData(record_ids=["r1"], models=["ats_candidates"])),
        ("hris.employee.changed", EmployeeChangedData(employee_ids=[])),
        ("connection.sync.failed", SyncData()),
        ("connection.test", TestData(message="hi")),
        ("unmapped", {"anything": 1}),
    ],
)
def test_absent_when_the_event_names_no_resource(event_type: str, data: object) -> None:
    assert "subject" not in _event(event_type, data)


def test_overlong_vendor_ids_are_hashed_not_cut() -> None:
    long_id = "x" * 500
    subject = subject_of("ats.application", ApplicationData(application=Application(id=long_id)))
    assert subject is not None
    assert subject.startswith("application/sha256:")
    assert len(subject) < 300
    other = subject_of("ats.application", ApplicationData(application=Application(id="y" * 500)))
    assert other != subject


class Scorecard(Resource):
    id: str | None = None


class ScorecardData(Resource):
    scorecard: Scorecard
    actor: Person | None = None


def test_a_new_family_gets_a_rule_from_its_data_alone() -> None:
    rule = rule_for("ats.scorecard", ScorecardData)
    assert rule.resources == ("scorecard",)
    assert (
        subject_of("ats.scorecard", ScorecardData(scorecard=Scorecard(id="s1"))) == "scorecard/s1"
    )
