"""One realistic Ashby webhook body per ``action``, built from the schemas of Ashby's API reference.

Ashby publishes schemas with per-field examples but no literal bodies, so these are assembled from
those schemas (its ``example`` values where it gives one, plausible values where it gives none).
Every body carries ``webhookActionId``, as the "Common Payload Data" guide says every payload does.
"""

from __future__ import annotations

from typing import Any

_CANDIDATE_ID = "5b4f3a02-8c1d-4e6f-9a7b-2c3d4e5f6a70"
_APPLICATION_ID = "a1c2e3f4-5b6d-4789-8a9b-0c1d2e3f4a5b"
_JOB_ID = "4071538b-3cac-4fbf-ac76-f78ed250ffdd"
_LOCATION_ID = "e9ed20fd-d45f-4aad-8a00-a19bfba0083e"
_DEPARTMENT_ID = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"
_PLAN_ID = "7d6c5b4a-3928-4170-8f6e-5d4c3b2a1908"
_OFFER_ID = "c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b"
_OFFER_VERSION_ID = "d4e5f607-1829-43a4-b5c6-d7e8f90a1b2c"
_SCHEDULE_ID = "9d34f544-c150-4d70-91c4-e8b0b4a72846"
_POSTING_ID = "d5a6bc97-4259-4bc5-b3fe-6d3edfd538e3"

_RECRUITER = {
    "email": "maya.okafor@acme.example",
    "firstName": "Maya",
    "lastName": "Okafor",
    "role": "Recruiter",
    "userId": "caea4d97-331d-46b1-a8e3-6b821c2214ef",
}
_HIRING_MANAGER = {
    "email": "tomas.lindqvist@acme.example",
    "firstName": "Tomás",
    "lastName": "Lindqvist",
    "role": "Hiring Manager",
    "userId": "3f2e1d0c-9b8a-4776-a655-443322110099",
}
_USER = {
    "id": "caea4d97-331d-46b1-a8e3-6b821c2214ef",
    "firstName": "Maya",
    "lastName": "Okafor",
    "email": "maya.okafor@acme.example",
    "globalRole": "Elevated Access",
    "isEnabled": True,
    "updatedAt": "2024-11-02T09:14:27.118Z",
}
_CANDIDATE = {
    "id": _CANDIDATE_ID,
    "name": "Lucía Fernández",
    "primaryEmailAddress": {
        "value": "lucia.fernandez@mail.example",
        "type": "Personal",
        "isPrimary": True,
    },
    "primaryPhoneNumber": {"value": "+34 612 345 678", "type": "Personal", "isPrimary": True},
}
_SOURCE = {
    "id": "1e2d3c4b-5a69-4788-97a6-b5c4d3e2f1a0",
    "title": "LinkedIn",
    "isArchived": False,
    "sourceType": {
        "id": "8a7b6c5d-4e3f-4a21-9b0c-1d2e3f4a5b6c",
        "title": "Inbound",
        "isArchived": False,
    },
}
_JOB_REF = {
    "id": _JOB_ID,
    "title": "Senior Product Designer",
    "locationId": _LOCATION_ID,
    "departmentId": _DEPARTMENT_ID,
}
_CUSTOM_FIELDS = [
    {"id": "650e5f74-32db-4a0a-b61b-b9afece05023", "title": "Is actively looking", "value": True}
]


def _stage(stage_id: str, title: str, kind: str, order: int) -> dict[str, Any]:
    return {
        "id": stage_id,
        "title": title,
        "type": kind,
        "orderInInterviewPlan": order,
        "interviewStageGroupId": "5f7b3b3b-7b1b-4b1b-8b3b-7b1b4b1b8b3b",
        "interviewPlanId": _PLAN_ID,
    }


_REVIEW = _stage(
    "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6071", "Application Review", "PreInterviewScreen", 1
)
_TECHNICAL = _stage("6e7f8091-a2b3-4c4d-8e5f-60718293a4b5", "Portfolio Review", "Active", 3)
_HIRED = _stage("b4c5d6e7-f809-4a1b-8c2d-3e4f50617283", "Hired", "Hired", 1006)


