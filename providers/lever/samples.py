"""Realistic Lever deliveries, one per event type, plus the dashboard's test request and an
unarchive: compact JSON as Lever sends it (its test request's ``Content-Length`` is that of the
compact form), keys in the order of Lever's examples, signed with ``SAMPLE_SIGNATURE_TOKEN``.

Only ``candidateStageChange``'s ``data`` is documented by Lever; the other events carry the same
ids (``opportunityId``, the deprecated ``candidateId`` that equals it, ``contactId``) plus the ids
their event names (``interviewId`` and ``panelId``; ``toArchived``/``fromArchived``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from providers.lever.signing import signature

SAMPLE_SIGNATURE_TOKEN = "lever-sample-signature-token-3f1c9a7e"  # noqa: S105 - public test key

_OPPORTUNITY = "3410c8b9-5c31-4bab-b7e9-9f710206d647"
_CONTACT = "05c248f9-ccb1-435f-bab5-0ec608aec263"
_IDS = {"opportunityId": _OPPORTUNITY, "candidateId": _OPPORTUNITY, "contactId": _CONTACT}
_STAGE_FROM = "992f01a9-ee19-41d2-ae79-1040701b195c"
_STAGE_TO = "7c2690d8-6308-4ed9-ae2a-cbfe7db26593"
_INTERVIEW = "0a6c1f0e-8c3b-4d7a-9f52-6b1e2d3c4a5f"
_PANEL = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
_REASON = "63dd55b2-a99f-4e7b-985f-22c7bf80ab42"


def delivery(
    event: str, data: dict[str, Any], triggered_at: int, token: str, key: str
) -> dict[str, Any]:
    """A Lever body in the field order of its docs' example delivery."""
    return {
        "triggeredAt": triggered_at,
        "event": event,
        "data": data,
        "signature": signature(token, triggered_at, key),
        "token": token,
    }


def _token(n: int) -> str:
    """A 48-character token, as Lever's docs describe them."""
    return hashlib.sha256(f"lever-sample-{n}".encode()).hexdigest()[:48]


_DATA: dict[str, dict[str, Any]] = {
    "applicationCreated": dict(_IDS),
    "candidateHired": dict(_IDS),
    "candidateStageChange": {**_IDS, "toStageId": _STAGE_TO, "fromStageId": _STAGE_FROM},
    "candidateArchiveChange": {
        **_IDS,
        "toArchived": {"archivedAt": 1736936450000, "reason": _REASON},
        "fromArchived": None,
    },
    "candidateDeleted": dict(_IDS),
    "interviewCreated": {
        "interviewId": _INTERVIEW,
        "panelId": _PANEL,
        "opportunityId": _OPPORTUNITY,
        "contactId": _CONTACT,
    },
    "interviewUpdated": {
        "interviewId": _INTERVIEW,
        "panelId": _PANEL,
        "opportunityId": _OPPORTUNITY,
        "contactId": _CONTACT,
    },
    "interviewDeleted": {
        "interviewId": _INTERVIEW,
        "panelId": _PANEL,
        "opportunityId": _OPPORTUNITY,
        "contactId": _CONTACT,
    },
    "contactCreated": {"contactId": _CONTACT},
    "contactUpdated": {"contactId": _CONTACT},
}

_BASE_TIME = 1736936400000  # 2025-01-15T10:20:00Z

SAMPLES: dict[str, dict[str, Any]] = {
    event: delivery(event, data, _BASE_TIME + 60_000 * n, _token(n), SAMPLE_SIGNATURE_TOKEN)
    for n, (event, data) in enumerate(_DATA.items())
}

VARIANTS: dict[str, dict[str, Any]] = {
    "candidateHired:test": delivery(
        "candidateHired", {}, _BASE_TIME + 3_600_000, _token(100), SAMPLE_SIGNATURE_TOKEN
    ),
    "candidateArchiveChange:unarchived": delivery(
        "candidateArchiveChange",
        {
            **_IDS,
            "toArchived": None,
            "fromArchived": {"archivedAt": 1736936450000, "reason": _REASON},
        },
        _BASE_TIME + 7_200_000,
        _token(101),
        SAMPLE_SIGNATURE_TOKEN,
    ),
}
"""The dashboard's "test your webhook URL" request (``candidateHired`` with empty ``data``) and
an unarchive: the two Lever bodies that map to another type than their event's main one."""
