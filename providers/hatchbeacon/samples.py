"""Realistic HatchBeacon payloads, one per vendor event type (``send-test``, docs, golden files)."""

from __future__ import annotations

from typing import Any

_RECRUITER = {
    "userId": "65a1f0c2e4b0a1b2c3d4e5f6",
    "userName": "Zoë Ångström",
    "userEmail": "zoe.angstrom@hatchbeacon.example",
}
_CANDIDATE = {"candidateName": "李雷", "jobTitle": "Senior Developer"}


def _audit(
    event: str,
    when: str,
    action: str,
    resource_type: str,
    resource_id: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    return {
        "event": event,
        "timestamp": when,
        "data": {
            "log": {
                "action": action,
                "resourceType": resource_type,
                "resourceId": resource_id,
                **_RECRUITER,
                "timestamp": when,
            },
            "details": details,
        },
    }


SAMPLES: dict[str, dict[str, Any]] = {
    "job_application_created": _audit(
        "job_application_created",
        "2025-01-20T10:30:00.000Z",
        "create_application",
        "job_application",
        "6790a1b2c3d4e5f601234501",
        {"method": "POST", "path": "/job-applications", **_CANDIDATE},
    ),
    "job_application_updated": _audit(
        "job_application_updated",
        "2025-01-20T11:05:12.000Z",
        "update_application",
        "job_application",
        "6790a1b2c3d4e5f601234501",
        {"method": "PATCH", "path": "/job-applications/6790a1b2c3d4e5f601234501", **_CANDIDATE},
    ),
    "application_status_changed": _audit(
        "application_status_changed",
        "2025-01-21T09:15:00.000Z",
        "update_application_status",
        "job_application",
        "6790a1b2c3d4e5f601234501",
        {
            "method": "PATCH",
            "path": "/job-applications/6790a1b2c3d4e5f601234501/status",
            **_CANDIDATE,
            "previousStatus": "screening",
            "newStatus": "interview",
        },
    ),
    "interview_scheduled": _audit(
        "interview_scheduled",
        "2025-01-22T14:00:00.000Z",
        "create_interview",
        "interview",
        "6790a1b2c3d4e5f601234601",
        {"method": "POST", "path": "/interviews", **_CANDIDATE},
    ),
    "interview_completed": _audit(
        "interview_completed",
        "2025-01-24T16:45:00.000Z",
        "complete_interview",
        "interview",
        "6790a1b2c3d4e5f601234601",
        {"method": "PATCH", "path": "/interviews/6790a1b2c3d4e5f601234601/complete", **_CANDIDATE},
    ),
    "offer_sent": _audit(
        "offer_sent",
        "2025-01-27T10:00:00.000Z",
        "send_offer",
        "offer",
        "6790a1b2c3d4e5f601234701",
        {"method": "POST", "path": "/offers/6790a1b2c3d4e5f601234701/send", **_CANDIDATE},
    ),
    "offer_accepted": _audit(
        "offer_accepted",
        "2025-01-28T08:12:30.000Z",
        "accept_offer",
        "offer",
        "6790a1b2c3d4e5f601234701",
        {"method": "POST", "path": "/offers/6790a1b2c3d4e5f601234701/accept", **_CANDIDATE},
    ),
    "offer_rejected": _audit(
        "offer_rejected",
        "2025-01-28T08:20:00.000Z",
        "reject_offer",
        "offer",
        "6790a1b2c3d4e5f601234702",
        {
            "method": "POST",
            "path": "/offers/6790a1b2c3d4e5f601234702/reject",
            "candidateName": "Søren Østergaard",
            "jobTitle": "Product Designer",
        },
    ),
    "candidate_hired": _audit(
        "candidate_hired",
        "2025-01-29T09:00:00.000Z",
        "hire_candidate",
        "candidate",
        "6790a1b2c3d4e5f601234801",
        {"method": "POST", "path": "/candidates/6790a1b2c3d4e5f601234801/hire", **_CANDIDATE},
    ),
    "job_created": _audit(
        "job_created",
        "2025-01-10T12:00:00.000Z",
        "create_job",
        "job",
        "6790a1b2c3d4e5f601234901",
        {"method": "POST", "path": "/jobs", "jobTitle": "Senior Developer", "status": "draft"},
    ),
    "job_updated": _audit(
        "job_updated",
        "2025-01-11T12:00:00.000Z",
        "update_job",
        "job",
        "6790a1b2c3d4e5f601234901",
        {
            "method": "PUT",
            "path": "/jobs/6790a1b2c3d4e5f601234901",
            "jobTitle": "Senior Developer (Backend)",
            "status": "open",
        },
    ),
    "job_closed": _audit(
        "job_closed",
        "2025-02-20T17:45:00.000Z",
        "close_job",
        "job",
        "6790a1b2c3d4e5f601234901",
        {
            "method": "POST",
            "path": "/jobs/6790a1b2c3d4e5f601234901/close",
            "jobTitle": "Senior Developer (Backend)",
        },
    ),
    "referral_created": _audit(
        "referral_created",
        "2025-01-15T08:30:00.000Z",
        "create_referral",
        "referral",
        "6790a1b2c3d4e5f601235001",
        {
            "method": "POST",
            "path": "/referrals",
            "candidateName": "Søren Østergaard",
            "jobTitle": "Product Designer",
        },
    ),
    "note_added": _audit(
        "note_added",
        "2025-01-21T09:20:00.000Z",
        "create_note",
        "note",
        "6790a1b2c3d4e5f601235101",
        {
            "method": "POST",
            "path": "/job-applications/6790a1b2c3d4e5f601234501/notes",
            **_CANDIDATE,
            "content": "Great culture fit — 强烈推荐 for the onsite.",
        },
    ),
    "user_created": _audit(
        "user_created",
        "2025-01-05T07:00:00.000Z",
        "create_user",
        "user",
        "6790a1b2c3d4e5f601235201",
        {
            "method": "POST",
            "path": "/users",
            "name": "Renée Dupont",
            "email": "renee.dupont@acme.example",
        },
    ),
    "user_updated": _audit(
        "user_updated",
        "2025-01-06T07:30:00.000Z",
        "update_user",
        "user",
        "65a1f0c2e4b0a1b2c3d4e5f6",
        {"method": "PATCH", "path": "/users/65a1f0c2e4b0a1b2c3d4e5f6"},
    ),
    "webhook.test": {
        "event": "webhook.test",
        "timestamp": "2025-01-20T10:30:00.000Z",
        "data": {
            "message": "This is a test webhook",
            "webhookId": "6790a1b2c3d4e5f601235301",
            "webhookName": "unihook — Acme",
        },
    },
}
