"""Workable's webhook payload, as its docs describe it: the envelope and the records in ``data``.

Every field is optional and unknown fields are ignored: Workable documents its candidate record
field by field but publishes few complete bodies, and its employee events carry anything from the
id alone (``employee_published``) to the updated fields (``employee_updated``).
"""

from __future__ import annotations

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class WAccount(_In):
    subdomain: str | None = None
    name: str | None = None


class WJob(_In):
    shortcode: str | None = None
    title: str | None = None


class WCandidate(_In):
    """The candidate record (Workable's candidate details) that candidate events carry."""

    id: str | int | None = None
    name: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    phone: str | None = None
    image_url: str | None = None
    tags: list[object] | None = None
    account: WAccount | None = None
    job: WJob | None = None
    stage: str | None = None
    disqualified: bool | None = None
    disqualification_reason: str | None = None
    disqualified_at: str | None = None
    hired_at: str | None = None
    sourced: bool | None = None
    domain: str | None = None


class WRow(_In):
    """One row of an employee's multi-valued field (``personal_email``, ``work_email``...)."""

    value: object = None
    is_primary: bool | None = None


class WTimeOffRequest(_In):
    """A time-off request, shaped as Workable's ``/timeoff/requests`` returns it."""

    id: str | int | None = None
    from_date: str | None = None
    to_date: str | None = None
    state: str | None = None
    category_name: str | None = None


class WEmployee(_In):
    """The employee record (or the part of it an employee event carries)."""

    id: str | int | None = None
    firstname: str | None = None
    lastname: str | None = None
    job_title: str | None = None
    department: str | None = None
    status: str | None = None
    start_date: str | None = None
    employee_number: str | int | None = None
    work_email: list[WRow] | str | None = None
    personal_email: list[WRow] | str | None = None
    phone_group: list[WRow] | None = None
    timeoff_request: WTimeOffRequest | None = None


class WEnvelope(_In, kw_only=True):
    """Every delivery: ``id`` is the resource's (not the event's), ``fired_at`` the event's time."""

    event_type: str
    id: str | int | None = None
    resource_type: str | None = None
    fired_at: str | None = None
    data: msgspec.Raw = msgspec.Raw(b"null")
