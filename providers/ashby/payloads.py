"""Ashby's webhook payload shapes, as msgspec Structs, from the schemas of its API reference.

Only the fields the mapping reads are declared; everything else Ashby sends is ignored here and
kept in the event's ``raw``. Every field is optional so a body missing one still normalises.
"""

from __future__ import annotations

import msgspec


class _In(msgspec.Struct, rename="camel"):
    """Vendor input: Ashby's camelCase names, unknown fields ignored, every field optional."""


class AContact(_In):
    """``primaryEmailAddress`` / ``primaryPhoneNumber``: ``{value, type, isPrimary}``."""

    value: str | None = None


class ACandidate(_In):
    id: str | None = None
    name: str | None = None
    primary_email_address: AContact | None = None
    primary_phone_number: AContact | None = None


class AStage(_In):
    """``currentInterviewStage``: an interview stage of the application's plan."""

    id: str | None = None
    title: str | None = None


class ASourceType(_In):
    title: str | None = None


class ASource(_In):
    id: str | None = None
    title: str | None = None
    source_type: ASourceType | None = None


class AArchiveReason(_In):
    text: str | None = None


class AJobRef(_In):
    """The application's ``job``: ``{id, title, locationId, departmentId}``."""

    id: str | None = None
    title: str | None = None


class AApplication(_In):
    id: str | None = None
    updated_at: str | None = None
    status: str | None = None
    candidate: ACandidate | None = None
    current_interview_stage: AStage | None = None
    source: ASource | None = None
    archive_reason: AArchiveReason | None = None
    archived_at: str | None = None
    job: AJobRef | None = None


class AUser(_In):
    """An Ashby user (``user.info``'s result), as in ``scheduledBy`` and interviewers."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class AJob(_In):
    id: str | None = None
    title: str | None = None
    status: str | None = None
    employment_type: str | None = None
    updated_at: str | None = None


class AJobPosting(_In):
    id: str | None = None
    title: str | None = None
    job_id: str | None = None
    location_name: str | None = None
    external_link: str | None = None
    apply_link: str | None = None
    updated_at: str | None = None


class AOfferVersion(_In):
    start_date: str | None = None
    created_at: str | None = None


class AOffer(_In):
    id: str | None = None
    application_id: str | None = None
    offer_status: str | None = None
    decided_at: str | None = None
    latest_version: AOfferVersion | None = None
    versions: list[AOfferVersion] | None = None


class AInterviewEvent(_In):
    start_time: str | None = None
    end_time: str | None = None
    interviewers: list[AUser] | None = None


class AInterviewSchedule(_In):
    id: str | None = None
    status: str | None = None
    application_id: str | None = None
    interview_stage_id: str | None = None
    candidate_id: str | None = None
    updated_at: str | None = None
    interview_events: list[AInterviewEvent] | None = None


class AOpeningVersion(_In):
    job_ids: list[str] | None = None
    created_at: str | None = None


class AOpening(_In):
    id: str | None = None
    opening_state: str | None = None
    opened_at: str | None = None
    latest_version: AOpeningVersion | None = None


class ASurveySubmission(_In):
    id: str | None = None
    survey_type: str | None = None
    submitted_at: str | None = None
    candidate_id: str | None = None
    application_id: str | None = None


class AId(_In):
    id: str | None = None


class AData(_In):
    """``data``, for every action: each action fills the keys its reference page lists."""

    application: AApplication | None = None
    candidate: AId | None = None
    deleted_candidate: AId | None = None
    merged_candidate: AId | None = None
    job_id: str | None = None
    interview_schedule: AInterviewSchedule | None = None
    job: AJob | None = None
    job_posting: AJobPosting | None = None
    offer: AOffer | None = None
    opening: AOpening | None = None
    survey_submission: ASurveySubmission | None = None
    related_entity_type: str | None = None
    application_id: str | None = None
    offer_id: str | None = None
    event_type: str | None = None
    webhook_action_type: str | None = None


class AEnvelope(_In, kw_only=True):
    """Ashby's "Common Payload Data": ``webhookActionId`` (may be absent), ``action``, ``data``."""

    webhook_action_id: str | None = None
    action: str
    data: msgspec.Raw = msgspec.Raw(b"{}")
