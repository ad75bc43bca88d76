"""Recruitee's webhook body, as its request log and the receivers built on it show it.

``{id, attempt_count, created_at, event_type, event_subtype, payload}``; ``payload`` holds the
``candidate``, the ``offer`` (Recruitee's word for a job or a talent pool), the ``company`` and
the event's ``details`` (the stages of a move). The Test button sends ``{"test": true}`` and the
Test payload buttons an example event with ``test`` added.
"""

from __future__ import annotations

import msgspec


class _Shape(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Unknown fields are ignored: Recruitee adds fields without notice."""


class RecruiteeStage(_Shape):
    id: int | str | None = None
    name: str | None = None
    category: str | None = None


class RecruiteeCandidate(_Shape):
    id: int | str | None = None
    name: str | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    photo_thumb_url: str | None = None
    tags: list[str] | None = None


class RecruiteeOffer(_Shape):
    """A job (``kind: "job"``) or a talent pool (``kind: "talent_pool"``)."""

    id: int | str | None = None
    title: str | None = None
    kind: str | None = None
    slug: str | None = None
    status: str | None = None
    department: str | None = None
    location: str | None = None


class RecruiteeCompany(_Shape):
    id: int | str | None = None
    name: str | None = None
    subdomain: str | None = None


class RecruiteeDetails(_Shape):
    from_stage: RecruiteeStage | None = None
    to_stage: RecruiteeStage | None = None
    disqualify_reason: str | None = None


class RecruiteePayload(_Shape):
    candidate: RecruiteeCandidate | None = None
    offer: RecruiteeOffer | None = None
    company: RecruiteeCompany | None = None
    details: RecruiteeDetails | None = None


class RecruiteeWebhook(_Shape):
    id: int | str | None = None
    attempt_count: int | None = None
    created_at: str | None = None
    event_type: str | None = None
    event_subtype: str | None = None
    payload: RecruiteePayload | None = None
    test: bool | None = None
