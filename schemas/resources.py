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
    source: ApplicationSource | None = None


class Note(Resource):
    id: str | None = None
    body: str | None = None
    attachments: list[Any] | None = None


class Interview(Resource):
    id: str | None = None


class Offer(Resource):
    id: str | None = None


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
