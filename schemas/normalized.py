"""What an adapter produces, and how the gateway completes it into a canonical event."""

from __future__ import annotations

from typing import Any

import msgspec

from schemas.events import EVENT_CLASSES, Completeness, Event, EventData, SignatureScope, Source
from schemas.subjects import subject_of


class Normalized(msgspec.Struct, kw_only=True, frozen=True):
    """An adapter's output: the event's parts that come from the vendor payload alone.

    The gateway adds the id, tenant, connection and receive time with ``to_event``.
    """

    type: str
    timestamp: str
    event_id: str
    event_type: str
    completeness: Completeness
    data: EventData
    signature_scope: SignatureScope = "body"
    also: tuple[Normalized, ...] = ()
    """Events the same body implies besides this one (the adapter's ``also_emits``), e.g. the
    rejection a vendor reports only as a status inside an update. Each is stored and delivered
    as an event of its own; its ``event_id`` is its own dedup key, so that two vendor payloads
    reporting one rejection make one event."""
    simulated: bool = False
    """The vendor marked the delivery as a simulation (copied into ``source.simulated``)."""


def to_event(
    parts: Normalized,
    *,
    id: str,
    tenant: str,
    provider: str,
    connection_id: str,
    received_at: str,
    verified: bool = True,
    raw: Any = msgspec.UNSET,
) -> Event:
    """Complete an adapter's output into the envelope Struct for its type, with its subject."""
    cls = EVENT_CLASSES[parts.type]
    return cls(
        id=id,
        timestamp=parts.timestamp,
        tenant=tenant,
        source=Source(
            provider=provider,
            connection_id=connection_id,
            event_id=parts.event_id,
            event_type=parts.event_type,
            received_at=received_at,
            verified=verified,
            signature_scope=parts.signature_scope if verified else None,
            simulated=True if parts.simulated else None,
        ),
        subject=subject_of(parts.type.rsplit(".", 1)[0], parts.data),
        completeness=parts.completeness,
        data=parts.data,
        raw=raw,
    )
