"""One realistic Recruitee webhook body per event type, and the edge bodies its docs show.

Recruitee's docs give the Test button's body verbatim (``{"test":true}``) but no event body; the
event bodies follow the shape its request log shows and public receivers read (``id``,
``attempt_count``, ``created_at``, ``event_type``, ``event_subtype``, ``payload`` with
``candidate``, ``offer``, ``company`` and ``details``), with plausible values.
"""

from __future__ import annotations

from typing import Any

_COMPANY = {"id": 48213, "name": "Acme Robotics", "subdomain": "acmerobotics"}
_CANDIDATE = {
    "id": 5523871,
    "name": "Zoë Kraaijenbrink",
    "emails": ["zoe.kraaijenbrink@mail.example"],
    "phones": ["+31 6 1234 5678"],
    "photo_thumb_url": "https://recruitee-main.s3.example/candidates/5523871/thumb.png",
    "tags": ["python", "referral"],
}
_OFFER = {
    "id": 912044,
    "title": "Senior Backend Engineer",
    "kind": "job",
    "slug": "senior-backend-engineer",
    "status": "published",
    "department": "Engineering",
}
_APPLIED = {"id": 3310021, "name": "Applied", "category": "apply"}
_INTERVIEW = {"id": 3310024, "name": "Technical interview", "category": "interview"}
_DISQUALIFIED = {"id": 3310029, "name": "Disqualified", "category": "disqualified"}


def _event(
    event_id: int, event_type: str, subtype: str, created_at: str, **payload: Any
) -> dict[str, Any]:
    return {
        "id": event_id,
        "attempt_count": 1,
        "created_at": created_at,
        "event_type": event_type,
        "event_subtype": subtype,
        "payload": {"company": _COMPANY, **payload},
    }


SAMPLES: dict[str, dict[str, Any]] = {
    "candidate_created": _event(
        70001231, "candidate_created", "career_site", "2025-03-03T09:12:44Z", candidate=_CANDIDATE
    ),
    "candidate_assigned": _event(
        70001232,
        "candidate_assigned",
        "assigned_to_job",
        "2025-03-03T09:12:45Z",
        candidate=_CANDIDATE,
        offer=_OFFER,
        details={"to_stage": _APPLIED},
    ),
    "candidate_moved": _event(
        70001240,
        "candidate_moved",
        "stage_changed",
        "2025-03-10T14:01:06Z",
        candidate=_CANDIDATE,
        offer=_OFFER,
        details={"from_stage": _APPLIED, "to_stage": _INTERVIEW},
    ),
    "candidate_deleted": _event(
        70001299,
        "candidate_deleted",
        "deleted",
        "2025-04-01T08:00:00Z",
        candidate={"id": 5523871},
    ),
    "test": {"test": True},
}

VARIANTS: dict[str, dict[str, Any]] = {
    "candidate_moved:disqualified": _event(
        70001251,
        "candidate_moved",
        "disqualified",
        "2025-03-12T10:30:00Z",
        candidate=_CANDIDATE,
        offer=_OFFER,
        details={
            "from_stage": _INTERVIEW,
            "to_stage": _DISQUALIFIED,
            "disqualify_reason": "Not enough experience",
        },
    ),
    "candidate_moved:requalified": _event(
        70001262,
        "candidate_moved",
        "requalified",
        "2025-03-13T11:45:00Z",
        candidate=_CANDIDATE,
        offer=_OFFER,
        details={"from_stage": _DISQUALIFIED, "to_stage": _INTERVIEW},
    ),
    "test:test_payload": {
        **_event(
            70001270,
            "candidate_moved",
            "stage_changed",
            "2025-03-14T12:00:00Z",
            candidate=_CANDIDATE,
            offer=_OFFER,
            details={"from_stage": _APPLIED, "to_stage": _INTERVIEW},
        ),
        "test": True,
    },
}
"""The disqualify and requalify moves, and a Test payload button's body (an example event with
``test`` added)."""
