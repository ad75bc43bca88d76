"""Ashby (ATS): ``{webhookActionId, action, data}``, signed ``Ashby-Signature: sha256=<hex>``.

Ashby signs the raw body with hex HMAC-SHA256 keyed by the webhook's secret token, and its docs
say to hash the body before any JSON parsing: only the raw bytes are accepted, and only with the
``sha256=`` prefix Ashby sends. The event id is ``webhookActionId:action`` (the id is stable
across retries, per Ashby's guide, and shared by the actions one change fires), or the
``sha256:`` of the raw body where a body has none (its schemas omit it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    Signature,
    first_timestamp,
    format_timestamp,
    parse_date,
    parse_timestamp,
    sha256_event_id,
)
from providers._records import full_name
from providers.ashby.payloads import (
    AApplication,
    ACandidate,
    AData,
    AEnvelope,
    AInterviewSchedule,
    AJob,
    AJobPosting,
    AOffer,
    AUser,
)
from providers.ashby.samples import SAMPLES
from schemas import Completeness, EventData, Normalized
from schemas.events import (
    ApplicationData,
    CandidateData,
    CandidateMergedData,
    InterviewData,
    JobData,
    JobPostingData,
    OfferData,
    OpeningData,
    SignatureRequestData,
    SurveyData,
    TestData,
)
from schemas.resources import (
    Application,
    ApplicationSource,
    Candidate,
    Interview,
    Job,
    JobPosting,
    JobStatus,
    Location,
    Offer,
    Opening,
    Person,
    SignatureRequest,
    Stage,
    SurveySubmission,
)

EVENT_TYPES: dict[str, str] = {
    "applicationSubmit": "ats.application.created",
    "applicationUpdate": "ats.application.updated",
    "candidateStageChange": "ats.application.stage_changed",
    "candidateHire": "ats.candidate.hired",
    "candidateDelete": "ats.candidate.deleted",
    "candidateMerge": "ats.candidate.merged",
    "interviewPlanTransition": "ats.job.interview_plan_changed",
    "interviewScheduleCreate": "ats.interview.scheduled",
    "interviewScheduleUpdate": "ats.interview.updated",
    "jobCreate": "ats.job.created",
    "jobUpdate": "ats.job.updated",
    "jobPostingUpdate": "ats.job_posting.updated",
    "jobPostingPublish": "ats.job_posting.published",
    "jobPostingUnpublish": "ats.job_posting.unpublished",
    "offerCreate": "ats.offer.created",
    "offerUpdate": "ats.offer.updated",
    "offerDelete": "ats.offer.deleted",
    "openingCreate": "ats.opening.created",
    "pushToHRIS": "ats.application.pushed_to_hris",
    "signatureRequestUpdate": "ats.signature_request.updated",
    "surveySubmit": "ats.survey.submitted",
    "ping": "connection.test",
}
"""Every ``action`` of Ashby's webhook reference and its canonical type."""

ALSO_EMITS: dict[str, tuple[str, ...]] = {
    "applicationUpdate": ("ats.application.rejected",),
    "candidateStageChange": ("ats.application.rejected",),
}
"""Ashby reports a rejection only as an application archived with a reason, inside these."""
REJECTED = "ats.application.rejected"

JOB_STATUSES: dict[str, JobStatus] = {
    "Draft": "draft",
    "Open": "open",
    "Closed": "closed",
    "Archived": "archived",
}
PING_MESSAGE = "Ashby ping: checking that the webhook URL is live"


# ---- resources ------------------------------------------------------------------------------


def _candidate(c: ACandidate | None) -> Candidate | None:
    if c is None:
        return None
    email, phone = c.primary_email_address, c.primary_phone_number
    return Candidate(
        id=c.id,
        name=c.name,
        email=email.value if email is not None else None,
        phone=phone.value if phone is not None else None,
    )


def _application(a: AApplication) -> Application:
    stage, source, job = a.current_interview_stage, a.source, a.job
    archived = a.archive_reason is not None and a.status == "Archived"
    return Application(
        id=a.id,
        candidate=_candidate(a.candidate),
        job=Job(id=job.id, title=job.title) if job is not None else None,
        stage=Stage(id=stage.id, name=stage.title) if stage is not None else None,
        source=ApplicationSource(
            type=source.source_type.title if source.source_type is not None else None,
            id=source.id,
            name=source.title,
        )
        if source is not None
        else None,
        prospect=(a.status == "Lead") if a.status is not None else None,
        rejection_reason=a.archive_reason.text if archived and a.archive_reason else None,
    )