def _application(
    stage: dict[str, Any], status: str, updated_at: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": _APPLICATION_ID,
        "createdAt": "2025-01-13T08:41:09.512Z",
        "updatedAt": updated_at,
        "status": status,
        "customFields": _CUSTOM_FIELDS,
        "candidate": _CANDIDATE,
        "currentInterviewStage": stage,
        "source": _SOURCE,
        "job": _JOB_REF,
        "creditedToUser": _USER,
        "hiringTeam": [_RECRUITER, _HIRING_MANAGER],
        "appliedViaJobPostingId": _POSTING_ID,
        "submitterClientIp": "79.255.55.222",
        "submitterUserAgent": (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/132.0.0.0 Safari/537.36"
        ),
        **extra,
    }


def _offer_version(created_at: str, approval: str | None) -> dict[str, Any]:
    return {
        "id": _OFFER_VERSION_ID,
        "startDate": "2025-03-03T00:00:00.000Z",
        "salary": {"currencyCode": "EUR", "value": 92000},
        "createdAt": created_at,
        "openingId": "f1e2d3c4-b5a6-4978-8a69-5b4c3d2e1f00",
        "customFields": [],
        "fileHandles": [],
        "author": _USER,
        "approvalStatus": approval,
    }


_FORM_DEFINITION = {
    "sections": [
        {
            "title": "Compensation",
            "fields": [
                {
                    "isRequired": True,
                    "field": {
                        "id": "0a1b2c3d-4e5f-4607-8a9b-c0d1e2f3a4b5",
                        "type": "Currency",
                        "path": "salary",
                        "humanReadablePath": "Salary",
                        "title": "Salary",
                        "isNullable": False,
                    },
                },
                {
                    "isRequired": True,
                    "field": {
                        "id": "1b2c3d4e-5f60-4718-9bac-d1e2f3a4b5c6",
                        "type": "Date",
                        "path": "startDate",
                        "humanReadablePath": "Start date",
                        "title": "Start date",
                        "isNullable": False,
                    },
                },
            ],
        }
    ]
}


def _offer(
    acceptance: str, status: str, created_at: str, approval: str | None, **extra: Any
) -> dict[str, Any]:
    version = _offer_version(created_at, approval)
    return {
        "id": _OFFER_ID,
        "applicationId": _APPLICATION_ID,
        "acceptanceStatus": acceptance,
        "offerStatus": status,
        **extra,
        "latestVersion": version,
        "versions": [version],
        "formDefinition": _FORM_DEFINITION,
    }


def _job(status: str, updated_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": _JOB_ID,
        "title": "Senior Product Designer",
        "confidential": False,
        "status": status,
        "employmentType": "FullTime",
        "locationId": _LOCATION_ID,
        "departmentId": _DEPARTMENT_ID,
        "defaultInterviewPlanId": _PLAN_ID,
        "interviewPlanIds": [_PLAN_ID],
        "customFields": [],
        "jobPostingIds": [_POSTING_ID],
        "customRequisitionId": "DES-2025-014",
        "hiringTeam": [_RECRUITER, _HIRING_MANAGER],
        "author": _USER,
        "createdAt": "2025-01-06T10:02:44.870Z",
        "updatedAt": updated_at,
        **extra,
    }


def _posting(listed: bool, updated_at: str) -> dict[str, Any]:
    return {
        "id": _POSTING_ID,
        "title": "Senior Product Designer",
        "jobId": _JOB_ID,
        "departmentName": "Design",
        "teamName": "Product Design",
        "locationName": "Madrid",
        "locationIds": {"primaryLocationId": _LOCATION_ID, "secondaryLocationIds": []},
        "workplaceType": "Hybrid",
        "employmentType": "FullTime",
        "isListed": listed,
        "publishedDate": "2025-01-08",
        "applicationDeadline": "2025-02-28T23:00:00.000Z",
        "externalLink": f"https://jobs.ashbyhq.com/acme/{_POSTING_ID}",
        "applyLink": f"https://jobs.ashbyhq.com/acme/{_POSTING_ID}/application",
        "compensationTierSummary": "\u20ac80K \u2013 \u20ac100K \u2022 Offers Bonus",
        "shouldDisplayCompensationOnJobBoard": True,
        "updatedAt": updated_at,
    }


