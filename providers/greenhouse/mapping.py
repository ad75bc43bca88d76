"""Greenhouse payloads into canonical resources: one builder per payload shape.

Ids are Greenhouse's integers as strings; a candidate's name is first and last name, its email and
phone the first of its addresses and numbers; an application's job is the first of ``jobs[]``.
"""

from __future__ import annotations

from typing import TypeVar

from providers import NormalizationError, parse_date, parse_timestamp
from providers._records import full_name
from providers.greenhouse import payloads as gh
from schemas.events import (
    ApplicationData,
    CandidateAnonymizedData,
    CandidateData,
    CandidateMergedData,
    DepartmentData,
    InterviewData,
    JobData,
    JobPostingData,
    OfferData,
    OfficeData,
    ScorecardData,
    StageData,
    TestData,
)
from schemas.resources import (
    Application,
    ApplicationSource,
    Candidate,
    Department,
    Interview,
    Job,
    JobPosting,
    JobStatus,
    Location,
    Offer,
    Office,
    Scorecard,
    Stage,
)

T = TypeVar("T")

JOB_STATUSES: dict[str, JobStatus] = {"open": "open", "closed": "closed", "draft": "draft"}


# ---- small converters -----------------------------------------------------------------------


def _id(value: gh.Id | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value) or None


def _first_value(values: list[gh.GhValue] | None) -> str | None:
    return next((v.value for v in values or () if v.value), None)


def _location(value: str | gh.GhNamed | None) -> Location | None:
    name = value.name if isinstance(value, gh.GhNamed) else value
    return Location(name=name) if name else None


def _candidate(c: gh.GhCandidate | None, id: gh.Id | None = None) -> Candidate | None:
    if c is None:
        return Candidate(id=_id(id)) if _id(id) else None
    return Candidate(
        id=_id(c.id) or _id(id),
        name=full_name(c.first_name, c.last_name),
        email=_first_value(c.email_addresses),
        phone=_first_value(c.phone_numbers),
        photo_url=c.photo_url,
        tags=c.tags or None,
    )


def _job(j: gh.GhJob | None, id: gh.Id | None = None) -> Job | None:
    if j is None:
        return Job(id=_id(id)) if _id(id) else None
    office = j.offices[0] if j.offices else None
    return Job(
        id=_id(j.id) or _id(id),
        title=j.name,
        status=JOB_STATUSES.get(j.status, "unknown") if j.status else None,
        raw_status=j.status,
        department=next((d.name for d in j.departments or () if d.name), None),
        location=_location(office.location or office.name) if office is not None else None,
    )


def _stage(s: gh.GhNamed | None) -> Stage | None:
    return Stage(id=_id(s.id), name=s.name) if s is not None else None


def _application(a: gh.GhApplication, *, nested: bool = True) -> Application:
    """The canonical application; ``nested=False`` leaves out what the event carries beside it."""
    source = a.source
    job = a.jobs[0] if a.jobs else a.job
    return Application(
        id=_id(a.id),
        candidate=_candidate(a.candidate, a.candidate_id) if nested else None,
        job=_job(job, a.job_id) if nested else None,
        stage=_stage(a.current_stage),
        source=(
            ApplicationSource(id=_id(source.id), name=source.name or source.public_name)
            if source is not None
            else ApplicationSource(id=_id(a.source_id))
            if _id(a.source_id)
            else None
        ),
        prospect=a.prospect,
        rejection_reason=a.rejection_reason.name if a.rejection_reason is not None else None,
    )


def _offer(o: gh.GhOffer) -> Offer:
    return Offer(
        id=_id(o.id),
        status=o.offer_status,
        version=o.version,
        created_at=parse_timestamp(o.created_at),
        # Greenhouse writes the day an offer was sent, not the moment: a date, never a *_at
        sent_date=parse_date(o.sent_on or o.sent_at),
        resolved_at=parse_timestamp(o.resolved_at),
        start_date=parse_date(o.start_date or o.starts_at),
    )


def _job_posting(p: gh.GhJobPost) -> JobPosting:
    return JobPosting(
        id=_id(p.id),
        title=p.title,
        job_id=_id(p.job_id),
        published=p.live,
        location=_location(p.location),
        updated_at=parse_timestamp(p.updated_at),
    )


def _need(value: T | None, where: str) -> T:
    if value is None:
        raise NormalizationError("greenhouse", f"invalid payload: no `{where}`")
    return value


