"""Lever's webhook body as its docs describe it: ``{id?, event, triggeredAt, token, signature,
data}``. Every field is optional and unknown fields are ignored: Lever documents one ``data``
example (``candidateStageChange``), so the rest are read leniently and kept whole in ``raw``."""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct, rename="camel"):
    """Vendor input: camelCase names, unknown fields ignored, every field optional."""


class LArchiveReason(_In):
    """An archive reason as Lever's API writes one (``GET /archive_reasons``): ``type`` is
    ``hired`` or ``non-hired``."""

    id: str | None = None
    text: str | None = None
    type: str | None = None


class LArchived(_In):
    """``toArchived``/``fromArchived`` of ``candidateArchiveChange``: when, the reason (its id,
    or the reason itself), and the requisition a hire fills."""

    archived_at: int | float | None = None
    reason: str | LArchiveReason | None = None
    requisition_for_hire: str | None = None


class LData(_In):
    """The union of the ``data`` fields Lever's events carry: ids, never records."""

    opportunity_id: str | None = None
    candidate_id: str | None = None  # deprecated by Lever: the opportunity's id
    contact_id: str | None = None
    application_id: str | None = None
    posting_id: str | None = None
    to_stage_id: str | None = None
    from_stage_id: str | None = None
    to_archived: LArchived | None = None
    from_archived: LArchived | None = None
    interview_id: str | None = None
    panel_id: str | None = None
    requisition_for_hire: str | None = None
    user_id: str | None = None


class LEnvelope(_In, kw_only=True):
    """The part of the body every event shares."""

    event: str
    id: str | None = None
    triggered_at: int | float | str | None = None
    token: str | None = None
    signature: str | None = None
    data: msgspec.Raw = msgspec.Raw(b"null")


class LSigned(_In):
    """The three fields Lever's signature is made of and carried in; anything else is unsigned."""

    token: Any = None
    triggered_at: Any = None
    signature: Any = None
