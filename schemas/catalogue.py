"""The catalogue of canonical event types: name, description, and the Struct that carries it.

Which vendors emit a type is not written here: it is derived from the loaded adapters' mapping
tables (``providers.registry``), so a plugin that maps a type shows up as its emitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import msgspec

from schemas.events import EVENT_CLASSES, Event
from schemas.subjects import SubjectRule, rule_for


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    description: str
    struct: type[Event]

    @property
    def family(self) -> str:
        """The prefix shared by related types: ``ats.application`` for ``...stage_changed``."""
        return self.name.rsplit(".", 1)[0] if "." in self.name else self.name

    @property
    def subject_rule(self) -> SubjectRule:
        """How an event of this type names its ``subject`` (from its ``data`` Struct)."""
        data = next(f.type for f in msgspec.structs.fields(self.struct) if f.name == "data")
        return rule_for(self.family, data if isinstance(data, type) else dict)

    def json_schema(self) -> dict[str, Any]:
        return _schema(self.struct)


@cache
def _schema(struct: type[Event]) -> dict[str, Any]:
    return msgspec.json.schema(struct)


_DESCRIPTIONS: dict[str, str] = {
    "ats.application.created": "A candidate entered a job's pipeline (applied, sourced, referred).",
    "ats.application.updated": "An application's details changed.",
    "ats.application.stage_changed": "An application moved from one pipeline stage to another.",
    "ats.application.rejected": "An application was rejected (or archived) by the hiring team.",
    "ats.application.unrejected": "A rejected (or archived) application was reopened.",
    "ats.application.deleted": "An application was deleted; the candidate remains.",
    "ats.application.pushed_to_hris": "A hired application was sent on to an HRIS.",
    "ats.candidate.created": "A candidate (person or contact record) was created.",
    "ats.candidate.updated": "A candidate's own details (name, contacts, custom fields) changed.",
    "ats.candidate.deleted": "A candidate was deleted.",
    "ats.candidate.hired": "A candidate was marked as hired.",
    "ats.candidate.unhired": "A hire was undone: the candidate is no longer marked as hired.",
    "ats.candidate.merged": "A duplicate candidate was merged into another, which remains.",
    "ats.candidate.anonymized": "Some of a candidate's personal fields were erased (e.g. GDPR).",
    "ats.job.created": "A job (position) was created.",
    "ats.job.updated": "A job's details changed (not its status).",
    "ats.job.deleted": "A job was deleted.",
    "ats.job.status_changed": "A job was published, closed, archived or otherwise changed status.",
    "ats.job.approved": "A job received its final approval (to open it, or to make offers).",
    "ats.job.interview_plan_changed": "A job switched to another interview plan.",
    "ats.job_posting.created": "A job posting (a job's public advertisement) was created.",
    "ats.job_posting.updated": "A job posting was edited or its live status changed.",
    "ats.job_posting.deleted": "A job posting was deleted.",
    "ats.job_posting.published": "A job posting went live on the job board.",
    "ats.job_posting.unpublished": "A job posting was taken off the job board.",
    "ats.stage.deleted": "A pipeline (interview) stage was removed from a job.",
    "ats.note.created": "A team note was posted on a candidate.",
    "ats.note.updated": "A team note was edited.",
    "ats.note.deleted": "A team note was deleted.",
    "ats.interview.scheduled": "An interview was scheduled.",
    "ats.interview.completed": "An interview was marked as completed.",
    "ats.interview.updated": "An interview was rescheduled, changed or cancelled.",
    "ats.interview.deleted": "An interview was deleted or cancelled and removed.",
    "ats.scorecard.created": "An interviewer submitted a scorecard (feedback, a review).",
    "ats.scorecard.updated": "A submitted scorecard was changed.",
    "ats.scorecard.deleted": "An interviewer's scorecard (feedback) was deleted.",
    "ats.offer.created": "An offer (or a new version of one) was created.",
    "ats.offer.updated": "An offer changed (terms, status or approvals).",
    "ats.offer.deleted": "An offer was deleted.",
    "ats.offer.approved": "An offer that needed approval received it.",
    "ats.offer.sent": "An offer was sent to a candidate.",
    "ats.offer.accepted": "A candidate accepted an offer.",
    "ats.offer.rejected": "A candidate rejected an offer.",
    "ats.signature_request.updated": (
        "An e-signature request was sent, completed, cancelled or deleted."
    ),
    "ats.survey.submitted": "A candidate submitted a survey.",
    "ats.referral.created": "A referral was submitted.",
    "ats.opening.created": "An opening (a headcount slot jobs hire against) was created.",
    "ats.opening.updated": "An opening changed (its status, dates or the jobs it belongs to).",
    "ats.opening.deleted": "An opening was removed.",
    "ats.department.deleted": "A department was removed from the organisation.",
    "ats.office.deleted": "An office was removed from the organisation.",
    "ats.user.created": "A user was added to the vendor account.",
    "ats.user.updated": "A user profile was modified.",
    "hris.employee.created": "An employee record was created.",
    "hris.employee.updated": "An employee record changed or was published.",
    "hris.employee.onboarded": "An employee completed onboarding.",
    "hris.employee.deleted": "An employee record was deleted.",
    "hris.employee.started": "An employee's employment began (on its effective date).",
    "hris.employee.terminated": "An employee's employment ended or was set to end.",
    "hris.employment.created": "An employment (a job or contract record) was created.",
    "hris.employment.updated": "An employment's title, manager, type, pay or status changed.",
    "hris.employment.deleted": "An employment (a job or contract record) was deleted.",
    "hris.time_off.updated": "An employee's time off was requested, changed or decided.",
    "hris.time_off.requested": "An employee requested time off.",
    "hris.time_off.approved": "A time-off request was approved.",
    "hris.time_off.declined": "A time-off request was declined.",
    "hris.time_off.cancelled": "A time-off request or booked leave was cancelled or withdrawn.",
    "hris.payroll.created": "A pay run was created.",
    "hris.payroll.updated": "A pay run changed (calculated, edited, processed or reversed).",
    "hris.payroll.submitted": "A pay run was approved and submitted for processing.",
    "hris.payroll.paid": "A pay run was paid out to employees.",
    "hris.payroll.cancelled": "A pay run was cancelled.",
    "hris.payslip.released": "An employee's payslip for a pay run was made available.",
    "hris.company.created": "A company (employer account) was created or provisioned.",
    "hris.company.updated": "A company's details or status changed.",
    "hris.background_check.completed": "A background check on a person finished, with its result.",
    "hris.document.available": "A document for an employee (a tax form, say) was made available.",
    "hris.employee.changed": "Employee records changed; carries the changed employees' ids.",
    "hris.data.changed": "Records of some HRIS data model changed; carries their ids or records.",
    "ats.data.changed": "Records of some ATS data model changed; carries their ids or records.",
    "connection.created": "A unified API's linked account to an HRIS or ATS was connected.",
    "connection.updated": "A linked account's state or health changed (an issue opened or closed).",
    "connection.deleted": "A linked account was disconnected or deleted.",
    "connection.sync.started": "A vendor-side connector started syncing.",
    "connection.sync.completed": "A vendor-side connector finished syncing.",
    "connection.sync.failed": "A vendor-side connector's sync failed; carries the error.",
    "connection.test": "A vendor's test webhook (its dashboard's Test button).",
    "unmapped": "A vendor event type the adapter does not know; data is the vendor payload.",
}

CATALOGUE: dict[str, EventType] = {
    name: EventType(name=name, description=_DESCRIPTIONS[name], struct=cls)
    for name, cls in EVENT_CLASSES.items()
}


def matches(pattern: str, event_type: str) -> bool:
    """Whether a subscription pattern (``*``, exact, or prefix glob ``ats.*``) selects a type."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def pattern_is_known(pattern: str) -> bool:
    """A pattern is valid when it selects at least one catalogued type."""
    return any(matches(pattern, name) for name in CATALOGUE)
