"""Knit's webhook payload shapes, as msgspec Structs: the envelope its sync guides show and the
parts of its unified models the adapter reads."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec

Record = TypeVar("Record")


class _In(msgspec.Struct, rename="camel"):
    """Vendor input: Knit's camelCase names, unknown fields ignored, every field optional."""


class KnitHead(_In):
    """Every Knit event: ``eventType`` names it; sync events add the sync's fields. Read first;
    ``eventData`` is then decoded straight from the bytes in the shape its kind has
    (``KnitEvent[KnitEmployee]``), never converted from parsed JSON."""

    event_id: str | None = None
    event_type: str | None = None
    sync_type: str | None = None
    sync_data_type: str | None = None
    sync_job_id: str | None = None
    sync_run_id: str | None = None
    record_id: str | int | None = None


class KnitPersonRef(_In):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    work_email: str | None = None


class KnitNamed(_In):
    id: str | None = None
    name: str | None = None


class KnitEmployeeProfile(_In):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    employee_number: str | None = None
    work_email: str | None = None
    start_date: str | None = None
    termination_date: str | None = None
    employment_status: str | None = None
    employment_type: str | None = None


class KnitOrgStructure(_In):
    designation: str | None = None
    department: str | None = None
    manager: KnitPersonRef | None = None


class KnitPhone(_In):
    type: str | None = None
    number: str | None = None


class KnitContactInfo(_In):
    personal_emails: list[str] | None = None
    phones: list[KnitPhone] | None = None


class KnitAddress(_In):
    addressLine1: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class KnitLocations(_In):
    work_address: KnitAddress | None = None


class KnitEmployee(_In):
    """``syncDataType: employee``: one key per subscribed model (``employee_profile`` →
    ``profile``, ...)."""

    profile: KnitEmployeeProfile | None = None
    org_structure: KnitOrgStructure | None = None
    contact_info: KnitContactInfo | None = None
    locations: KnitLocations | None = None


class KnitEmployeeDeleted(_In):
    employee_id: str | None = None
    work_email: str | None = None


class KnitApplicationInfo(_In):
    id: str | None = None
    candidate_id: str | None = None
    job_id: str | None = None
    source_type: str | None = None


class KnitRejection(_In):
    reason: str | None = None


class KnitApplication(_In):
    info: KnitApplicationInfo | None = None
    current_stage: KnitNamed | None = None
    rejection: KnitRejection | None = None


class KnitApplicationDeleted(_In):
    application_id: str | None = None
    candidate_id: str | None = None
    job_id: str | None = None


class KnitJobInfo(_In):
    id: str | None = None
    title: str | None = None
    status: str | None = None
    departments: list[KnitNamed] | None = None


class KnitJob(_In):
    info: KnitJobInfo | None = None


class KnitJobDeleted(_In):
    job_id: str | None = None


class KnitCandidateInfo(_In):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None


class KnitCandidate(_In):
    info: KnitCandidateInfo | None = None


class KnitCandidateDeleted(_In):
    candidate_id: str | None = None


class KnitIntegration(_In):
    """``app.integration.activate`` / ``bot.*``: the integration (the fields Knit's UI component
    reports for one, ``integrationDetails``)."""

    integration_id: str | None = None
    app_id: str | None = None
    category_id: str | None = None
    origin_org_id: str | None = None
    origin_org_name: str | None = None
    origin_user_email: str | None = None
    origin_user_name: str | None = None
    status: str | None = None
    validation_errors: list[Any] | None = None


class KnitSyncResult(_In):
    """``sync.events.*``: the run's counts."""

    status: str | None = None
    processed: int | None = None
    emitted: int | None = None


class KnitEvent(KnitHead, Generic[Record]):
    """A Knit event whose ``eventData`` has the shape ``Record``."""

    event_data: Record | None = None
