"""Finch's webhook payload shapes (its SDKs' ``WebhookEvent`` union), as msgspec Structs."""

from __future__ import annotations

from typing import Any

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


class FinchAccountUpdate(_In):
    """``account.updated``: the connection's status. Its ``authentication_method`` is a bare
    string in Finch's guide and an object with ``type`` in its SDKs: both are read."""

    status: str | None = None
    authentication_method: str | FinchAuthenticationMethod | None = None


class FinchIndividualRef(_In):
    """``directory.*``, ``individual.*``, ``employment.*``: the individual that changed."""

    individual_id: str | None = None


class FinchPaymentRef(_In):
    payment_id: str | None = None
    pay_date: str | None = None


class FinchPayStatementRef(_In):
    payment_id: str | None = None
    individual_id: str | None = None


class FinchJobCompletion(_In):
    job_id: str | None = None
    job_url: str | None = None


class FinchEvent(FinchEnvelope):
    data: Any = None