def _interview_schedule(status: str, updated_at: str, start: str, end: str) -> dict[str, Any]:
    interviewer = {
        **_USER,
        "id": _HIRING_MANAGER["userId"],
        "firstName": "Tomás",
        "lastName": "Lindqvist",
        "email": "tomas.lindqvist@acme.example",
        "trainingRole": None,
        "interviewerPool": None,
        "isFeedbackRequired": True,
    }
    return {
        "id": _SCHEDULE_ID,
        "status": status,
        "applicationId": _APPLICATION_ID,
        "interviewStageId": _TECHNICAL["id"],
        "scheduledBy": _USER,
        "createdAt": "2025-01-20T15:12:03.402Z",
        "updatedAt": updated_at,
        "interviewEvents": [
            {
                "id": "3ae2b801-19f6-41ef-ad28-214bd731948f",
                "interviewId": "ff6c7d9d-71e3-4c9c-88b1-28824980c276",
                "interviewScheduleId": _SCHEDULE_ID,
                "interviewerUserIds": [_HIRING_MANAGER["userId"]],
                "interviewers": [interviewer],
                "createdAt": "2025-01-20T15:12:03.402Z",
                "updatedAt": updated_at,
                "startTime": start,
                "endTime": end,
                "feedbackLink": (
                    "https://app.ashbyhq.com/interview-briefings/"
                    "4736b6d2-5c97-43a6-a7c6-0228bf079411/feedback"
                ),
                "location": "Google Meet",
                "meetingLink": "https://meet.google.com/abc-defg-hij",
                "hasSubmittedFeedback": False,
            }
        ],
    }


def _body(action_id: str, action: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"webhookActionId": action_id, "action": action, "data": data}


