"""Lever's webhook events and the canonical types they map to."""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "applicationCreated": "ats.application.created",
    "candidateStageChange": "ats.application.stage_changed",
    "candidateArchiveChange": "ats.application.rejected",
    "contactCreated": "ats.candidate.created",
    "contactUpdated": "ats.candidate.updated",
    "candidateHired": "ats.candidate.hired",
    "candidateDeleted": "ats.candidate.deleted",
    "interviewCreated": "ats.interview.scheduled",
    "interviewUpdated": "ats.interview.updated",
    "interviewDeleted": "ats.interview.deleted",
}

ALSO_EMITS: dict[str, tuple[str, ...]] = {
    "candidateArchiveChange": ("ats.application.unrejected", "ats.candidate.hired"),
    "candidateHired": ("connection.test",),
}
"""Types a Lever event maps to besides its main one: an unarchive, an archive that is a hire, and
the dashboard's test."""
