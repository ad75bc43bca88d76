"""The completion capability: an adapter may carry a completer that fetches what a thin event names.

Many vendors send ids, not records. A connection that opts in (``"complete": true`` and the vendor
API credentials its provider needs) has the gateway's worker call the adapter's completer after
the receipt commits: the completer reads the records the event names from the vendor's API,
through a ``VendorClient`` on the ``httpx.AsyncClient`` in the ``CompletionContext``, maps them with
the adapter's own mapping, and hands back the event's data with the resources filled. The gateway
then emits the event with ``completeness: "full"``.

A completer declares its credentials as a msgspec Struct (``credentials_type``, shown in ``GET
/v1/providers`` as ``completion.credentials_schema``) and may read a provisioned connection's kept
credentials instead (``credentials_from``). It fails only with ``VendorAPIError``: ``not_found``
means the record is gone (the event goes out at once, as it came), ``rate_limited`` carries the
vendor's ``retry_after``, any other kind is retried with backoff until the gateway's timeout.
Nothing here does I/O of its own or reads a clock (``now`` is in the context).

Some vendors name no records at all, only that something changed since their last webhook
(Kombo's ``data-changed``). Their completer reads what changed since then: ``previous`` in the
context says when the gateway received the event before, of the same connection, type and subject.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import msgspec

from providers.client import REDACTED, VendorAPIError
from providers.provisioning import ProviderSettings, VendorState
from schemas import EventData
from schemas.subjects import subject_of

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True, slots=True)
class CompletionContext:
    """What the gateway hands a completer for one call (or one batch)."""

    http: httpx.AsyncClient
    """The gateway's client: the only way to the vendor. The gateway owns it and sets timeouts."""
    settings: ProviderSettings
    """The provider's settings (``api_url`` etc.), as provisioners get them."""
    credentials: Any
    """An instance of the completer's ``credentials_type``."""
    now: datetime
    previous: Mapping[tuple[str, str], datetime] = field(default_factory=dict)
    """When the gateway received the event before the ones being completed, of the same
    connection, canonical type and subject, by ``(event_type, subject)``; a key is absent when
    there was none. Events of one key completed together share the earliest one's: a watermark
    too early reads some records twice, one too late would miss some. Read it with
    ``previous_of``; completers of events that name their records ignore it."""

    def previous_of(self, event_type: str, data: EventData) -> datetime | None:
        """When the event before this one (same type and subject) was received, else None."""
        subject = subject_of(event_type.rsplit(".", 1)[0], data)
        return self.previous.get((event_type, subject)) if subject else None


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    """The base of a completer's ``credentials_type``: a field it does not declare is refused,
    and its repr names the class but no value, so a log line or traceback never shows a token."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({REDACTED})"


@runtime_checkable
class Completer(Protocol):
    """Fetches the records a thin event names and maps them as the adapter maps full events."""

    credentials_type: type[Any]
    """A msgspec Struct: what a connection with ``complete: true`` must hold (shown in ``GET
    /v1/providers`` as ``completion.credentials_schema``)."""

    def completes(self, event_type: str, data: EventData) -> bool:
        """Whether this event (its canonical ``event_type``) names records this completer can
        fetch. No I/O: an event it says no to goes out at once, unchanged."""
        ...

    def credentials_from(self, vendor: VendorState) -> Any | None:
        """A provisioned connection's kept credentials as a ``credentials_type``, or None when
        they do not suffice (or none were kept)."""
        ...

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        """Fetch the records ``data`` names and return the event's data with them mapped: the
        same data Struct type, resources filled as the adapter's own mapping fills them.

        Raises ``VendorAPIError``: kind ``not_found`` when the record is gone (not retried),
        ``rate_limited`` with its ``retry_after``; anything else is retried with backoff."""
        ...

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        """Several events at once (``(event_type, data)`` pairs), for APIs that read several
        records per call: one result per item, in order, a ``VendorAPIError`` for an item that
        failed. Other exceptions fail the whole batch."""
        ...


class BaseCompleter:
    """Defaults for completers: no kept credentials serve, and ``complete_many`` completes each
    item in turn (stopping at a ``rate_limited`` error, which the rest would only meet again)."""

    credentials_type: type[Any]

    def credentials_from(self, vendor: VendorState) -> Any | None:
        return None

    def completes(self, event_type: str, data: EventData) -> bool:
        raise NotImplementedError

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        raise NotImplementedError

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        return await each_in_turn(
            items, lambda event_type, data: self.complete(ctx, event_type, data)
        )


class BatchCompleter(BaseCompleter):
    """For APIs that read several records per call: a subclass writes ``complete_many``, and
    ``complete`` is a batch of one."""

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        [result] = await self.complete_many(ctx, [(event_type, data)])
        if isinstance(result, VendorAPIError):
            raise result
        return result

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        raise NotImplementedError


async def each_in_turn(
    items: Sequence[tuple[str, EventData]],
    complete: Callable[[str, EventData], Awaitable[EventData]],
) -> list[EventData | VendorAPIError]:
    """``complete`` each ``(event_type, data)`` in turn, a ``VendorAPIError`` as that item's
    result; after a ``rate_limited`` one the rest get it too (they would only meet it again)."""
    results: list[EventData | VendorAPIError] = []
    for index, (event_type, data) in enumerate(items):
        try:
            results.append(await complete(event_type, data))
        except VendorAPIError as error:
            results.append(error)
            if error.kind == "rate_limited":
                results.extend(error for _ in items[index + 1 :])
                break
    return results
