"""Kombo's unified records as the canonical resources: an employee of ``GET /hris/employees``, a
candidate, application and job of ``GET /ats/...``.

Kombo has already unified each tool's data, so this is mostly renaming. Its enums are mapped to
the canonical ones: ``employment_status`` ``ACTIVE``, ``PENDING`` and ``LEAVE`` as they read,
``INACTIVE`` ("not actively employed anymore", Kombo's API reference) as ``terminated``; the
employment types Kombo has and the catalogue has not (``FREELANCE``, ``WORKING_STUDENT``,
``APPRENTICESHIP``, ``TRAINING``) as the nearest one. Kombo writes dates as midnight UTC times
(``2021-01-30T00:00:00.000Z``); the date part is the day meant.
"""

from __future__ import annotations

from typing import Final

from providers import parse_date
from providers._records import employee_emails, full_name
from providers.kombo.payloads import (
    KomboApplication,
    KomboCandidate,
    KomboEmailAddress,
    KomboEmployee,
    KomboJob,
    KomboPhoneNumber,
)
from schemas.resources import (
    Application,
    Candidate,
    Employee,
    EmploymentStatus,
    EmploymentType,
    Job,
    JobStatus,
    Location,
    Person,
    Stage,
)

EMPLOYMENT_STATUS: Final[dict[str, EmploymentStatus]] = {
    "ACTIVE": "active",
    "PENDING": "pending",
    "LEAVE": "leave",
    "INACTIVE": "terminated",
}
EMPLOYMENT_TYPE: Final[dict[str, EmploymentType]] = {
    "FULL_TIME": "full_time",
    "PART_TIME": "part_time",
    "CONTRACT": "contractor",
    "FREELANCE": "contractor",
    "INTERNSHIP": "intern",
    "APPRENTICESHIP": "intern",
    "TRAINING": "intern",
    "WORKING_STUDENT": "part_time",
}
JOB_STATUS: Final[dict[str, JobStatus]] = {
    "OPEN": "open",
    "CLOSED": "closed",
    "DRAFT": "draft",
    "ARCHIVED": "archived",
}


def employee_of(record: KomboEmployee) -> Employee:
    """An employee of Kombo's HRIS API as the canonical ``Employee``."""
    status = record.employment_status
    manager = record.manager
    manager_id = record.manager_id or (manager.id if manager else None)
    department = next(
        (g.name for g in record.groups or [] if g.type == "DEPARTMENT" and g.name), None
    )
    return Employee(
        id=record.id,
        name=record.display_full_name or full_name(record.first_name, record.last_name),
        first_name=record.first_name,
        last_name=record.last_name,
        **employee_emails(record.work_email, record.personal_email),
        phone=record.mobile_phone_number,
        job_title=record.job_title,
        department=department,
        manager=Person(
            id=manager_id,
            name=(manager.display_full_name or full_name(manager.first_name, manager.last_name))
            if manager
            else None,
            email=manager.work_email if manager else None,
        )
        if manager_id
        else None,
        location=Location(name=record.work_location.name)
        if record.work_location and record.work_location.name
        else None,
        status=status,
        employment_status=EMPLOYMENT_STATUS.get(status, "unknown") if status else None,
        raw_status=status,
        employment_type=EMPLOYMENT_TYPE.get(record.employment_type, "unknown")
        if record.employment_type
        else None,
        start_date=parse_date(record.start_date),
        termination_date=parse_date(record.termination_date),
        employee_number=record.employee_number,
    )


def _first_email(found: list[KomboEmailAddress] | None) -> str | None:
    return next((e.email_address for e in found or [] if e.email_address), None)


def _first_phone(found: list[KomboPhoneNumber] | None) -> str | None:
    return next((p.phone_number for p in found or [] if p.phone_number), None)


def candidate_of(record: KomboCandidate) -> Candidate:
    """A candidate of Kombo's ATS API as the canonical ``Candidate``."""
    tags = [t.name for t in record.tags or [] if t.name]
    return Candidate(
        id=record.id,
        name=full_name(record.first_name, record.last_name),
        email=_first_email(record.email_addresses),
        phone=_first_phone(record.phone_numbers),
        tags=tags or None,
    )


def application_of(record: KomboApplication) -> Application:
    """An application of Kombo's ATS API as the canonical ``Application``: its candidate, job and
    current stage as far as the application names them."""
    person = record.candidate
    candidate_id = record.candidate_id or (person.id if person else None)
    job_id = record.job_id or (record.job.id if record.job else None)
    stage_id = record.current_stage_id or (
        record.current_stage.id if record.current_stage else None
    )
    return Application(
        id=record.id,
        candidate=(candidate_of(person) if person else Candidate(id=candidate_id))
        if candidate_id or person
        else None,
        job=Job(id=job_id, title=record.job.name if record.job else None) if job_id else None,
        stage=Stage(id=stage_id, name=record.current_stage.name if record.current_stage else None)
        if stage_id
        else None,
        rejection_reason=record.rejection_reason_name,
    )


def job_of(record: KomboJob) -> Job:
    """A job of Kombo's ATS API as the canonical ``Job``."""
    place = record.location
    return Job(
        id=record.id,
        title=record.name,
        status=JOB_STATUS.get(record.status, "unknown") if record.status else None,
        raw_status=record.status,
        employment_type=record.employment_type,
        department=record.department,
        location=Location(
            name=place.raw, city=place.city, region=place.state, country=place.country
        )
        if place and (place.raw or place.city or place.state or place.country)
        else None,
    )


__all__ = ["application_of", "candidate_of", "employee_of", "job_of"]
