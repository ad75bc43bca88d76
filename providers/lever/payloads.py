"""Lever's webhook body as its docs describe it: ``{id?, event, triggeredAt, token, signature,
data}``. Every field is optional and unknown fields are ignored: Lever documents one ``data``
example (``candidateStageChange``), so the rest are read leniently and kept whole in ``raw``."""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class LArchived(_In):
    """``toArchived``/``fromArchived`` of ``candidateArchiveChange``: when, and the reason id."""

    archivedAt: int | float | None = None  # noqa: N815 - Lever's field name
    reason: str | None = None


class LData(_In):
    """The union of the ``data`` fields Lever's events carry: ids, never records."""

    opportunityId: str | None = None  # noqa: N815
    candidateId: str | None = None  # noqa: N815 - deprecated by Lever: the opportunity's id
    contactId: str | None = None  # noqa: N815
    applicationId: str | None = None  # noqa: N815
    postingId: str | None = None  # noqa: N815
    toStageId: str | None = None  # noqa: N815
    fromStageId: str | None = None  # noqa: N815
    toArchived: LArchived | None = None  # noqa: N815
    fromArchived: LArchived | None = None  # noqa: N815
    interviewId: str | None = None  # noqa: N815
    panelId: str | None = None  # noqa: N815
    userId: str | None = None  # noqa: N815


class LEnvelope(_In, kw_only=True):
    """The part of the body every event shares."""

    event: str
    id: str | None = None
    triggeredAt: int | float | str | None = None  # noqa: N815
    token: str | None = None
    signature: str | None = None
    data: msgspec.Raw = msgspec.Raw(b"null")


class LSigned(_In):
    """The three fields Lever's signature is made of and carried in; anything else is unsigned."""

    token: Any = None
    triggeredAt: Any = None  # noqa: N815
    signature: Any = None
