"""SmartRecruiters' webhook body: the ids of the resource that changed, nothing more.

The event's name, version and id arrive in headers (``event-name``, ``event-version``,
``event-id``) and the resource's API address in ``link``; the body names the resource: ``{"id"}``
per the "Receiving webhook notifications" guide, ``{"job_id", "candidate_id"}`` for an application
in the signature example. SmartRecruiters' API otherwise writes camelCase, so both spellings of
the owning job, candidate and offer are read.
"""

from __future__ import annotations

import msgspec


class SmartRecruitersNotification(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Every id a notification body may carry; unknown fields are ignored."""

    id: str | None = None
    job_id: str | None = None
    candidate_id: str | None = None
    offer_id: str | None = None
    job_id_camel: str | None = msgspec.field(default=None, name="jobId")
    candidate_id_camel: str | None = msgspec.field(default=None, name="candidateId")
    offer_id_camel: str | None = msgspec.field(default=None, name="offerId")

    @property
    def job(self) -> str | None:
        return self.job_id or self.job_id_camel

    @property
    def candidate(self) -> str | None:
        return self.candidate_id or self.candidate_id_camel

    @property
    def offer(self) -> str | None:
        return self.offer_id or self.offer_id_camel
