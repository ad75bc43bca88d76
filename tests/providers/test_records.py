"""The completers' one merge: what a thin event says is kept, the record read fills the rest."""

from __future__ import annotations

import pytest

from providers._records import filled, filled_in
from schemas.resources import Employee, Person, TimeOff


def test_the_events_values_win_and_the_record_fills_the_gaps() -> None:
    event = Employee(id="e1", employment_status="terminated", raw_status="left")
    record = Employee(id="e1", name="Ada", employment_status="active", job_title="Engineer")
    assert filled(event, record) == Employee(
        id="e1",
        name="Ada",
        job_title="Engineer",
        employment_status="terminated",
        raw_status="left",
    )


def test_nested_resources_are_filled_field_by_field() -> None:
    event = Employee(id="e1", manager=Person(id="m1"))
    record = Employee(id="e1", manager=Person(id="m2", name="Grace", email="g@example.com"))
    assert filled(event, record).manager == Person(id="m1", name="Grace", email="g@example.com")


def test_no_record_leaves_the_event_and_no_event_takes_the_record() -> None:
    event = Employee(id="e1")
    assert filled(event, None) is event
    assert filled_in(None, Employee(id="e2", name="Alan")) == Employee(id="e2", name="Alan")


def test_records_of_another_type_are_refused() -> None:
    with pytest.raises(TypeError):
        filled(Employee(id="e1"), TimeOff(id="t1"))  # type: ignore[type-var]
