"""One Personio webhook body per ``event_name``, in the envelope of Personio's webhook reference.

Personio publishes the envelope's JSON schema (``company_id``, ``event_name``, ``occurred_at``,
``payload``, ``meta``) but no literal body per event, so these are assembled from it: ids only in
``payload`` (its "dataless notifications"), v2 ids for absences and attendances, as Personio's
changelog says they are.
"""

from __future__ import annotations

from typing import Any

_COMPANY = "41922"
_PERSON = "15482937"
_EMPLOYMENT = "20517734"
_ABSENCE = "c8a5b7e2-4d1f-4b6a-9e3c-2f7d8a1b0c94"
_ATTENDANCE = "0b9e4c71-7a2d-4f85-b3e6-5c1d9f2a8e40"
_DOCUMENT = "a3f6d2c8-1b7e-4c59-8d04-6e2b9f1a7c35"


def _event(name: str, occurred_at: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "company_id": _COMPANY,
        "event_name": name,
        "occurred_at": occurred_at,
        "payload": payload,
        "meta": {},
    }


_PERSON_REF = {"id": _PERSON}
_EMPLOYMENT_REF = {"id": _EMPLOYMENT, "person_id": _PERSON}

SAMPLES: dict[str, dict[str, Any]] = {
    "person.created": _event("person.created", "2025-03-03T08:15:02Z", _PERSON_REF),
    "person.updated": _event("person.updated", "2025-03-04T10:40:11Z", _PERSON_REF),
    "person.deleted": _event("person.deleted", "2025-09-30T16:05:47Z", _PERSON_REF),
    "employment.created": _event("employment.created", "2025-03-03T08:15:03Z", _EMPLOYMENT_REF),
    "employment.updated": _event("employment.updated", "2025-05-12T09:02:30Z", _EMPLOYMENT_REF),
    "employment.updated.cost-centers": _event(
        "employment.updated.cost-centers", "2025-05-12T09:03:10Z", _EMPLOYMENT_REF
    ),
    "employment.deleted": _event("employment.deleted", "2025-09-30T16:05:48Z", _EMPLOYMENT_REF),
    "employment.started": _event("employment.started", "2025-04-01T00:00:00Z", _EMPLOYMENT_REF),
    "employment.terminated": _event(
        "employment.terminated", "2025-09-30T00:00:00Z", _EMPLOYMENT_REF
    ),
    "absence-period.created": _event(
        "absence-period.created", "2025-06-02T07:48:19Z", {"id": _ABSENCE, "person_id": _PERSON}
    ),
    "absence-period.updated.timerange": _event(
        "absence-period.updated.timerange",
        "2025-06-03T12:20:45Z",
        {"id": _ABSENCE, "person_id": _PERSON},
    ),
    "absence-period.updated.status": _event(
        "absence-period.updated.status",
        "2025-06-03T14:02:08Z",
        {"id": _ABSENCE, "person_id": _PERSON},
    ),
    "absence-period.deleted": _event(
        "absence-period.deleted", "2025-06-10T09:31:56Z", {"id": _ABSENCE, "person_id": _PERSON}
    ),
}
"""One body per mapped event name; ``adapter.EVENT_TYPES`` maps each."""

UNMAPPED_SAMPLES: dict[str, dict[str, Any]] = {
    "attendance-period.created": _event(
        "attendance-period.created",
        "2025-06-02T17:31:04Z",
        {"id": _ATTENDANCE, "person_id": _PERSON},
    ),
    "attendance-period.updated": _event(
        "attendance-period.updated",
        "2025-06-02T17:45:22Z",
        {"id": _ATTENDANCE, "person_id": _PERSON},
    ),
    "attendance-period.deleted": _event(
        "attendance-period.deleted",
        "2025-06-02T18:00:40Z",
        {"id": _ATTENDANCE, "person_id": _PERSON},
    ),
    "document.created": _event(
        "document.created", "2025-03-05T11:12:13Z", {"id": _DOCUMENT, "person_id": _PERSON}
    ),
    "document.updated": _event(
        "document.updated", "2025-03-06T11:12:13Z", {"id": _DOCUMENT, "person_id": _PERSON}
    ),
    "document.signed": _event(
        "document.signed", "2025-03-07T15:20:00Z", {"id": _DOCUMENT, "person_id": _PERSON}
    ),
    "document.deleted": _event(
        "document.deleted", "2025-03-08T09:00:00Z", {"id": _DOCUMENT, "person_id": _PERSON}
    ),
}
"""Bodies of the documented events unihook stores as ``unmapped`` (``adapter.UNMAPPED``)."""