def _person(u: AUser) -> Person:
    return Person(id=u.id, name=full_name(u.first_name, u.last_name), email=u.email)


def _job(j: AJob) -> Job:
    return Job(
        id=j.id,
        title=j.title,
        status=JOB_STATUSES.get(j.status, "unknown") if j.status is not None else None,
        raw_status=j.status,
        employment_type=j.employment_type,
    )


def _interview(s: AInterviewSchedule) -> Interview:
    """The schedule as one interview: its first start, last end and every interviewer once."""
    starts = [t for e in s.interview_events or () if (t := parse_timestamp(e.start_time))]
    ends = [t for e in s.interview_events or () if (t := parse_timestamp(e.end_time))]
    people: dict[str | None, Person] = {}
    for event in s.interview_events or ():
        for user in event.interviewers or ():
            people.setdefault(user.id or user.email, _person(user))
    return Interview(
        id=s.id,
        status=s.status,
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
        interviewers=list(people.values()) or None,
    )


def _offer(o: AOffer) -> Offer:
    latest = o.latest_version
    return Offer(
        id=o.id,
        status=o.offer_status,
        version=len(o.versions) if o.versions else None,
        created_at=parse_timestamp(latest.created_at) if latest is not None else None,
        resolved_at=parse_timestamp(o.decided_at),
        start_date=parse_date(latest.start_date) if latest is not None else None,
    )


def _posting(p: AJobPosting, published: bool | None) -> JobPosting:
    return JobPosting(
        id=p.id,
        title=p.title,
        job_id=p.job_id,
        published=published,
        url=p.external_link or p.apply_link,
        location=Location(name=p.location_name) if p.location_name is not None else None,
        updated_at=parse_timestamp(p.updated_at),
    )


def _ref_application(application_id: str | None) -> Application | None:
    return Application(id=application_id) if application_id is not None else None


def _ref_candidate(candidate_id: str | None) -> Candidate | None:
    return Candidate(id=candidate_id) if candidate_id is not None else None


# ---- data, per action -----------------------------------------------------------------------

_Built = tuple[EventData, Completeness, object]
"""An action's ``data``, its completeness, and the vendor time that dates it (or ``None``)."""


def _application_data(d: AData) -> _Built:
    a = d.application or AApplication()
    return ApplicationData(application=_application(a)), "full", a.updated_at


def _hire(d: AData) -> _Built:
    a = d.application or AApplication()
    application = _application(a)
    data = CandidateData(
        candidate=application.candidate or Candidate(),
        job=application.job,
        application=application,
        offer=_offer(d.offer) if d.offer is not None else None,
    )
    return data, "full", a.updated_at


def _delete(d: AData) -> _Built:
    candidate = Candidate(id=d.candidate.id if d.candidate is not None else None)
    return CandidateData(candidate=candidate), "reference", None


def _merge(d: AData) -> _Built:
    data = CandidateMergedData(
        candidate=Candidate(id=d.deleted_candidate.id if d.deleted_candidate else None),
        merged_into=_ref_candidate(d.merged_candidate.id if d.merged_candidate else None),
    )
    return data, "reference", None


def _plan_transition(d: AData) -> _Built:
    return JobData(job=Job(id=d.job_id)), "reference", None


def _schedule(d: AData) -> _Built:
    s = d.interview_schedule or AInterviewSchedule()
    application = _ref_application(s.application_id)
    if application is not None and s.interview_stage_id is not None:
        application = Application(id=application.id, stage=Stage(id=s.interview_stage_id))
    data = InterviewData(
        interview=_interview(s), candidate=_ref_candidate(s.candidate_id), application=application
    )
    return data, "full", s.updated_at


def _job_data(d: AData) -> _Built:
    job = d.job or AJob()
    return JobData(job=_job(job)), "full", job.updated_at


def _posting_data(published: bool | None) -> Callable[[AData], _Built]:
    def build(d: AData) -> _Built:
        p = d.job_posting or AJobPosting()
        job = Job(id=p.job_id) if p.job_id is not None else None
        return JobPostingData(job_posting=_posting(p, published), job=job), "full", p.updated_at

    return build


def _offer_data(when: Callable[[AOffer], object]) -> Callable[[AData], _Built]:
    def build(d: AData) -> _Built:
        o = d.offer or AOffer()
        data = OfferData(offer=_offer(o), application=_ref_application(o.application_id))
        return data, "full", when(o)

    return build


