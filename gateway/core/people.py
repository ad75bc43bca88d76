"""Who an event is about, as keyed hashes: what erasure looks events up by, never the values.

At ingest the candidate ids, employee ids and email addresses in each event's data are hashed
with a key derived from the secret key (``SecretBox.derive_key``), scoped to the tenant, and
stored in ``event_people``: finding "every event about this person" is then an index lookup, and
the table holds no email address in clear. The same hash is computed from an erasure request's
values. An event's subject is not hashed here: it is a column of the event, with its own index.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any

import msgspec

KINDS = ("subject", "candidate_id", "employee_id", "email")
_decoder = msgspec.json.Decoder()
# A completed ``<domain>.data.changed`` holds lists of records: ``employees: [{"id": ...}]``.
_ID_OBJECTS = {
    "candidate": "candidate_id",
    "employee": "employee_id",
    "candidates": "candidate_id",
    "employees": "employee_id",
}
_ID_KEYS = {
    "candidate_id": "candidate_id",
    "employee_id": "employee_id",
    "candidate_ids": "candidate_id",
    "employee_ids": "employee_id",
}


def normalised(kind: str, value: str) -> str:
    """Emails compare without case or surrounding spaces; ids and subjects as given."""
    return value.strip().lower() if kind == "email" else value


class PeopleIndex:
    """Keyed hashes of the people an event names (HMAC-SHA256, hex)."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes) -> None:
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)  # copied for each value

    def hash(self, tenant: str, kind: str, value: str) -> str:
        mac = self._keyed.copy()
        mac.update("\x00".join((tenant, kind, normalised(kind, value))).encode("utf-8"))
        return mac.hexdigest()

    def of_event(self, tenant: str, payload: bytes) -> list[tuple[str, str]]:
        """(kind, hash) for everyone a stored event's data names, each once. Not its subject:
        the events' own subject index finds an event by that (``ix_events_subject``), and a
        fourth row for each event made this index the largest thing an event wrote."""
        found = set(identifiers(_decoder.decode(payload).get("data")))
        return sorted({(kind, self.hash(tenant, kind, value)) for kind, value in found})


def _is_email_key(key: str) -> bool:
    return key == "email" or key.endswith("_email") or key == "emails"


def identifiers(data: Any) -> list[tuple[str, str]]:
    """(kind, value) pairs in a canonical event's ``data``: the ``id`` of every ``candidate`` and
    ``employee`` object (alone or in a list of them), ``candidate_id(s)``/``employee_id(s)``
    fields, and email fields (a string, or the strings of an object, under an email key).

    ``data`` is as JSON decodes it (plain dicts and lists). It runs for every stored event, so it
    walks with a stack of the objects and lists still to read and judges strings where they
    stand: a recursive generator per value cost more than the rest of normalising."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", data)] if isinstance(data, dict | list) else []
    while stack:
        key, value = stack.pop()
        if type(value) is dict:
            if key in _ID_OBJECTS:
                record_id = value.get("id")
                if isinstance(record_id, str) and record_id:
                    found.append((_ID_OBJECTS[key], record_id))
            under_email = _is_email_key(key)  # e.g. ``emails: [{"type": "work", "value": "..."}]``
            items: Iterable[tuple[str, Any]] = value.items()
        else:  # a list (nothing else is stacked): its items stand under the list's key
            under_email = False
            items = ((key, item) for item in value)
        for child_key, child in items:
            kind = type(child)
            if kind is str:
                if child_key in _ID_KEYS and child:
                    found.append((_ID_KEYS[child_key], child))
                if "@" in child and (under_email or _is_email_key(child_key)):
                    found.append(("email", child))
            elif kind is dict or kind is list:
                stack.append((child_key, child))
    return found
