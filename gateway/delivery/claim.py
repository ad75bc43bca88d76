"""What a worker holds: claimed deliveries, by destination, and who the worker is."""

from __future__ import annotations

import functools
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from gateway.delivery.concurrency import INITIAL, AdaptiveLimit
from gateway.delivery.queue import Due

Destination = tuple[str, str, int]
"""(scheme, host, port): what concurrency is limited by."""
AHEAD = 8  # claimed work per destination: this many times its connection limit
MAX_CLAIM = 1000  # deliveries claimed in one transaction at most
DEFAULT_PORTS = {"https": 443, "amqp": 5672, "amqps": 5671, "nats": 4222, "tls": 4222}


def worker_id() -> str:
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{secrets.token_hex(3)}"


@functools.lru_cache(maxsize=4096)  # a few lookups per delivery, of a few URLs
def destination_of(url: str) -> Destination:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(scheme, 80)


@dataclass(slots=True)
class Claimed:
    """A delivery this worker has leased, from its claim until its result is recorded."""

    candidate: Due
    destination: Destination
    lease_until: datetime  # on the dispatcher's clock, a little before the database's lease ends
    sent: bool = False  # answered (or failed); its result waits to be recorded
    trace_parent: str | None = None  # the event's ingest span, when tracing


def host_room(limit: AdaptiveLimit | None, ceiling: int) -> int:
    """Claimed work a destination may hold: ``AHEAD`` times what it may have in flight."""
    allowed = INITIAL if limit is None else max(INITIAL, int(limit.limit))
    return AHEAD * min(allowed, ceiling)


def paced_room(rate_limit: int | None) -> int | None:
    """Claimed work a rate-limited subscription may hold: about a second of its limit."""
    return max(2, rate_limit) if rate_limit else None


class Holdings:
    """The deliveries a worker holds, from claim to recorded result; those still to be sent are
    also counted by destination and by subscription, which bounds the next claims. A count that
    reaches zero is dropped (destinations are whatever URLs subscriptions name, so zeros kept
    would grow without end); read counts with ``.get(key, 0)``."""

    def __init__(self) -> None:
        self.by_id: dict[str, Claimed] = {}
        self.by_destination: dict[Destination, int] = defaultdict(int)
        self.by_subscription: dict[str, int] = defaultdict(int)

    def __len__(self) -> int:
        return len(self.by_id)

    def hold(self, item: Claimed) -> None:
        self.by_id[item.candidate.id] = item
        self.by_destination[item.destination] += 1
        self.by_subscription[item.candidate.subscription_id] += 1

    def forget(self, item: Claimed) -> bool:
        """Drop a claim (its result is recorded, or it was never sent); False if not held."""
        return self.by_id.pop(item.candidate.id, None) is not None

    def sent(self, item: Claimed) -> bool:
        """The send is over: its destination's and subscription's counts go down (once; False
        the second time). The claim itself stays held until ``forget``."""
        if item.sent:
            return False
        item.sent = True
        sub = item.candidate.subscription_id
        self.by_destination[item.destination] -= 1
        if self.by_destination[item.destination] <= 0:
            del self.by_destination[item.destination]
        self.by_subscription[sub] -= 1
        if self.by_subscription[sub] <= 0:
            del self.by_subscription[sub]
        return True


class Picker:
    """Chooses, from each list of due deliveries the claim query offers, those the worker has
    room for: at most ``room`` a list, and no destination or rate-limited subscription beyond
    its share (``host_room``, ``paced_room``) counting what is held and what was already chosen.
    ``skipped`` counts the deliveries passed over."""

    def __init__(
        self,
        room: int,
        holdings: Holdings,
        host_room: Callable[[Destination], int],
        paced_room: Callable[[str], int | None],
    ) -> None:
        self.room = room
        self.holdings = holdings
        self.host_room = host_room
        self.paced_room = paced_room
        self.taken: dict[Destination, int] = defaultdict(int)
        self.taken_subs: dict[str, int] = defaultdict(int)
        self.skipped = 0

    def __call__(self, candidates: list[Due]) -> list[Due]:
        held = self.holdings
        chosen: list[Due] = []
        for c in candidates:
            dest = destination_of(c.url)
            sub = c.subscription_id
            paced = self.paced_room(sub)
            if (
                len(chosen) < self.room
                and held.by_destination.get(dest, 0) + self.taken[dest] < self.host_room(dest)
                and (
                    paced is None or held.by_subscription.get(sub, 0) + self.taken_subs[sub] < paced
                )
            ):
                self.taken[dest] += 1
                self.taken_subs[sub] += 1
                chosen.append(c)
            else:
                self.skipped += 1
        return chosen
