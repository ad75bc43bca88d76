"""The canonical HR resources that appear inside an event's ``data``.

Every field is optional except ``id`` where the vendor has one; absent values are omitted when
encoded, never sent as ``null``.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

JobStatus = Literal["draft", "open", "closed", "archived", "unknown"]
EmploymentStatus = Literal["active", "pending", "leave", "inactive", "terminated", "unknown"]
"""Where a person's employment stands: ``pending`` before the start date, ``leave`` on leave,
``inactive`` suspended or otherwise not working without having left, ``terminated`` left."""
EmploymentType = Literal["full_time", "part_time", "contractor", "intern", "temporary", "unknown"]
TimeOffStatus = Literal["requested", "approved", "declined", "cancelled", "unknown"]
"""A time-off request's decision: ``requested`` while it awaits one."""
TimeOffUnit = Literal["days", "hours"]
PayPeriod = Literal[
    "hour",
    "day",
    "week",
    "two_weeks",
    "half_month",
    "month",
    "quarter",
    "half_year",
    "year",
    "fixed",
    "unknown",
]
"""What a pay amount is per: ``two_weeks`` is bi-weekly, ``half_month`` semi-monthly, ``fixed`` a
one-off sum."""
PayrollStatus = Literal[
    "draft", "submitted", "processed", "paid", "failed", "cancelled", "reversed", "unknown"
]
"""A pay run's state: ``draft`` (being prepared or calculated), ``submitted`` (approved and sent
for processing), ``processed`` (money movement started), ``paid`` (employees paid), ``failed``
(processing failed), ``cancelled``, ``reversed`` (wholly or partly undone after processing)."""
BackgroundCheckResult = Literal["clear", "consider", "failed", "unknown"]
"""What a background check found: ``clear`` nothing to act on, ``consider`` findings to review,
``failed`` the check could not be completed or did not pass."""
ConnectionIssueStatus = Literal["open", "resolved", "unknown"]


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
    """A person employed by the company, as an HRIS knows them.

    ``email`` is the best address to reach them (the work address, else the personal one);
    ``work_email`` and ``personal_email`` are each as the vendor holds it. ``status`` is the
    vendor's status text as sent, as is ``raw_status``; ``employment_status`` is its meaning.
    ``manager`` is a ``Person`` (``id``, ``name``, and ``email`` where sent). Dates
    (``start_date``, ``termination_date``) are ``YYYY-MM-DD``.
    """

    id: str | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    work_email: str | None = None
    personal_email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    department: str | None = None
    manager: Person | None = None
    location: Location | None = None
    status: str | None = None
    employment_status: EmploymentStatus | None = None
    raw_status: str | None = None
    employment_type: EmploymentType | None = None
    start_date: str | None = None
    termination_date: str | None = None
    employee_number: str | None = None


class Pay(Resource):
    """A rate of pay: ``amount`` (in the currency's major unit, 1234.5 for 1,234.50) per
    ``period``; ``currency`` is the ISO 4217 code."""

    amount: int | float | None = None
    currency: str | None = None
    period: PayPeriod | None = None


class Money(Resource):
    """A sum: ``amount`` in the currency's major unit; ``currency`` is the ISO 4217 code."""

    amount: int | float | None = None
    currency: str | None = None


class Employment(Resource):
    """A job or contract record, where the vendor keeps it apart from the person.

    ``status`` is what the employment's state means, ``raw_status`` the vendor's text;
    ``start_date`` and ``end_date`` are ``YYYY-MM-DD``.
    """

    id: str | None = None
    employee_id: str | None = None
    job_title: str | None = None
    department: str | None = None
    manager: Person | None = None
    location: Location | None = None
    employment_type: EmploymentType | None = None
    status: EmploymentStatus | None = None
    raw_status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    pay: Pay | None = None


class TimeOff(Resource):
    """An employee's leave request or record.

    ``type`` is the leave type or policy name; ``status`` is the vendor's status text as sent, as is
    ``raw_status``; ``approval_status`` is its meaning. ``start`` and ``end`` are ``YYYY-MM-DD``
    (both inclusive); ``amount`` is how much leave it takes, in ``unit``.
    """

    id: str | None = None
    employee_id: str | None = None
    type: str | None = None
    policy_id: str | None = None
    status: str | None = None
    approval_status: TimeOffStatus | None = None
    raw_status: str | None = None
    start: str | None = None
    end: str | None = None
    amount: int | float | None = None
    unit: TimeOffUnit | None = None


class Payroll(Resource):
    """A pay run: one payroll for one pay period.

    ``status`` is what the run's state means, ``raw_status`` the vendor's text; ``run_type`` is the
    vendor's kind of run as sent (regular, off-cycle, correction...). ``period_start``,
    ``period_end`` and ``pay_date`` (the day employees are paid: Gusto's and Merge's
    ``check_date``) are ``YYYY-MM-DD``.
    """

    id: str | None = None
    status: PayrollStatus | None = None
    raw_status: str | None = None
    run_type: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    pay_date: str | None = None


class Payslip(Resource):
    """One employee's pay statement for one pay run; dates are ``YYYY-MM-DD``."""

    id: str | None = None
    employee_id: str | None = None
    employment_id: str | None = None
    payroll_id: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    pay_date: str | None = None
    gross_pay: Money | None = None
    net_pay: Money | None = None


class BackgroundCheck(Resource):
    """A background or identity screening of a person: ``result`` is what the check found
    (``clear``, ``consider``, ``failed``, ``unknown``) with the vendor's text in ``raw_result``;
    ``status`` is the vendor's progress text as sent."""

    id: str | None = None
    employee_id: str | None = None
    employment_id: str | None = None
    name: str | None = None
    status: str | None = None
    result: BackgroundCheckResult | None = None
    raw_result: str | None = None
    created_at: str | None = None
    completed_at: str | None = None


class Document(Resource):
    """A document an HRIS makes available to or about an employee (a tax form, a contract
    document); ``type`` is the vendor's kind of document as sent, ``year`` a tax year."""

    id: str | None = None
    employee_id: str | None = None
    employment_id: str | None = None
    type: str | None = None
    name: str | None = None
    year: int | None = None


class Referral(Resource):
    id: str | None = None


class EndUser(Resource):
    """The customer of a unified API who linked the account; ``id`` is the id the unified API's
    own customer gave them (Merge's ``end_user_origin_id``, Kombo's ``origin_id``)."""

    id: str | None = None
    name: str | None = None
    email: str | None = None


class Connector(Resource):
    """A vendor-side integration: a unified API's linked account to one HRIS or ATS.

    ``integration`` names the system it connects to; ``categories`` its kinds (``hris``, ``ats``);
    ``status`` is the vendor's text as sent.
    """

    id: str | None = None
    name: str | None = None
    integration: str | None = None
    categories: list[str] | None = None
    org_name: str | None = None
    status: str | None = None
    end_user: EndUser | None = None


class ConnectionIssue(Resource):
    """A problem a unified API reports with a linked account (Merge's ``Issue``): ``status`` says
    whether it is still ``open`` or ``resolved``, ``raw_status`` is the vendor's text."""

    id: str | None = None
    status: ConnectionIssueStatus | None = None
    raw_status: str | None = None
    message: str | None = None


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
