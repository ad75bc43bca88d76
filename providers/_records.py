"""Canonical records as vendors' mappings and completers build them. No I/O.

A person's fields read the same for every vendor: ``full_name`` joins a name's given parts, and
``employee_emails`` gives an ``Employee``'s three e-mail fields (``email`` the work address, else
the personal one, as ``Employee`` documents).

``filled`` is completers' one merge. A thin event knows little (an id, and what its type says:
``employee.left`` means terminated), the record its vendor's API read knows the rest. ``filled``
keeps every value the event set and takes the rest from the record, nested resources field by
field, so what the event said about itself is never overwritten by a record read a moment later.
``employee_of_employment`` is the one reading of an employment as what it says about its person,
for vendors whose API answers employments.
"""

from __future__ import annotations

from typing import TypedDict, TypeVar

import msgspec

from schemas.resources import Employee, Employment

R = TypeVar("R", bound=msgspec.Struct)


class EmployeeEmails(TypedDict):
    """An ``Employee``'s e-mail fields, to pass as ``Employee(..., **employee_emails(...))``."""

    email: str | None
    work_email: str | None
    personal_email: str | None


def full_name(*parts: str | None) -> str | None:
    """A person's name from its parts (first, last...): the given ones joined by a space,
    ``None`` when none is given."""
    return " ".join(part for part in parts if part) or None


def employee_emails(work: str | None, personal: str | None) -> EmployeeEmails:
    """An employee's e-mail fields: each address as the vendor holds it, and ``email`` the best
    one to reach them, the work address else the personal one."""
    return {"email": work or personal, "work_email": work, "personal_email": personal}


def filled(event: R, record: R | None) -> R:
    """``event`` with each field it left ``None`` taken from ``record`` (same Struct type)."""
    if record is None:
        return event
    if type(record) is not type(event):
        raise TypeError(f"cannot fill a {type(event).__name__} from a {type(record).__name__}")
    changes = {}
    for name in event.__struct_fields__:
        mine, theirs = getattr(event, name), getattr(record, name)
        if mine is None:
            if theirs is not None:
                changes[name] = theirs
        elif isinstance(mine, msgspec.Struct) and isinstance(theirs, msgspec.Struct):
            changes[name] = filled(mine, theirs)
    return msgspec.structs.replace(event, **changes) if changes else event


def filled_in(event: R | None, record: R) -> R:
    """``filled`` for a resource the event may lack altogether: then the record as it is."""
    return record if event is None else filled(event, record)


def employee_of_employment(employment: Employment) -> Employee:
    """What an employment says about its person, as the canonical ``Employee``: the job (title,
    department, manager, location, type), its status and its dates, the employment's end being
    the person's termination. The person's own fields (name, e-mail) stay ``None``."""
    return Employee(
        id=employment.employee_id,
        job_title=employment.job_title,
        department=employment.department,
        manager=employment.manager,
        location=employment.location,
        employment_status=employment.status,
        raw_status=employment.raw_status,
        employment_type=employment.employment_type,
        start_date=employment.start_date,
        termination_date=employment.end_date,
    )
