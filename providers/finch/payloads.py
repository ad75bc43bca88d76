"""Finch's webhook payload shapes (its SDKs' ``WebhookEvent`` union), as msgspec Structs."""

from __future__ import annotations

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class FinchHead(_In):
    """Just the field that names the event; read before anything else."""

    event_type: str | None = None


class FinchEnvelope(_In):
    """What every Finch event carries: ``connection_id`` names the connection (``company_id``
    and ``account_id`` are deprecated but still sent), ``entity_id`` the entity of a
    multi-entity connection."""

    event_type: str | None = None
    connection_id: str | None = None
    company_id: str | None = None
    account_id: str | None = None
    entity_id: str | None = None


class FinchAuthenticationMethod(_In):
    type: str | None = None


class FinchData(_In):
    """``data`` of every Finch event in one shape (its members' fields do not collide), so the
    body is decoded straight from the bytes: ``account.updated``'s ``status`` and
    ``authentication_method`` (a bare string in Finch's guide, an object with ``type`` in its
    SDKs), the ``individual_id`` of ``directory.*`` / ``individual.*`` / ``employment.*`` /
    ``pay_statement.*``, the ``payment_id`` and ``pay_date`` of ``payment.*``, and the job
    completions' ``job_id`` and ``job_url``. ``company.updated``'s free-form object is read as
    none of these."""

    status: str | None = None
    authentication_method: str | FinchAuthenticationMethod | None = None
    individual_id: str | None = None
    payment_id: str | None = None
    pay_date: str | None = None
    job_id: str | None = None
    job_url: str | None = None


class FinchEvent(FinchEnvelope):
    data: FinchData | None = None


class FinchContact(_In):
    data: str | None = None
    type: str | None = None
    """``work`` or ``personal``."""


class FinchIndividual(_In):
    """``POST /employer/individual``'s ``responses[].body``, the fields mapped."""

    id: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    emails: list[FinchContact] | None = None
    phone_numbers: list[FinchContact] | None = None


class FinchNamed(_In):
    id: str | None = None
    name: str | None = None


class FinchEmploymentKind(_In):
    type: str | None = None
    """``employee`` or ``contractor``."""
    subtype: str | None = None
    """``full_time``, ``intern``, ``part_time``, ``temp``, ``seasonal``,
    ``individual_contractor``."""


class FinchLocation(_In):
    city: str | None = None
    state: str | None = None
    country: str | None = None


class FinchEmploymentRecord(_In):
    """``POST /employer/employment``'s ``responses[].body``, the fields mapped."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    department: FinchNamed | None = None
    manager: FinchNamed | None = None
    employment: FinchEmploymentKind | None = None
    employment_status: str | None = None
    """``active``, ``deceased``, ``leave``, ``onboarding``, ``prehire``, ``retired``,
    ``terminated``."""
    is_active: bool | None = None
    start_date: str | None = None
    end_date: str | None = None
    location: FinchLocation | None = None


class FinchResponse(_In):
    """One answer of a batch read: ``code`` is the HTTP status of this individual's read."""

    individual_id: str | None = None
    code: int | None = None
    body: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)


class FinchBatch(_In):
    responses: list[FinchResponse] = msgspec.field(default_factory=list)


class FinchPayPeriod(_In):
    start_date: str | None = None
    end_date: str | None = None


class FinchPayment(_In):
    """One of ``GET /employer/payment``'s payments, the fields mapped."""

    id: str | None = None
    pay_period: FinchPayPeriod | None = None
    pay_date: str | None = None
