"""Kombo's completer: reads the records a ``data-changed`` event says changed.

Kombo's ``data-changed`` names only models ("the models listed have changed in our database since
we last sent you that webhook") and tells the receiver to read them with ``updated_after``. For a
connection with ``complete: true`` and a Kombo API key, the completer reads each model it can map
(``hris_employees``, ``ats_candidates``, ``ats_applications``, ``ats_jobs``) from the integration
the event names, changed after the previous ``data-changed`` of that integration arrived (less
``MARGIN``), or, for the first one, within ``FIRST_LOOKBACK``; at most ``MAX_PAGES`` pages a
model. The event keeps its models and gains the records and their ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Final

import msgspec

from providers.client import VendorAPIError
from providers.completion import BatchCompleter, CompletionContext, Credentials, each_in_turn
from providers.kombo.client import API_URL, KomboClient
from providers.kombo.mapping import application_of, candidate_of, employee_of, job_of
from providers.kombo.payloads import KomboApplication, KomboCandidate, KomboEmployee, KomboJob
from schemas import EventData
from schemas.events import DataChangedData

MARGIN: Final = timedelta(minutes=5)
"""Read from this long before the previous event arrived. Kombo sends ``data-changed`` after the
change is in its database and unihook stamps it when it arrives, so a change made while that
webhook was on its way is not in the previous event's models but has a time before its receipt;
the margin also absorbs a clock skew between Kombo and the gateway. Records it reads twice are
the same records again: harmless for a receiver that upserts, as Kombo's own guide assumes."""
FIRST_LOOKBACK: Final = timedelta(hours=24)
"""How far back the first event of an integration reads (``UNIHOOK_PROVIDER_KOMBO_FIRST_LOOKBACK``
in seconds to change it): there is no earlier event to say since when, and reading everything
is Kombo's full sync, not one event's changes."""

ENDPOINTS: Final[dict[str, tuple[str, str]]] = {
    "hris_employees": ("/hris/employees", "employees"),
    "ats_candidates": ("/ats/candidates", "candidates"),
    "ats_applications": ("/ats/applications", "applications"),
    "ats_jobs": ("/ats/jobs", "jobs"),
}
"""The models read, each with its list and the ``DataChangedData`` field it fills."""
_RECORDS: Final[dict[str, tuple[type[Any], Callable[[Any], Any]]]] = {
    "employees": (KomboEmployee, employee_of),
    "candidates": (KomboCandidate, candidate_of),
    "applications": (KomboApplication, application_of),
    "jobs": (KomboJob, job_of),
}
COMPLETED_TYPES: Final = frozenset({"hris.data.changed", "ats.data.changed"})


class KomboCredentials(Credentials):
    """A Kombo API key of the environment the integrations are in (Kombo's docs describe no
    narrower scope: one key reads every integration of its environment)."""

    api_key: str


def _models(data: EventData) -> list[str]:
    """The models of the event this completer reads, in the order the event names them."""
    if not isinstance(data, DataChangedData):
        return []
    return [m for m in dict.fromkeys(data.models or []) if m in ENDPOINTS]


def _integration(data: EventData) -> str | None:
    if isinstance(data, DataChangedData) and data.connector is not None:
        return data.connector.id
    return None


class KomboCompleter(BatchCompleter):
    credentials_type = KomboCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        return event_type in COMPLETED_TYPES and bool(_integration(data)) and bool(_models(data))

    def since(self, ctx: CompletionContext, event_type: str, data: EventData) -> datetime:
        """The ``updated_after`` of this event's reads."""
        previous = ctx.previous_of(event_type, data)
        if previous is not None:
            return previous - MARGIN
        seconds = ctx.settings.number("first_lookback", FIRST_LOOKBACK.total_seconds())
        return ctx.now - timedelta(seconds=seconds)

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        """Each event in turn; events of one integration completed together share a watermark
        (``CompletionContext.previous``), so a list read for one serves the others."""
        read: dict[tuple[str, str, datetime], list[Any]] = {}
        return await each_in_turn(
            items, lambda event_type, data: self._one(ctx, event_type, data, read)
        )

    async def _one(
        self,
        ctx: CompletionContext,
        event_type: str,
        data: EventData,
        read: dict[tuple[str, str, datetime], list[Any]],
    ) -> EventData:
        integration = _integration(data)
        if not isinstance(data, DataChangedData) or not integration:
            raise VendorAPIError("rejected", "this event names no integration", vendor="Kombo")
        credentials: KomboCredentials = ctx.credentials
        client = KomboClient(
            ctx.http, ctx.settings.url("api_url", API_URL), credentials.api_key, integration
        )
        since = self.since(ctx, event_type, data)
        filled: dict[str, list[Any]] = {}
        ids: list[str] = []
        for model in _models(data):
            path, name = ENDPOINTS[model]
            record_type, mapped = _RECORDS[name]
            key = (integration, model, since)
            if key not in read:
                records, _more = await client.changed(path, record_type, since)
                read[key] = [mapped(r) for r in records]
            filled[name] = read[key]
            ids.extend(r.id for r in read[key] if r.id)
        return msgspec.structs.replace(
            data, record_ids=list(dict.fromkeys([*data.record_ids, *ids])), **filled
        )


__all__ = ["FIRST_LOOKBACK", "MARGIN", "KomboCompleter", "KomboCredentials"]
