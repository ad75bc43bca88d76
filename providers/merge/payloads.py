"""Merge's webhook payload shapes, as msgspec Structs: what the adapter decodes before mapping.

The envelope is ``{hook, linked_account, data}``; ``data`` is the Common Model record for the
changed-data events, a sync status for the sync events and the Issue object for ``Issue.*``.
Field names follow Merge's Common Model reference (HRIS and ATS); every field is optional and
unknown fields are ignored, so a model Merge extends still decodes.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class MergeHook(_In, kw_only=True):
    id: str | None = None
    event: str
    target: str | None = None


class MergeHead(_In):
    """Just the envelope key that names the event; read before anything else."""

    hook: MergeHook | None = None
    response: str | None = None


class MergeLinkedAccount(_In):
    id: str | None = None
    integration: str | None = None
    integration_slug: str | None = None
    category: str | None = None
    end_user_origin_id: str | None = None
    end_user_organization_name: str | None = None
    end_user_email_address: str | None = None
    status: str | None = None
    account_type: str | None = None
    completed_at: str | None = None


T = TypeVar("T")


class MergeBody(_In, Generic[T]):
    """The envelope with ``data`` typed as one payload shape (a record, a sync, an issue)."""

    data: T | None = None


class MergeEnvelope(_In):
    linked_account: MergeLinkedAccount | None = None
    data: Any = None


# ---- sync and issue payloads ----------------------------------------------------------------


class MergeModelSyncStatus(_In):
    """One model's sync state inside ``{Model}.synced`` (``data.sync_status``)."""

    model_name: str | None = None
    model_id: str | None = None
    last_sync_start: str | None = None
    last_sync_result: str | None = None
    last_sync_finished: str | None = None
    status: str | None = None
    is_initial_sync: bool | None = None


class MergeModelSynced(_In):
    integration_name: str | None = None
    integration_id: str | None = None
    synced_fields: list[str] | None = None
    sync_status: MergeModelSyncStatus | None = None


class MergeSyncResult(_In):
    """One model's result inside ``LinkedAccount.sync_completed``'s per-model map."""

    last_sync_result: str | None = None
    last_sync_finished: str | None = None


class MergeAccountSynced(_In):
    is_initial_sync: bool | None = None
    sync_status: dict[str, MergeSyncResult] | None = None


class MergeIssue(_In):
    id: str | None = None
    status: str | None = None
    error_description: str | None = None
    first_incident_time: str | None = None
    last_incident_time: str | None = None


# ---- Common Model records -------------------------------------------------------------------


class MergeRecord(_In):
    id: str | None = None
    remote_id: str | None = None
    modified_at: str | None = None
    created_at: str | None = None


class MergeEmployee(MergeRecord):
    employee_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    display_full_name: str | None = None
    work_email: str | None = None
    personal_email: str | None = None
    mobile_phone_number: str | None = None
    manager: str | None = None
    employment_status: str | None = None
    hire_date: str | None = None
    start_date: str | None = None
    termination_date: str | None = None


class MergeEmployment(MergeRecord):
    employee: str | None = None
    job_title: str | None = None
    pay_rate: float | None = None
    pay_period: str | None = None
    pay_currency: str | None = None
    effective_date: str | None = None
    employment_type: str | None = None


class MergeTimeOff(MergeRecord):
    employee: str | None = None
    status: str | None = None
    units: str | None = None
    amount: float | None = None
    request_type: str | None = None
    start_time: str | None = None
    end_time: str | None = None


class MergeCompany(MergeRecord):
    legal_name: str | None = None
    display_name: str | None = None


class MergePayrollRun(MergeRecord):
    run_state: str | None = None
    run_type: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    check_date: str | None = None


class MergeEmailAddress(_In):
    value: str | None = None
    email_address_type: str | None = None


class MergePhoneNumber(_In):
    value: str | None = None
    phone_number_type: str | None = None


class MergeCandidate(MergeRecord):
    first_name: str | None = None
    last_name: str | None = None
    email_addresses: list[MergeEmailAddress] | None = None
    phone_numbers: list[MergePhoneNumber] | None = None
    tags: list[str] | None = None


class MergeApplication(MergeRecord):
    candidate: str | None = None
    job: str | None = None
    applied_at: str | None = None
    rejected_at: str | None = None
    current_stage: str | None = None
    reject_reason: str | None = None
    source: str | None = None


class MergeJob(MergeRecord):
    name: str | None = None
    status: str | None = None


class MergeOffer(MergeRecord):
    application: str | None = None
    status: str | None = None
    sent_at: str | None = None
    closed_at: str | None = None
    start_date: str | None = None


class MergeInterview(MergeRecord):
    application: str | None = None
    interviewers: list[str] | None = None
    start_at: str | None = None
    end_at: str | None = None
    status: str | None = None


class MergeRemoteUser(MergeRecord):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class MergeNamed(MergeRecord):
    """Departments, offices and interview stages: an id and a name."""

    name: str | None = None
    job: str | None = None


class MergeScorecard(MergeRecord):
    application: str | None = None
    interview: str | None = None
    interviewer: str | None = None
    submitted_at: str | None = None
    overall_recommendation: str | None = None
