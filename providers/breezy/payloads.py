"""Breezy's payload shapes, as msgspec Structs: what the adapter decodes before mapping."""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class BUser(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email_address: str | None = None
    profile_photo_url: str | None = None


class BCompany(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    friendly_id: str | None = None


class BLocation(_In):
    name: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None


class BPosition(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    friendly_id: str | None = None
    state: str | None = None
    type: str | None = None
    department: str | None = None
    location: BLocation | None = None


class BStage(_In):
    id: str | None = None
    name: str | None = None


class BCandidate(_In):
    id: str | None = msgspec.field(default=None, name="_id")
    name: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    profile_photo_url: str | None = None
    tags: list[Any] | None = None


class BSource(_In):
    type: str | None = None
    id: str | None = None
    name: str | None = None


class BObject(_In):
    company: BCompany | None = None
    company_id: str | None = None
    position: BPosition | None = None
    stage: BStage | None = None
    stage_was: BStage | None = None
    entered_stage: str | None = None
    entered_previous_stage: str | None = None
    time_in_previous_stage: int | float | None = None
    candidate: BCandidate | None = None
    acting_user: BUser | None = None
    source: BSource | None = None
    external_source: BSource | None = None
    state_is: str | None = None
    state_was: str | None = None
    note_id: str | None = None
    body: str | None = None
    attachments: list[Any] | None = None


class BEnvelope(_In, kw_only=True):
    id: str | None = msgspec.field(default=None, name="_id")
    type: str
    object: msgspec.Raw = msgspec.Raw(b"null")
    creation_date: str | int | float | None = None


# ---- mapping --------------------------------------------------------------------------------
