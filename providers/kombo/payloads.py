"""Kombo's webhook payload shapes, as msgspec Structs: ``{id, type, data}`` with ``data`` per
type, as Kombo's API reference and its generated SDKs (from its OpenAPI) describe them; and the
records of its read API the completer fetches."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

R = TypeVar("R")


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class KomboHead(_In, kw_only=True):
    """The envelope: every Kombo webhook has all three keys."""

    id: str
    type: str


class KomboEndUser(_In):
    organization_name: str | None = None
    creator_email: str | None = None
    origin_id: str | None = None


class KomboChangedModel(_In):
    name: str | None = None


class KomboData(_In):
    """The union of the ``data`` fields of every documented type (each uses a subset)."""

    # integration-created / integration-deleted name the integration ``id``, ``tool``, ``category``
    id: str | None = None
    tool: str | None = None
    category: str | None = None
    deleted_at: str | None = None
    # the other types name it ``integration_*``
    integration_id: str | None = None
    integration_tool: str | None = None
    integration_category: str | None = None
    end_user: KomboEndUser | None = None
    log_url: str | None = None
    # data-changed
    changed_models: list[KomboChangedModel] | None = None
    # sync-finished
    sync_id: str | None = None
    sync_state: str | None = None
    sync_started_at: str | None = None
    sync_ended_at: str | None = None
    # integration-state-changed
    state: str | None = None
    qa_status: str | None = None
    setup_status: str | None = None
    updated_at: str | None = None


class KomboPayload(_In):
    data: KomboData | None = None


# ---- the read API's records (``GET /hris/employees``, ``/ats/candidates``, ...) ---------------
# Only the fields ``providers.kombo.mapping`` reads; Kombo's API reference (its OpenAPI, as its
# SDKs are generated from it) gives each record more.


class KomboGroup(_In):
    name: str | None = None
    type: str | None = None  # DEPARTMENT | TEAM | COST_CENTER


class KomboWorkLocation(_In):
    name: str | None = None


class KomboManager(_In):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_full_name: str | None = None
    work_email: str | None = None


class KomboEmployee(_In):
    id: str | None = None
    remote_id: str | None = None
    employee_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    display_full_name: str | None = None
    job_title: str | None = None
    work_email: str | None = None
    personal_email: str | None = None
    mobile_phone_number: str | None = None
    employment_status: str | None = None  # ACTIVE | PENDING | INACTIVE | LEAVE
    employment_type: str | None = None  # FULL_TIME | PART_TIME | CONTRACT | INTERNSHIP | ...
    start_date: str | None = None
    termination_date: str | None = None
    manager_id: str | None = None
    manager: KomboManager | None = None
    groups: list[KomboGroup] | None = None
    work_location: KomboWorkLocation | None = None
    changed_at: str | None = None
    remote_deleted_at: str | None = None


class KomboEmailAddress(_In):
    email_address: str | None = None
    type: str | None = None


class KomboPhoneNumber(_In):
    phone_number: str | None = None
    type: str | None = None


class KomboTag(_In):
    id: str | None = None
    name: str | None = None


class KomboCandidate(_In):
    id: str | None = None
    remote_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_addresses: list[KomboEmailAddress] | None = None
    phone_numbers: list[KomboPhoneNumber] | None = None
    tags: list[KomboTag] | None = None
    changed_at: str | None = None
    remote_deleted_at: str | None = None


class KomboStage(_In):
    id: str | None = None
    name: str | None = None


class KomboJobRef(_In):
    id: str | None = None
    name: str | None = None


class KomboApplication(_In):
    id: str | None = None
    remote_id: str | None = None
    outcome: str | None = None  # PENDING | HIRED | DECLINED
    rejection_reason_name: str | None = None
    current_stage_id: str | None = None
    job_id: str | None = None
    candidate_id: str | None = None
    candidate: KomboCandidate | None = None
    current_stage: KomboStage | None = None
    job: KomboJobRef | None = None
    changed_at: str | None = None
    remote_deleted_at: str | None = None


class KomboLocation(_In):
    city: str | None = None
    state: str | None = None
    country: str | None = None
    raw: str | None = None


class KomboJob(_In):
    id: str | None = None
    remote_id: str | None = None
    name: str | None = None
    status: str | None = None  # OPEN | CLOSED | DRAFT | ARCHIVED
    employment_type: str | None = None
    department: str | None = None
    location: KomboLocation | None = None
    changed_at: str | None = None
    remote_deleted_at: str | None = None


class KomboPage(_In, Generic[R]):
    """One page of a list: ``next`` is the cursor of the next page, ``None`` after the last."""

    next: str | None = None
    results: list[R] = []


class KomboAnswer(_In, Generic[R]):
    """Every answer of Kombo's API: ``{"status": "success", "data": ...}``."""

    status: str | None = None
    data: KomboPage[R] | None = None
