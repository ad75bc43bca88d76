"""Greenhouse Recruiting's web hook payloads, as its docs show them: ``{action, payload}``.

Every Struct ignores unknown fields and makes every field optional, so a field Greenhouse adds,
drops or sends as ``null`` never fails a delivery. Ids are integers in the docs; strings are
accepted too.
"""

from __future__ import annotations

import msgspec

Id = int | str


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class GhHead(_In, kw_only=True):
    """The envelope: ``payload`` is left as bytes until ``action`` has picked its shape."""

    action: str
    payload: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)


class GhValue(_In):
    """One of a candidate's ``email_addresses`` / ``phone_numbers`` entries."""

    value: str | None = None
    type: str | None = None


class GhCandidate(_In):
    id: Id | None = None
    first_name: str | None = None
    last_name: str | None = None
    photo_url: str | None = None
    email_addresses: list[GhValue] | None = None
    phone_numbers: list[GhValue] | None = None
    tags: list[str] | None = None


class GhNamed(_In):
    """A department, stage, source, rejection reason...: an id and a name."""

    id: Id | None = None
    name: str | None = None
    public_name: str | None = None


class GhOffice(_In):
    id: Id | None = None
    name: str | None = None
    location: str | GhNamed | None = None
    parent_id: Id | None = None
    external_id: str | None = None


class GhDepartment(_In):
    id: Id | None = None
    name: str | None = None
    parent_id: Id | None = None
    external_id: str | None = None


class GhJob(_In):
    id: Id | None = None
    name: str | None = None
    status: str | None = None
    created_at: str | None = None
    departments: list[GhNamed] | None = None
    offices: list[GhOffice] | None = None


class GhOffer(_In):
    """An offer: the payload itself (created, approved, updated), ``payload.offer`` (deleted),
    or ``application.offer`` (hired, where the dates are ``sent_at`` and ``starts_at``)."""

    id: Id | None = None
    application_id: Id | None = None
    job_id: Id | None = None
    version: int | None = None
    offer_status: str | None = None
    created_at: str | None = None
    sent_on: str | None = None
    sent_at: str | None = None
    resolved_at: str | None = None
    start_date: str | None = None
    starts_at: str | None = None


class GhApplication(_In):
    """An application record; ``delete_application`` sends the flat ``*_id`` form instead."""

    id: Id | None = None
    prospect: bool | None = None
    status: str | None = None
    applied_at: str | None = None
    rejected_at: str | None = None
    last_activity_at: str | None = None
    source: GhNamed | None = None
    rejection_reason: GhNamed | None = None
    current_stage: GhNamed | None = None
    candidate: GhCandidate | None = None
    jobs: list[GhJob] | None = None
    job: GhJob | None = None
    offer: GhOffer | None = None
    candidate_id: Id | None = None
    job_id: Id | None = None
    source_id: Id | None = None


class GhPerson(_In):
    """``payload.person`` of ``delete_candidate`` and ``merge_candidate``."""

    id: Id | None = None
    first_name: str | None = None
    last_name: str | None = None
    new_candidate_id: Id | None = None
    deleted_application_ids: list[Id] | None = None


class GhJobPost(_In):
    id: Id | None = None
    job_id: Id | None = None
    title: str | None = None
    location: str | GhNamed | None = None
    live: bool | None = None
    updated_at: str | None = None


class GhStage(_In):
    id: Id | None = None
    job_id: Id | None = None
    name: str | None = None


class GhScorecard(_In):
    id: Id | None = None
    candidate_id: Id | None = None
    interviewed_at: str | None = None
    scorecard_status: str | None = None


class GhPing(_In):
    """The ping's ``payload``: the web hook's own settings (not in Greenhouse's docs)."""

    web_hook_id: Id | None = None
    name: str | None = None
    event: str | None = None
    endpoint_url: str | None = None
    active: bool | None = None


# ---- the payload of each shape -------------------------------------------------------------


class ApplicationPayload(_In):
    application: GhApplication | None = None


class CandidatePayload(_In):
    candidate: GhCandidate | None = None


class PersonPayload(_In):
    person: GhPerson | None = None


class AnonymizedPayload(_In):
    candidate_id: Id | None = None
    anonymized_fields: list[str] | None = None


class OfferPayload(_In):
    offer: GhOffer | None = None


class JobPayload(_In):
    job: GhJob | None = None


class JobPostPayload(_In):
    job_post: GhJobPost | None = None


class StagePayload(_In):
    job_interview_stage: GhStage | None = None


class InterviewPayload(_In):
    interview: GhNamed | None = None


class ScorecardPayload(_In):
    scorecard: GhScorecard | None = None


class DepartmentPayload(_In):
    department: GhDepartment | None = None


class OfficePayload(_In):
    office: GhOffice | None = None
