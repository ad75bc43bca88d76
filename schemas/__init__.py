"""unihook's canonical event schema: msgspec Structs and the event-type catalogue. No I/O."""

from schemas.catalogue import CATALOGUE, EventType, matches, pattern_is_known
from schemas.events import (
    EVENT_CLASSES,
    EVENT_DECODER,
    EVENT_ENCODER,
    CanonicalEvent,
    Completeness,
    Event,
    EventData,
    SignatureScope,
    Source,
)
from schemas.normalized import Normalized, to_event

__all__ = [
    "CATALOGUE",
    "EVENT_CLASSES",
    "EVENT_DECODER",
    "EVENT_ENCODER",
    "CanonicalEvent",
    "Completeness",
    "Event",
    "EventData",
    "EventType",
    "Normalized",
    "SignatureScope",
    "Source",
    "matches",
    "pattern_is_known",
    "to_event",
]