SAMPLES: dict[str, dict[str, Any]] = {
    "applicationSubmit": _body(
        "75395d87-4044-4dc4-bc29-0cec185e5f06",
        "applicationSubmit",
        {"application": _application(_REVIEW, "Active", "2025-01-13T08:41:09.512Z")},
    ),
    "applicationUpdate": _body(
        "0b6e2c1a-91f4-4f0e-8d55-3a7c9e2b4f18",
        "applicationUpdate",
        {"application": _application(_REVIEW, "Active", "2025-01-14T11:05:37.020Z")},
    ),
    "candidateStageChange": _body(
        "2f8d4a6c-1e3b-4c5d-9f7a-8b6c4d2e0f13",
        "candidateStageChange",
        {"application": _application(_TECHNICAL, "Active", "2025-01-20T15:10:58.731Z")},
    ),
    "candidateHire": _body(
        "c81b7e2d-5a4f-4e3c-b2a1-9f8e7d6c5b4a",
        "candidateHire",
        {
            "application": _application(_HIRED, "Hired", "2025-02-10T17:22:41.309Z"),
            "offer": _offer(
                "Accepted",
                "CandidateAccepted",
                "2025-02-03T12:00:18.644Z",
                "Approved",
                decidedAt="2025-02-10T17:20:05.117Z",
            ),
        },
    ),
    "candidateDelete": _body(
        "e4d3c2b1-a098-4f7e-8d6c-5b4a39281706",
        "candidateDelete",
        {"candidate": {"id": _CANDIDATE_ID}},
    ),
    "candidateMerge": _body(
        "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
        "candidateMerge",
        {
            "deletedCandidate": {"id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"},
            "mergedCandidate": {"id": _CANDIDATE_ID},
        },
    ),
    "interviewPlanTransition": _body(
        "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
        "interviewPlanTransition",
        {
            "jobId": _JOB_ID,
            "fromInterviewPlan": {"id": _PLAN_ID, "title": "Custom Interview Plan"},
            "toInterviewPlan": {
                "id": "8e9f0a1b-2c3d-4e4f-8a5b-6c7d8e9f0a1b",
                "title": "Design Interview Plan",
            },
            "interviewStageMappings": [
                {
                    "fromInterviewStageId": _REVIEW["id"],
                    "toInterviewStageId": "9f0a1b2c-3d4e-4f5a-9b6c-7d8e9f0a1b2c",
                },
                {
                    "fromInterviewStageId": _TECHNICAL["id"],
                    "toInterviewStageId": "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
                },
            ],
        },
    ),
    "interviewScheduleCreate": _body(
        "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        "interviewScheduleCreate",
        {
            "interviewSchedule": _interview_schedule(
                "Scheduled",
                "2025-01-20T15:12:03.402Z",
                "2025-01-23T14:00:00.000Z",
                "2025-01-23T15:00:00.000Z",
            )
        },
    ),
    "interviewScheduleUpdate": _body(
        "8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a",
        "interviewScheduleUpdate",
        {
            "interviewSchedule": {
                **_interview_schedule(
                    "Scheduled",
                    "2025-01-21T09:30:12.005Z",
                    "2025-01-24T10:00:00.000Z",
                    "2025-01-24T11:00:00.000Z",
                ),
                "candidateId": _CANDIDATE_ID,
            }
        },
    ),
    "jobCreate": _body(
        "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b",
        "jobCreate",
        {"job": _job("Draft", "2025-01-06T10:02:44.870Z")},
    ),
    "jobUpdate": _body(
        "0f1a2b3c-4d5e-4f6a-9b7c-8d9e0f1a2b3c",
        "jobUpdate",
        {"job": _job("Open", "2025-01-08T09:00:31.226Z", openedAt="2025-01-08T09:00:31.226Z")},
    ),
    "jobPostingUpdate": _body(
        "1a2b3c4d-5e6f-4a7b-8c8d-9e0f1a2b3c4d",
        "jobPostingUpdate",
        {"jobPosting": _posting(True, "2025-01-09T13:47:20.558Z")},
    ),
    "jobPostingPublish": _body(
        "2b3c4d5e-6f7a-4b8c-9d9e-0f1a2b3c4d5e",
        "jobPostingPublish",
        {"jobPosting": _posting(True, "2025-01-08T09:01:02.913Z")},
    ),
    "jobPostingUnpublish": _body(
        "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
        "jobPostingUnpublish",
        {"jobPosting": _posting(False, "2025-03-01T08:15:44.190Z")},
    ),
    "offerCreate": _body(
        "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a",
        "offerCreate",
        {"offer": _offer("Created", "WaitingOnApprovalStart", "2025-02-03T12:00:18.644Z", None)},
    ),
    "offerUpdate": _body(
        "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
        "offerUpdate",
        {
            "offer": _offer(
                "WaitingOnResponse",
                "WaitingOnCandidateResponse",
                "2025-02-03T12:00:18.644Z",
                "Approved",
            )
        },
    ),
    "offerDelete": _body(
        "6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c",
        "offerDelete",
        {"offer": {"id": _OFFER_ID, "applicationId": _APPLICATION_ID}},
    ),
    "openingCreate": _body(
        "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
        "openingCreate",
        {
            "opening": {
                "id": "f1e2d3c4-b5a6-4978-8a69-5b4c3d2e1f00",
                "openedAt": "2025-01-06T10:05:12.331Z",
                "isArchived": False,
                "openingState": "Open",
                "latestVersion": {
                    "id": "e2d3c4b5-a697-4889-9a7b-6c5d4e3f2a10",
                    "identifier": "DES-2025-014",
                    "description": "Senior Product Designer for the payments squad",
                    "authorId": _USER["id"],
                    "createdAt": "2025-01-06T10:05:12.331Z",
                    "teamId": _DEPARTMENT_ID,
                    "jobIds": [_JOB_ID],
                    "targetHireDate": "2025-03-15",
                    "targetStartDate": "2025-04-01",
                    "isBackfill": False,
                    "employmentType": "FullTime",
                    "locationIds": [_LOCATION_ID],
                    "hiringTeam": [_HIRING_MANAGER],
                    "customFields": [],
                },
            }
        },
    ),
    "pushToHRIS": _body(
        "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e",
        "pushToHRIS",
        {"application": _application(_HIRED, "Hired", "2025-02-11T08:03:29.847Z")},
    ),
    "signatureRequestUpdate": _body(
        "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f",
        "signatureRequestUpdate",
        {
            "relatedEntityType": "offer",
            "offerId": _OFFER_ID,
            "offerVersionId": _OFFER_VERSION_ID,
            "eventType": "completed",
        },
    ),
    "surveySubmit": _body(
        "0d1e2f3a-4b5c-4d6e-9f7a-8b9c0d1e2f3a",
        "surveySubmit",
        {
            "surveySubmission": {
                "id": "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b",
                "surveyFormDefinitionId": "2f3a4b5c-6d7e-4f8a-9b0c-1d2e3f4a5b6c",
                "submittedAt": "2025-01-13T09:02:51.776Z",
                "candidateId": _CANDIDATE_ID,
                "applicationId": _APPLICATION_ID,
                "surveyType": "Questionnaire",
                "submittedValues": {
                    "_systemfield_name": "Lucía Fernández",
                    "notice_period": "One month",
                },
            }
        },
    ),
    "ping": _body(
        "1f2a3b4c-5d6e-4f7a-8b9c-0d1e2f3a4b5c",
        "ping",
        {"webhookActionType": "ping"},
    ),
}
"""Every action of Ashby's webhook reference (22, ``ping`` included), one body each."""
