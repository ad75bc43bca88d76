"""Personio's webhook envelope, as msgspec Structs, from the JSON schema of its webhook reference.

Every delivery is ``{company_id, event_name, occurred_at, payload, meta?}``. Personio calls its
webhooks "dataless notifications": ``payload`` carries ids only. The reference does not print a
payload per event, so the shape read here is the id of the record the event names (``id``) and,
where an employment, absence, attendance or document event names its person, ``person_id``; ids
may be numbers or strings. Everything else is ignored here and kept in the event's ``raw``.
"""

from __future__ import annotations

from typing import Any

import msgspec

Id = str | int


class PersonioRecordRef(msgspec.Struct):
    """``payload``: the ids of the record the event is about."""

    id: Id | None = None
    person_id: Id | None = None
    employment_id: Id | None = None


class PersonioWebhook(msgspec.Struct):
    """The envelope every Personio webhook conforms to (its required fields are required)."""

    company_id: str
    event_name: str
    occurred_at: str
    payload: msgspec.Raw
    """Read as ``PersonioRecordRef`` for the event names unihook maps, left as sent otherwise."""
    meta: dict[str, Any] | None = None


class PersonioRef(msgspec.Struct):
    """A linked record in a v2 answer: ``{"id": ...}``."""

    id: Id | None = None


class PersonioPerson(msgspec.Struct, kw_only=True):
    """``GET /v2/persons/{id}`` (scope ``personio:persons:read``), the fields mapped."""

    id: Id
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    email: str | None = None
    employments: list[PersonioRef] = msgspec.field(default_factory=list)


class PersonioPosition(msgspec.Struct):
    title: str | None = None


class PersonioEmployment(msgspec.Struct, kw_only=True):
    """``GET /v2/persons/{person_id}/employments/{id}`` (scope ``personio:persons:read``)."""

    id: Id
    person: PersonioRef | None = None
    status: str | None = None
    """``ACTIVE``, ``INACTIVE``, ``ONBOARDING``, ``LEAVE``."""
    type: str | None = None
    """``INTERNAL`` or ``EXTERNAL``."""
    position: PersonioPosition | None = None
    supervisor: PersonioRef | None = None
    start_date: str | None = None
    end_date: str | None = None


class PersonioMoment(msgspec.Struct):
    date_time: str | None = None


class PersonioApproval(msgspec.Struct):
    status: str | None = None
    """``APPROVED``, ``PENDING``, ``REJECTED``."""


class PersonioAbsenceType(msgspec.Struct):
    id: Id | None = None
    name: str | None = None


class PersonioAbsencePeriod(msgspec.Struct, kw_only=True):
    """``GET /v2/absence-periods/{id}`` (scope ``personio:absences:read``)."""

    id: Id
    person: PersonioRef | None = None
    absence_type: PersonioAbsenceType | None = None
    starts_from: PersonioMoment | None = None
    ends_at: PersonioMoment | None = None
    approval: PersonioApproval | None = None
