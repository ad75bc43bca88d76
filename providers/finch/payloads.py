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
