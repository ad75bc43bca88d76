"""Where deliveries go: one module per destination type, each behind ``base.DestinationKind``.

``http`` is built in; the message brokers need their client library, installed with the extra
of the same name (``pip install 'unihook[rabbitmq]'``). Adding a type (Kafka, Pub/Sub) is one
module here and one entry in ``KINDS``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from typing import Any

from gateway.delivery.destinations import http, nats, rabbitmq, sqs
from gateway.delivery.destinations.base import DestinationKind, InvalidDestination, Sender

KINDS: dict[str, DestinationKind] = {
    kind.name: kind for kind in (http.kind, rabbitmq.kind, nats.kind, sqs.kind)
}
HTTP = "http"


def kind_of(name: str | None) -> DestinationKind:
    """The kind a stored ``destination_type`` names (None: ``http``)."""
    return KINDS[name or HTTP]


class Senders:
    """The dispatcher's senders, one per destination type, made on first use."""

    def __init__(self, *, allow_insecure: bool, per_destination: int, total: int) -> None:
        self.allow_insecure = allow_insecure
        self.per_destination = per_destination
        self.total = total
        self._made: dict[str, Sender] = {}

    def of(self, kind: DestinationKind) -> Sender:
        sender = self._made.get(kind.name)
        if sender is None:
            sender = self._made[kind.name] = kind.sender(
                self.allow_insecure, self.per_destination, self.total
            )
        return sender

    async def aclose(self) -> None:
        for sender in self._made.values():
            await sender.aclose()
        self._made.clear()


def installed(kind: DestinationKind) -> bool:
    return kind.module is None or importlib.util.find_spec(kind.module) is not None


def parse(raw: Any, *, allow_insecure: bool) -> tuple[DestinationKind, Any]:
    """A subscription's ``destination`` checked (no I/O): its kind and settings, or
    ``InvalidDestination`` saying what is wrong (an unknown type, a missing extra, a field)."""
    if not isinstance(raw, Mapping):
        raise InvalidDestination("destination must be an object with a type")
    name = raw.get("type", HTTP)
    if not isinstance(name, str) or name not in KINDS:
        raise InvalidDestination(
            f"unknown destination type {str(name)[:40]!r}; known: {', '.join(KINDS)}"
        )
    kind = KINDS[name]
    if not installed(kind):
        raise InvalidDestination(
            f"the {name} destination needs its client library: pip install 'unihook[{kind.extra}]'"
        )
    return kind, kind.parse(raw, allow_insecure)


__all__ = [
    "HTTP",
    "KINDS",
    "DestinationKind",
    "InvalidDestination",
    "Sender",
    "Senders",
    "installed",
    "kind_of",
    "parse",
]
