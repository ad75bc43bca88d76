"""One realistic Workable delivery per event type, as Workable sends it.

``employee_created`` is Workable's own published example, unchanged. Workable publishes no other
complete body, so the rest are built from its documentation: the envelope of that example
(``data``, ``id``, ``resource_type``, ``event_type``, ``fired_at``), the candidate fields of its
candidate-events and candidate-details references, the visible part of its ``employee_updated``
example, the "only the Employee ID" of ``employee_published``, and the time-off request shape of
its ``/timeoff/requests`` reference. The values (names, ids, times) are invented.
"""

from __future__ import annotations

from typing import Any

_ACCOUNT = {"subdomain": "groove-tech", "name": "Groove Tech"}
_JOB = {"shortcode": "GROOV005", "title": "Office Manager"}

_CANDIDATE: dict[str, Any] = {
    "id": "ce4da98",
    "name": "Chloé Marrero",
    "firstname": "Chloé",
    "lastname": "Marrero",
    "headline": "Operations Manager at Northwind Traders",
    "image_url": "https://workable-application-form.s3.amazonaws.com/avatars/ce4da98.jpg",
    "account": _ACCOUNT,
    "job": _JOB,
    "stage": "Applied",
    "stage_kind": "applied",
    "disqualified": False,
    "withdrew": False,
    "disqualification_reason": None,
    "disqualified_at": None,
    "sourced": False,
    "profile_url": "https://groove-tech.workable.com/backend/jobs/128394/candidates/ce4da98",
    "address": "Athens, Greece",
    "phone": "+30 210 555 0142",
    "email": "chloe.marrero@example.com",
    "outbound_mailbox": "ce4da98@outbound.workablemail.com",
    "domain": "linkedin.com",
    "uploader_id": None,
    "created_at": "2025-03-03T09:12:44.000Z",
    "updated_at": "2025-03-03T09:12:44.000Z",
    "hired_at": None,
    "cover_letter": "I have run the front office of a 120-person company for six years.",
    "summary": "Office and operations manager; vendor management, onboarding, facilities.",
    "education_entries": [
        {
            "id": "8a1c2",
            "degree": "BSc",
            "school": "Athens University of Economics and Business",
            "field_of_study": "Business Administration",
            "start_date": "2011-09-01",
            "end_date": "2015-06-30",
        }
    ],
    "experience_entries": [
        {
            "id": "8a1c3",
            "title": "Operations Manager",
            "summary": "Ran facilities, vendors and the front desk.",
            "start_date": "2019-02-01",
            "end_date": None,
            "company": "Northwind Traders",
            "industry": "Wholesale",
            "current": True,
        }
    ],
    "skills": [{"name": "Vendor management"}, {"name": "Office 365"}],
    "tags": ["office-management", "greek-speaker"],
    "social_profiles": [
        {
            "type": "linkedin",
            "name": "LinkedIn",
            "url": "https://www.linkedin.com/in/chloe-marrero",
        }
    ],
    "location": {
        "location_str": "Athens, Attica, Greece",
        "country": "Greece",
        "country_code": "GR",
        "region": "Attica",
        "region_code": "I",
        "city": "Athens",
        "zip_code": "105 57",
    },
}

_MOVED: dict[str, Any] = {
    **_CANDIDATE,
    "stage": "Phone Screen",
    "stage_kind": "phone-screen",
    "updated_at": "2025-03-05T14:30:02.000Z",
}

_DELETED: dict[str, Any] = {
    key: _CANDIDATE[key]
    for key in ("id", "name", "firstname", "lastname", "email", "account", "job")
}

SAMPLES: dict[str, dict[str, Any]] = {
    "candidate_created": {
        "data": _CANDIDATE,
        "id": "ce4da98",
        "resource_type": "candidate",
        "event_type": "candidate_created",
        "fired_at": "2025-03-03T09:12:45.318Z",
    },
    "candidate_moved": {
        "data": _MOVED,
        "id": "ce4da98",
        "resource_type": "candidate",
        "event_type": "candidate_moved",
        "fired_at": "2025-03-05T14:30:02.941Z",
    },
    "candidate_deleted": {
        "data": _DELETED,
        "id": "ce4da98",
        "resource_type": "candidate",
        "event_type": "candidate_deleted",
        "fired_at": "2025-04-01T08:00:12.004Z",
    },
    "employee_created": {
        "data": {
            "id": "4d3",
            "status": "status_draft",
            "lastname": "Kydde",
            "firstname": "Obediah",
            "job_title": "Software Engineer",
            "department": "4d3",
            "start_date": "2022-09-13T16:56:33.000Z",
            "phone_group": [
                {
                    "value": {"phone": "+256 873 655 5527", "phone_type": "phone_type_mobile"},
                    "row_id": "4dc",
                    "history_of": None,
                    "is_primary": True,
                }
            ],
            "legal_entity": "6dd32255-668e-4d7a-9542-086fd65c41b0",
            "personal_email": [
                {
                    "value": "okydde0@answers.com",
                    "row_id": "4d7",
                    "history_of": None,
                    "is_primary": True,
                }
            ],
            "employee_number": "1",
        },
        "id": "4d3",
        "resource_type": "employee",
        "event_type": "employee_created",
        "fired_at": "2024-01-08T14:01:06.217Z",
    },
    "employee_updated": {
        "data": {
            "id": "4d3",
            "personal_email": [
                {
                    "value": "johndoe@workable.com",
                    "row_id": "403ae",
                    "history_of": None,
                    "is_primary": True,
                }
            ],
            "address": {"id": "ChIJ8zG0j26ioRQRQ5IgQ3mRBjY", "description": "Athens, Greece"},
        },
        "id": "4d3",
        "resource_type": "employee",
        "event_type": "employee_updated",
        "fired_at": "2024-01-09T10:22:41.530Z",
    },
    "employee_published": {
        "data": {"id": "4d3"},
        "id": "4d3",
        "resource_type": "employee",
        "event_type": "employee_published",
        "fired_at": "2024-01-10T08:45:00.102Z",
    },
    "onboarding_completed": {
        "data": {
            "id": "4d3",
            "firstname": "Obediah",
            "lastname": "Kydde",
            "onboarding": {
                "completed_at": "2024-01-12T16:03:27.000Z",
                "tasks": [
                    {"title": "Sign the employment contract", "status": "completed"},
                    {"title": "Upload a copy of your ID", "status": "completed"},
                    {"title": "Add your bank details", "status": "completed"},
                ],
            },
        },
        "id": "4d3",
        "resource_type": "employee",
        "event_type": "onboarding_completed",
        "fired_at": "2024-01-12T16:03:28.660Z",
    },
    "timeoff_updated": {
        "data": {
            "id": "4d3",
            "firstname": "Obediah",
            "lastname": "Kydde",
            "timeoff_request": {
                "id": "135b",
                "from_date": "2024-04-04T00:00:00.000",
                "to_date": "2024-04-12T00:00:00.000",
                "formatted_period": "04 April 2024 - 12 April 2024",
                "state": "approved",
                "requesting_total": 7,
                "timeoff_tracking_unit": "full_days",
                "half_days": [],
                "updated_by": "Dan Snow",
                "updated_at": "2024-04-04T09:58:08.724Z",
                "category_name": "Paid time off",
            },
        },
        "id": "4d3",
        "resource_type": "employee",
        "event_type": "timeoff_updated",
        "fired_at": "2024-04-04T09:58:09.113Z",
    },
}
