"""The canonical HR resources that appear inside an event's ``data``.

Every field is optional except ``id`` where the vendor has one; absent values are omitted when
encoded, never sent as ``null``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

JobStatus = Literal["draft", "open", "closed", "archived", "unknown"]


class Resource(msgspec.Struct, omit_defaults=True, kw_only=True, forbid_unknown_fields=True):
    """Base for every canonical resource: keyword-only, absent fields omitted."""


class Person(Resource):
    """A human acting in the vendor's system: the actor of an event, or a user record."""

    id: str | None = None
    name: str | None = None
    email: str | None = None
    photo_url: str | None = None


class Company(Resource):
    id: str | None = None
    name: str | None = None
    slug: str | None = None


class Candidate(Resource):
    id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    photo_url: str | None = None
    tags: list[str] | None = None


class Location(Resource):
    name: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None


class Job(Resource):
    id: str | None = None
    title: str | None = None
    status: JobStatus | None = None
    raw_status: str | None = None
    employment_type: str | None = None
    department: str | None = None
    location: Location | None = None


class Stage(Resource):
    id: str | None = None
    name: str | None = None


class ApplicationSource(Resource):
    """Where an application came from (job board, referral, sourcing...)."""

    type: str | None = None
    id: str | None = None
    name: str | None = None


class Application(Resource):
    id: str | None = None
    candidate: Candidate | None = None
    job: Job | None = None
    stage: Stage | None = None
    stage_entered_at: str | None = None
    previous_stage_entered_at: str | None = None
    source: ApplicationSource | None = None
    external_source: ApplicationSource | None = None
    prospect: bool | None = None
    rejection_reason: str | None = None  # the reason's text, as a person reads it
    rejection_reason_id: str | None = None  # the vendor's id for that reason


class Note(Resource):
    id: str | None = None
    body: str | None = None
    attachments: list[Any] | None = None


class Interview(Resource):
    """A scheduled interview; ``start`` and ``end`` are RFC 3339 times."""

    id: str | None = None
    status: str | None = None
    start: str | None = None
    end: str | None = None
    interviewers: list[Person] | None = None


class Offer(Resource):
    """An offer, or one version of it where the vendor versions offers; ``status`` as sent."""

    id: str | None = None
    status: str | None = None
    version: int | None = None
    created_at: str | None = None
    sent_at: str | None = None
    sent_date: str | None = None  # the day it was sent, where the vendor gives no time
    resolved_at: str | None = None
    start_date: str | None = None


class JobPosting(Resource):
    """A job's public advertisement (job board post), distinct from the job itself."""

    id: str | None = None
    title: str | None = None
    job_id: str | None = None
    published: bool | None = None
    url: str | None = None
    location: Location | None = None
    updated_at: str | None = None


class Scorecard(Resource):
    """An interviewer's written feedback on a candidate."""

    id: str | None = None
    status: str | None = None
    interviewer: Person | None = None
    interviewed_at: str | None = None
    submitted_at: str | None = None


class Department(Resource):
    id: str | None = None
    name: str | None = None
    parent_id: str | None = None
    external_id: str | None = None


class Office(Resource):
    id: str | None = None
    name: str | None = None
    location: Location | None = None
    parent_id: str | None = None
    external_id: str | None = None


class Opening(Resource):
    """A headcount slot that one or more jobs hire against."""

    id: str | None = None
    status: str | None = None
    job_ids: list[str] | None = None
    opened_at: str | None = None


class SignatureRequest(Resource):
    """An e-signature request for a document (an offer letter, say); ``status`` is the vendor's."""

    id: str | None = None
    status: str | None = None
    related_type: str | None = None


class SurveySubmission(Resource):
    """A candidate's answers to a survey the vendor sent."""

    id: str | None = None
    survey_type: str | None = None
    submitted_at: str | None = None


class Employee(Resource):
    """A person employed by the company, as an HRIS knows them."""

    id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    department: str | None = None
    status: str | None = None
    start_date: str | None = None
    employee_number: str | None = None


class TimeOff(Resource):
    """An employee's leave request or record; ``status`` is the vendor's."""

    id: str | None = None
    type: str | None = None
    status: str | None = None
    start: str | None = None
    end: str | None = None


class Referral(Resource):
    id: str | None = None


class EndUser(Resource):
    name: str | None = None
    email: str | None = None


class Connector(Resource):
    """A vendor-side integration (Bindbee's connector to an HRIS)."""

    id: str | None = None
    name: str | None = None
    integration: str | None = None
    categories: list[str] | None = None
    org_name: str | None = None
    status: str | None = None
    end_user: EndUser | None = None


class SyncError(Resource):
    message: str | None = None
    detail: str | None = None
    failed_at: str | None = None


class Sync(Resource):
    id: str | None = None
    status: str | None = None
    initial: bool | None = None
    started_at: str | None = None
    error: SyncError | None = None
