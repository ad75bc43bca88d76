"""Completing Lever's thin events: every Lever webhook carries ids only (an opportunity, its
contact, a stage, a posting); this reads them through Lever's API and fills the application.

Lever's docs (https://hire.lever.co/developer/documentation): ``GET /opportunities/:opportunity``
("Retrieve a single opportunity", with ``expand=applications`` and ``expand=stage`` to inline
them), ``GET /postings/:posting`` and ``GET /stages/:stage``; HTTP Basic with an API key as the
user name, or an OAuth bearer token with the scopes ``opportunities:read:admin``,
``postings:read:admin`` and ``stages:read:admin``. Lever's rate limit is a token bucket per key
(10 requests a second, bursts of 20); its ``429`` is left to the gateway, which waits for every
worker. Lever reads one record per call, so a batch shares its postings' and stages' reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from providers.client import RetryPolicy, VendorAPIError
from providers.completion import BaseCompleter, CompletionContext, Credentials
from providers.lever.client import DEFAULT_API_URL, LeverClient
from providers.provisioning import VendorState
from schemas import EventData
from schemas.events import ApplicationData, CandidateData, InterviewData
from schemas.resources import Application, Candidate, Job, Location, Stage

NO_RETRY = RetryPolicy()
"""The gateway retries, and waits out a ``429`` for every worker: the client asks once."""


class LeverCredentials(Credentials, kw_only=True):
    """A Lever API key (Basic auth, the key as the user name), or an OAuth access token with
    ``opportunities:read:admin``, ``postings:read:admin`` and ``stages:read:admin``."""

    api_key: str | None = None
    access_token: str | None = None

    def __post_init__(self) -> None:
        if not (self.api_key or self.access_token):
            raise ValueError("give api_key (or an OAuth access_token)")


class _Reads:
    """One batch's reads: a posting or stage named by several events is read once."""

    def __init__(self, client: LeverClient) -> None:
        self.client = client
        self.postings: dict[str, dict[str, Any]] = {}
        self.stages: dict[str, dict[str, Any]] = {}

    async def posting(self, posting_id: str) -> dict[str, Any]:
        if posting_id not in self.postings:
            self.postings[posting_id] = await self.client.posting(posting_id)
        return self.postings[posting_id]

    async def stage(self, stage_id: str) -> dict[str, Any]:
        if stage_id not in self.stages:
            self.stages[stage_id] = await self.client.stage(stage_id)
        return self.stages[stage_id]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _first_email(opportunity: dict[str, Any]) -> str | None:
    emails = opportunity.get("emails")
    if isinstance(emails, list):
        for email in emails:
            if _text(email):
                return str(email)
    return None


def _stage(value: Any, known: Stage | None) -> Stage | None:
    """The opportunity's stage, expanded (``{id, text}``) or as an id."""
    if isinstance(value, dict):
        return Stage(id=_text(value.get("id")), name=_text(value.get("text")))
    if _text(value):
        return Stage(id=value)
    return known


def _posting_id(opportunity: dict[str, Any], application: Application | None) -> str | None:
    """The posting the event names, else the one of the opportunity's (first) application."""
    if application is not None and application.job is not None and application.job.id:
        return application.job.id
    applications = opportunity.get("applications")
    if isinstance(applications, list):
        for item in applications:
            if isinstance(item, dict) and _text(item.get("posting")):
                return str(item["posting"])
    return None


def _job(posting: dict[str, Any]) -> Job:
    categories = posting.get("categories")
    categories = categories if isinstance(categories, dict) else {}
    location = _text(categories.get("location"))
    return Job(
        id=_text(posting.get("id")),
        title=_text(posting.get("text")),
        raw_status=_text(posting.get("state")),
        employment_type=_text(categories.get("commitment")),
        department=_text(categories.get("department")) or _text(categories.get("team")),
        location=Location(name=location) if location else None,
    )


class LeverCompleter(BaseCompleter):
    credentials_type = LeverCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        """Application, candidate and interview events that name an opportunity, except
        deletions (the record is gone)."""
        if event_type.endswith(".deleted"):
            return False
        if isinstance(data, ApplicationData):
            return bool(data.application.id)
        if isinstance(data, CandidateData | InterviewData):
            return data.application is not None and bool(data.application.id)
        return False

    def credentials_from(self, vendor: VendorState) -> LeverCredentials | None:
        kept = vendor.credentials or {}
        api_key, access_token = kept.get("api_key"), kept.get("access_token")
        if not (api_key or access_token):
            return None
        return LeverCredentials(api_key=api_key or None, access_token=access_token or None)

    def _client(self, ctx: CompletionContext) -> LeverClient:
        credentials: LeverCredentials = ctx.credentials
        return LeverClient(
            ctx.http,
            ctx.settings.url("api_url", DEFAULT_API_URL),
            api_key=credentials.api_key,
            access_token=credentials.access_token,
            retry=NO_RETRY,
        )

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        return await self._complete(_Reads(self._client(ctx)), data)

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        reads = _Reads(self._client(ctx))
        results: list[EventData | VendorAPIError] = []
        for index, (_, data) in enumerate(items):
            try:
                results.append(await self._complete(reads, data))
            except VendorAPIError as error:
                results.append(error)
                if error.kind == "rate_limited":  # the rest would only be refused too
                    results.extend(error for _ in items[index + 1 :])
                    break
        return results

    async def _complete(self, reads: _Reads, data: EventData) -> EventData:
        known = data.application if isinstance(data, ApplicationData) else None
        if isinstance(data, CandidateData | InterviewData):
            known = data.application
        if known is None or not known.id:
            raise VendorAPIError("rejected", "the event names no opportunity", vendor="Lever")
        opportunity = await reads.client.opportunity(known.id)
        posting_id = _posting_id(opportunity, known)
        job = _job(await reads.posting(posting_id)) if posting_id else known.job
        candidate = Candidate(
            id=_text(opportunity.get("contact"))
            or (known.candidate.id if known.candidate else None),
            name=_text(opportunity.get("name")),
            email=_first_email(opportunity),
        )
        application = msgspec.structs.replace(
            known,
            candidate=candidate,
            job=job,
            stage=_stage(opportunity.get("stage"), known.stage),
        )
        if isinstance(data, ApplicationData):
            previous = data.previous_stage
            if previous is not None and previous.id and not previous.name:
                stage = await reads.stage(previous.id)
                previous = Stage(id=previous.id, name=_text(stage.get("text")))
            return msgspec.structs.replace(data, application=application, previous_stage=previous)
        if isinstance(data, CandidateData):
            return msgspec.structs.replace(
                data, candidate=candidate, application=application, job=job
            )
        if isinstance(data, InterviewData):
            return msgspec.structs.replace(data, candidate=candidate, application=application)
        raise VendorAPIError("rejected", "not an event Lever's completer reads", vendor="Lever")
