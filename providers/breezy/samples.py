"""Realistic Breezy payloads, one per vendor event type (``send-test``, docs, golden files)."""

from __future__ import annotations

from typing import Any

_COMPANY = {"_id": "5e1f2b3c4d5e", "name": "Acme Robotics", "friendly_id": "acme-robotics"}
_USER = {
    "_id": "u_7a8b9c",
    "email_address": "renee.dupont@acme.example",
    "name": "Renée Dupont",
    "profile_photo_url": "https://cdn.example/u_7a8b9c.png",
}
_POSITION_SHORT = {
    "_id": "p_1f2e3d",
    "name": "Senior Backend Engineer",
    "pipeline_id": "pl_default",
    "all_admins": True,
    "location": {"name": "Berlin, Germany"},
}
_POSITION_FULL = {
    "_id": "p_1f2e3d",
    "name": "Senior Backend Engineer",
    "friendly_id": "senior-backend-engineer",
    "state": "published",
    "type": "fullTime",
    "location": {"name": "Berlin, Germany", "city": "Berlin", "state": "BE", "country": "DE"},
    "department": "Engineering",
}
_CANDIDATE = {
    "_id": "c_42abcd",
    "name": "José Álvarez",
    "email_address": "jose.alvarez@mail.example",
    "phone_number": "+49 30 1234567",
    "profile_photo_url": "https://cdn.example/c_42abcd.jpg",
    "tags": ["backend", "referral"],
}
_SOURCE = {"type": "job_board", "id": "src_linkedin", "name": "LinkedIn"}
_EXTERNAL = {"id": "ext_99", "name": "Greenhouse import"}


def _env(event_id: str, kind: str, obj: dict[str, Any], when: str) -> dict[str, Any]:
    return {"_id": event_id, "type": kind, "object": obj, "creation_date": when}


SAMPLES: dict[str, dict[str, Any]] = {
    "candidateAdded": _env(
        "66f1c0ffee0001",
        "candidateAdded",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "stage": {"id": "applied", "name": "Applied"},
            "entered_stage": "2025-01-15T10:29:58.000Z",
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "source": _SOURCE,
            "external_source": _EXTERNAL,
        },
        "2025-01-15T10:30:00.000Z",
    ),
    "candidateDeleted": _env(
        "66f1c0ffee0002",
        "candidateDeleted",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
        },
        "2025-01-16T08:00:00.000Z",
    ),
    "candidateStatusUpdated": _env(
        "66f1c0ffee0003",
        "candidateStatusUpdated",
        {
            "company": _COMPANY,
            "position": _POSITION_SHORT,
            "stage_was": {"id": "applied", "name": "Applied"},
            "entered_previous_stage": "2025-01-15T10:29:58.000Z",
            "stage": {"id": "phone_screen", "name": "Phone Screen"},
            "entered_stage": "2025-01-17T09:15:00.000Z",
            "time_in_previous_stage": 168302,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "source": _SOURCE,
            "external_source": _EXTERNAL,
        },
        "2025-01-17T09:15:00.000Z",
    ),
    "companyPositionAdded": _env(
        "66f1c0ffee0004",
        "companyPositionAdded",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "draft"},
            "acting_user": _USER,
        },
        "2025-01-10T12:00:00.000Z",
    ),
    "companyPositionUpdated": _env(
        "66f1c0ffee0005",
        "companyPositionUpdated",
        {"company": _COMPANY, "position": _POSITION_FULL, "acting_user": _USER},
        "2025-01-11T12:00:00.000Z",
    ),
    "companyPositionDeleted": _env(
        "66f1c0ffee0006",
        "companyPositionDeleted",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "archived"},
            "acting_user": _USER,
        },
        "2025-03-01T12:00:00.000Z",
    ),
    "companyPositionStateUpdated": _env(
        "66f1c0ffee0007",
        "companyPositionStateUpdated",
        {
            "company": _COMPANY,
            "position": {**_POSITION_FULL, "state": "closed"},
            "acting_user": _USER,
            "state_is": "closed",
            "state_was": "published",
        },
        "2025-02-20T17:45:00.000Z",
    ),
    "companyNotePosted": _env(
        "66f1c0ffee0008",
        "companyNotePosted",
        {
            "company_id": "5e1f2b3c4d5e",
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "body": "Strong system design round — move to onsite? 👍",
            "attachments": [{"name": "scorecard.pdf", "url": "https://cdn.example/scorecard.pdf"}],
        },
        "2025-01-18T14:02:00.000Z",
    ),
    "companyNoteUpdated": _env(
        "66f1c0ffee0009",
        "companyNoteUpdated",
        {
            "note_id": "n_5566",
            "company_id": "5e1f2b3c4d5e",
            "position": _POSITION_SHORT,
            "candidate": _CANDIDATE,
            "acting_user": _USER,
            "body": "Strong system design round — onsite booked.",
            "attachments": [],
        },
        "2025-01-18T15:10:00.000Z",
    ),
    "companyNoteDeleted": _env(
        "66f1c0ffee000a",
        "companyNoteDeleted",
        {"note_id": "n_5566", "company_id": "5e1f2b3c4d5e", "acting_user": _USER},
        "2025-01-19T09:00:00.000Z",
    ),
}