def _app(p: gh.ApplicationPayload) -> gh.GhApplication:
    return _need(p.application, "payload.application")


def application_data(p: gh.ApplicationPayload) -> ApplicationData:
    return ApplicationData(application=_application(_app(p)))


def hire_data(p: gh.ApplicationPayload) -> CandidateData:
    a = _app(p)
    return CandidateData(
        candidate=_need(_candidate(a.candidate, a.candidate_id), "application.candidate"),
        job=_job(a.jobs[0] if a.jobs else a.job),
        application=_application(a, nested=False),
        offer=_offer(a.offer) if a.offer is not None else None,
    )


def updated_candidate(p: gh.CandidatePayload) -> CandidateData:
    return CandidateData(candidate=_need(_candidate(p.candidate), "payload.candidate"))


def _person(p: gh.PersonPayload) -> Candidate:
    person = _need(p.person, "payload.person")
    return Candidate(id=_id(person.id), name=full_name(person.first_name, person.last_name))


def deleted_candidate(p: gh.PersonPayload) -> CandidateData:
    deleted = _need(p.person, "payload.person").deleted_application_ids
    ids = [i for i in map(_id, deleted or ()) if i is not None]
    return CandidateData(candidate=_person(p), deleted_application_ids=ids or None)


def merged_candidate(p: gh.PersonPayload) -> CandidateMergedData:
    into = _id(_need(p.person, "payload.person").new_candidate_id)
    return CandidateMergedData(
        candidate=_person(p), merged_into=Candidate(id=into) if into else None
    )


def anonymized(p: gh.AnonymizedPayload) -> CandidateAnonymizedData:
    return CandidateAnonymizedData(
        candidate=Candidate(id=_need(_id(p.candidate_id), "payload.candidate_id")),
        anonymized_fields=p.anonymized_fields,
    )


def offer_data(o: gh.GhOffer) -> OfferData:
    return OfferData(
        offer=_offer(o),
        job=_job(None, o.job_id),
        application=Application(id=_id(o.application_id)) if _id(o.application_id) else None,
    )


def deleted_offer(p: gh.OfferPayload) -> OfferData:
    return offer_data(_need(p.offer, "payload.offer"))


def job_data(p: gh.JobPayload) -> JobData:
    return JobData(job=_need(_job(p.job), "payload.job"))


def posting_data(p: gh.GhJobPost) -> JobPostingData:
    return JobPostingData(job_posting=_job_posting(p), job=_job(None, p.job_id))


def deleted_posting(p: gh.JobPostPayload) -> JobPostingData:
    return posting_data(_need(p.job_post, "payload.job_post"))


def stage_data(p: gh.StagePayload) -> StageData:
    s = _need(p.job_interview_stage, "payload.job_interview_stage")
    return StageData(stage=Stage(id=_id(s.id), name=s.name), job=_job(None, s.job_id))


def interview_data(p: gh.InterviewPayload) -> InterviewData:
    return InterviewData(interview=Interview(id=_id(_need(p.interview, "payload.interview").id)))


def scorecard_data(p: gh.ScorecardPayload) -> ScorecardData:
    s = _need(p.scorecard, "payload.scorecard")
    return ScorecardData(
        scorecard=Scorecard(
            id=_id(s.id),
            status=s.scorecard_status,
            interviewed_at=parse_timestamp(s.interviewed_at),
        ),
        candidate=_candidate(None, s.candidate_id),
    )


def department_data(p: gh.DepartmentPayload) -> DepartmentData:
    d = _need(p.department, "payload.department")
    return DepartmentData(
        department=Department(
            id=_id(d.id), name=d.name, parent_id=_id(d.parent_id), external_id=d.external_id
        )
    )


def office_data(p: gh.OfficePayload) -> OfficeData:
    o = _need(p.office, "payload.office")
    return OfficeData(
        office=Office(
            id=_id(o.id),
            name=o.name,
            location=_location(o.location),
            parent_id=_id(o.parent_id),
            external_id=o.external_id,
        )
    )


def ping_data(p: gh.GhPing) -> TestData:
    hook = f' "{p.name}"' if p.name else ""
    event = f" ({p.event})" if p.event else ""
    return TestData(message=f"Ping from the Greenhouse web hook{hook}{event}")


def activity(p: gh.ApplicationPayload) -> object:
    return p.application.last_activity_at if p.application is not None else None
