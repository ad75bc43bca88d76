"""Examplehire (a fictional ATS): ``{id, event, occurred_at, account, data}``, signed in
``X-Examplehire-Signature``.

Examplehire signs the raw body with HMAC-SHA256, hex-encoded, keyed by the endpoint secret, which
is declared as a ``Signature``; this module is only data and mapping.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from providers import BaseAdapter, Signature, format_timestamp, parse_timestamp, sha256_event_id
from schemas import EventData, Normalized
from schemas.events import ApplicationData, CandidateData
from schemas.resources import Application, Candidate, Company, Job, Person, Stage
from unihook_example_adapter.provisioner import ExamplehireProvisioner

__version__ = "0.1.0"

EVENT_TYPES: dict[str, str] = {
    "application.submitted": "ats.application.created",
    "application.stage_moved": "ats.application.stage_changed",
    "candidate.hired": "ats.candidate.hired",
}


# ---- Examplehire's payload: every field optional, unknown fields ignored --------------------


class _In(msgspec.Struct):
    pass


class EAccount(_In):
    id: str | None = None
    name: str | None = None
    slug: str | None = None


class EUser(_In):
    id: str | None = None
    full_name: str | None = None
    email: str | None = None


class ECandidate(_In):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    tags: list[str] | None = None


class EJob(_In):
    id: str | None = None
    title: str | None = None
    department: str | None = None


class EStage(_In):
    id: str | None = None
    label: str | None = None


class EData(_In):
    application_id: str | None = None
    candidate: ECandidate | None = None
    job: EJob | None = None
    stage: EStage | None = None
    previous_stage: EStage | None = None
    moved_by: EUser | None = None


class ExamplehireEnvelope(_In, kw_only=True):
    id: str | None = None
    event: str
    occurred_at: str | int | None = None
    account: EAccount | None = None
    data: EData | None = None


# ---- mapping --------------------------------------------------------------------------------


def _candidate(c: ECandidate | None) -> Candidate | None:
    if c is None:
        return None
    name = " ".join(part for part in (c.first_name, c.last_name) if part) or None
    return Candidate(id=c.id, name=name, email=c.email, phone=c.phone, tags=c.tags)


def _stage(s: EStage | None) -> Stage | None:
    return Stage(id=s.id, name=s.label) if s is not None else None


def _job(j: EJob | None) -> Job | None:
    return Job(id=j.id, title=j.title, department=j.department) if j is not None else None


def _actor(u: EUser | None) -> Person | None:
    return Person(id=u.id, name=u.full_name, email=u.email) if u is not None else None


def _company(a: EAccount | None) -> Company | None:
    return Company(id=a.id, name=a.name, slug=a.slug) if a is not None else None


def _data(canonical: str, env: ExamplehireEnvelope) -> EventData:
    d = env.data or EData()
    if canonical == "ats.candidate.hired":
        return CandidateData(
            candidate=_candidate(d.candidate) or Candidate(),
            job=_job(d.job),
            actor=_actor(d.moved_by),
            company=_company(env.account),
        )
    return ApplicationData(
        application=Application(
            id=d.application_id,
            candidate=_candidate(d.candidate),
            job=_job(d.job),
            stage=_stage(d.stage),
        ),
        previous_stage=_stage(d.previous_stage),
        actor=_actor(d.moved_by),
        company=_company(env.account),
    )


class ExamplehireAdapter(BaseAdapter):
    """``BaseAdapter`` does detection, verification and signing from ``signature``."""

    name = "example"
    display_name = "Examplehire"
    category = "ats"
    signature = Signature(header="X-Examplehire-Signature")
    event_types = EVENT_TYPES

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        env: ExamplehireEnvelope = self.decode(raw_body, ExamplehireEnvelope)
        event_id = env.id or sha256_event_id(raw_body)
        timestamp = parse_timestamp(env.occurred_at) or format_timestamp(received_at)
        canonical = self.event_types.get(env.event)
        if canonical is None:
            return self.unmapped(raw_body, env.event, event_id, timestamp)
        return self.parts(
            vendor_type=env.event,
            event_id=event_id,
            timestamp=timestamp,
            completeness="full",
            data=_data(canonical, env),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES


# ---- one realistic sample per vendor type ---------------------------------------------------

_ACCOUNT = {"id": "acc_7731", "name": "Acme Robotics", "slug": "acme-robotics"}
_CANDIDATE = {
    "id": "cand_90210",
    "first_name": "Ana",
    "last_name": "Müller",
    "email": "ana.mueller@mail.example",
    "phone": "+49 30 5550199",
    "tags": ["python", "referral"],
}
_JOB = {"id": "job_42", "title": "Platform Engineer", "department": "Engineering"}
_RECRUITER = {"id": "usr_5", "full_name": "Sam Lee", "email": "sam.lee@acme.example"}

SAMPLES: dict[str, dict[str, Any]] = {
    "application.submitted": {
        "id": "eh_evt_0001",
        "event": "application.submitted",
        "occurred_at": "2025-02-03T09:12:44Z",
        "account": _ACCOUNT,
        "data": {
            "application_id": "app_1001",
            "candidate": _CANDIDATE,
            "job": _JOB,
            "stage": {"id": "stg_new", "label": "New"},
        },
    },
    "application.stage_moved": {
        "id": "eh_evt_0002",
        "event": "application.stage_moved",
        "occurred_at": "2025-02-05T14:00:00Z",
        "account": _ACCOUNT,
        "data": {
            "application_id": "app_1001",
            "candidate": _CANDIDATE,
            "job": _JOB,
            "previous_stage": {"id": "stg_new", "label": "New"},
            "stage": {"id": "stg_onsite", "label": "Onsite interview"},
            "moved_by": _RECRUITER,
        },
    },
    "candidate.hired": {
        "id": "eh_evt_0003",
        "event": "candidate.hired",
        "occurred_at": 1740394800,
        "account": _ACCOUNT,
        "data": {"candidate": _CANDIDATE, "job": _JOB, "moved_by": _RECRUITER},
    },
}

adapter = ExamplehireAdapter(provisioner=ExamplehireProvisioner(list(EVENT_TYPES)))
