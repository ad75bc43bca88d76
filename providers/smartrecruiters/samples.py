"""One realistic SmartRecruiters notification per event name: its body and the headers it comes
with (the event's name, version, id and ``link`` are headers, not body fields).

SmartRecruiters documents the body as the changed resource's ids (``{"id"}``; an application's
``{"job_id", "candidate_id"}`` in its signature example) and the ``link`` header as
``<{api url}>; rel=self``. Versions are the ``1.0.0`` its subscription example shows.
"""

from __future__ import annotations

from typing import Any

API = "https://api.smartrecruiters.com"
VERSION = "1.0.0"

_JOB = "3a6f9e0c-5d8b-4c21-9f7e-1b2d3c4e5f60"
_CANDIDATE = "8f14e45f-ceea-467f-a8f5-0b8c6a1d2e3f"
_OFFER = "c9f0f895-fb98-4b91-99f5-1e2d3c4b5a69"


def _link(path: str) -> str:
    return f"<{API}{path}>; rel=self"


def _sample(
    name: str, event_id: str, body: dict[str, Any], path: str
) -> tuple[dict[str, Any], dict[str, str]]:
    headers = {
        "event-id": event_id,
        "event-name": name,
        "event-version": VERSION,
        "link": _link(path),
    }
    return body, headers


def _application(name: str, n: int) -> tuple[dict[str, Any], dict[str, str]]:
    candidate = f"{_CANDIDATE[:-2]}{n:02d}"
    return _sample(
        name,
        f"0b7e5c1a-aa01-4d3e-9c2b-6f8e1d0c{n:04d}",
        {"job_id": _JOB, "candidate_id": candidate},
        f"/jobs/{_JOB}/candidates/{candidate}",
    )


def _by_id(name: str, n: int, path: str, **owners: str) -> tuple[dict[str, Any], dict[str, str]]:
    resource = f"5e1d{n:04d}-7c3b-4a9f-8e2d-1f0a9b8c7d6e"
    return _sample(
        name,
        f"0b7e5c1a-bb02-4d3e-9c2b-6f8e1d0c{n:04d}",
        {"id": resource, **owners},
        path.format(id=resource),
    )


_APPLICATION_EVENTS = (
    "application.created",
    "application.status.updated",
    "application.fields.updated",
    "application.onboarding-status.updated",
    "application.attachment.created",
    "application.source.updated",
    "application.screening-answers.created",
    "application.screening-answers.updated",
)
_APPROVAL_STEPS = (
    "approval.created",
    "approval.approved",
    "approval.rejected",
    "approval.abandoned",
    "approval.step.approved",
    "approval.step.rejected",
    "approver.skipped",
    "approver.delegated",
    "approval.comment.created",
)

REQUESTS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    **{name: _application(name, n) for n, name in enumerate(_APPLICATION_EVENTS, start=1)},
    "candidate.created": _by_id("candidate.created", 20, "/candidates/{id}"),
    "candidate.updated": _by_id("candidate.updated", 21, "/candidates/{id}"),
    "candidate.deleted": _by_id("candidate.deleted", 22, "/candidates/{id}"),
    "job.created": _by_id("job.created", 30, "/jobs/{id}"),
    "job.updated": _by_id("job.updated", 31, "/jobs/{id}"),
    "job.status.updated": _by_id("job.status.updated", 32, "/jobs/{id}"),
    "job.hiring-team.updated": _by_id("job.hiring-team.updated", 33, "/jobs/{id}/hiring-team"),
    "job.ad.created": _by_id("job.ad.created", 34, f"/jobs/{_JOB}/jobads/{{id}}", job_id=_JOB),
    "job.ad.updated": _by_id("job.ad.updated", 35, f"/jobs/{_JOB}/jobads/{{id}}", job_id=_JOB),
    "job.ad.postings.updated": _by_id(
        "job.ad.postings.updated", 36, f"/jobs/{_JOB}/jobads/{{id}}/postings", job_id=_JOB
    ),
    "position.created": _by_id(
        "position.created", 40, f"/jobs/{_JOB}/positions/{{id}}", job_id=_JOB
    ),
    "position.updated": _by_id(
        "position.updated", 41, f"/jobs/{_JOB}/positions/{{id}}", job_id=_JOB
    ),
    "position.deleted": _by_id(
        "position.deleted", 42, f"/jobs/{_JOB}/positions/{{id}}", job_id=_JOB
    ),
    "review.created": _by_id(
        "review.created", 80, "/reviews/{id}", job_id=_JOB, candidate_id=_CANDIDATE
    ),
    "review.updated": _by_id(
        "review.updated", 81, "/reviews/{id}", job_id=_JOB, candidate_id=_CANDIDATE
    ),
    "offer.created": _by_id(
        "offer.created",
        50,
        f"/candidates/{_CANDIDATE}/jobs/{_JOB}/offers/{{id}}",
        job_id=_JOB,
        candidate_id=_CANDIDATE,
    ),
    "offer.updated": _by_id(
        "offer.updated",
        51,
        f"/candidates/{_CANDIDATE}/jobs/{_JOB}/offers/{{id}}",
        job_id=_JOB,
        candidate_id=_CANDIDATE,
    ),
    **{
        f"offer.{step}": _by_id(f"offer.{step}", 60 + n, "/approvals/{id}", offer_id=_OFFER)
        for n, step in enumerate(_APPROVAL_STEPS)
    },
    **{
        f"job.{step}": _by_id(f"job.{step}", 70 + n, "/approvals/{id}", job_id=_JOB)
        for n, step in enumerate(_APPROVAL_STEPS)
    },
    "review.deleted": _by_id(
        "review.deleted", 82, "/reviews/{id}", job_id=_JOB, candidate_id=_CANDIDATE
    ),
}
"""``{event name: (body, headers)}``: what SmartRecruiters sends for each event name."""

VARIANT_REQUESTS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "application.created:camel_case": (
        {"jobId": _JOB, "candidateId": "8f14e45f-ceea-467f-a8f5-0b8c6a1d2e99"},
        {
            "event-id": "0b7e5c1a-cc03-4d3e-9c2b-6f8e1d0c0001",
            "event-name": "application.created",
            "event-version": VERSION,
            "link": _link(f"/jobs/{_JOB}/candidates/8f14e45f-ceea-467f-a8f5-0b8c6a1d2e99"),
        },
    ),
    "application.created:no_link": (
        {"job_id": _JOB, "candidate_id": "8f14e45f-ceea-467f-a8f5-0b8c6a1d2e98"},
        {
            "event-id": "0b7e5c1a-cc03-4d3e-9c2b-6f8e1d0c0002",
            "event-name": "application.created",
            "event-version": VERSION,
        },
    ),
}
"""An application body in SmartRecruiters' API spelling (camelCase), and a notification without
a ``link`` header (signed with it as empty text, as the signature guide says)."""

UNMAPPED_REQUESTS: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "onboarding.process.started": _by_id(
        "onboarding.process.started", 90, "/onboarding/processes/{id}", candidate_id=_CANDIDATE
    ),
    "onboarding.assignments.high-priority.completed": _by_id(
        "onboarding.assignments.high-priority.completed",
        91,
        "/onboarding/processes/{id}",
        candidate_id=_CANDIDATE,
    ),
    "onboarding.assignments.completed": _by_id(
        "onboarding.assignments.completed",
        92,
        "/onboarding/processes/{id}",
        candidate_id=_CANDIDATE,
    ),
}
"""The documented event names the catalogue has no type for (emitted as ``unmapped``)."""