def _offer_created_at(o: AOffer) -> object:
    return o.latest_version.created_at if o.latest_version is not None else None


def _offer_delete(d: AData) -> _Built:
    o = d.offer or AOffer()
    data = OfferData(offer=Offer(id=o.id), application=_ref_application(o.application_id))
    return data, "reference", None


def _opening(d: AData) -> _Built:
    o = d.opening
    if o is None:
        return OpeningData(opening=Opening()), "full", None
    version = o.latest_version
    opening = Opening(
        id=o.id,
        status=o.opening_state,
        job_ids=version.job_ids if version is not None else None,
        opened_at=parse_timestamp(o.opened_at),
    )
    created = version.created_at if version is not None else None
    return OpeningData(opening=opening), "full", first_timestamp(created, o.opened_at)


def _signature(d: AData) -> _Built:
    data = SignatureRequestData(
        signature_request=SignatureRequest(status=d.event_type, related_type=d.related_entity_type),
        application=_ref_application(d.application_id),
        offer=Offer(id=d.offer_id) if d.offer_id is not None else None,
    )
    return data, "reference", None


def _survey(d: AData) -> _Built:
    s = d.survey_submission
    if s is None:
        return SurveyData(survey_submission=SurveySubmission()), "full", None
    data = SurveyData(
        survey_submission=SurveySubmission(
            id=s.id, survey_type=s.survey_type, submitted_at=parse_timestamp(s.submitted_at)
        ),
        candidate=_ref_candidate(s.candidate_id),
        application=_ref_application(s.application_id),
    )
    return data, "full", s.submitted_at


def _ping(d: AData) -> _Built:
    return TestData(message=PING_MESSAGE), "full", None


_BUILDERS: dict[str, Callable[[AData], _Built]] = {
    "applicationSubmit": _application_data,
    "applicationUpdate": _application_data,
    "candidateStageChange": _application_data,
    "pushToHRIS": _application_data,
    "candidateHire": _hire,
    "candidateDelete": _delete,
    "candidateMerge": _merge,
    "interviewPlanTransition": _plan_transition,
    "interviewScheduleCreate": _schedule,
    "interviewScheduleUpdate": _schedule,
    "jobCreate": _job_data,
    "jobUpdate": _job_data,
    "jobPostingUpdate": _posting_data(None),
    "jobPostingPublish": _posting_data(True),
    "jobPostingUnpublish": _posting_data(False),
    "offerCreate": _offer_data(_offer_created_at),
    "offerUpdate": _offer_data(lambda o: o.decided_at),
    "offerDelete": _offer_delete,
    "openingCreate": _opening,
    "signatureRequestUpdate": _signature,
    "surveySubmit": _survey,
    "ping": _ping,
}


class AshbyAdapter(BaseAdapter):
    name = "ashby"
    display_name = "Ashby"
    category = "ats"
    signature = Signature(header="Ashby-Signature", prefix="sha256=")
    event_types = EVENT_TYPES
    also_emits = ALSO_EMITS

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: AEnvelope = self.decode(raw_body, AEnvelope)
        # One change fires several actions under one webhookActionId (a hire is also an
        # applicationUpdate and a candidateStageChange): the action is part of the key.
        event_id = (
            f"{env.webhook_action_id}:{env.action}"
            if env.webhook_action_id
            else sha256_event_id(raw_body)
        )
        build = _BUILDERS.get(env.action)
        if build is None:
            return self.unmapped(raw_body, env.action, event_id, format_timestamp(received_at))
        d: AData = self.decode(env.data, AData)
        data, completeness, when = build(d)
        main = self.parts(
            vendor_type=env.action,
            event_id=event_id,
            timestamp=parse_timestamp(when) or format_timestamp(received_at),
            completeness=completeness,
            data=data,
        )
        a = d.application
        if (
            env.action not in ALSO_EMITS
            or a is None
            or a.status != "Archived"
            or a.archive_reason is None
            or not isinstance(data, ApplicationData)
        ):
            return main
        # one archive fires applicationUpdate and candidateStageChange under one
        # webhookActionId: both imply the same rejection, keyed without the action
        key = (
            f"{env.webhook_action_id}:{REJECTED}"
            if env.webhook_action_id
            else f"{a.id}:{a.archived_at or a.updated_at}:{REJECTED}"
        )
        rejected = self.derived(main, REJECTED, key, ApplicationData(application=data.application))
        return msgspec.structs.replace(main, also=(rejected,))

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES
