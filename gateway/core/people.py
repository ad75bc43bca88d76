"""Who an event is about, as keyed hashes: what erasure looks events up by, never the values.

At ingest each event's subject, candidate ids, employee ids and email addresses are hashed with
a key derived from the secret key (``SecretBox.derive_key``), scoped to the tenant, and stored in
``event_people``: finding "every event about this person" is then an index lookup, and the table
holds no email address in clear. The same hash is computed from an erasure request's values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
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

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = key

    def hash(self, tenant: str, kind: str, value: str) -> str:
        message = "\x00".join((tenant, kind, normalised(kind, value))).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def of_event(self, tenant: str, subject: str | None, payload: bytes) -> list[tuple[str, str]]:
        """(kind, hash) for everyone a stored event names, each once."""
        found = set(identifiers(_decoder.decode(payload).get("data")))
        if subject:
            found.add(("subject", subject))
        return sorted({(kind, self.hash(tenant, kind, value)) for kind, value in found})


def _is_email_key(key: str) -> bool:
    return key == "email" or key.endswith("_email") or key == "emails"


def identifiers(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(kind, value) pairs in a canonical event's ``data``: the ``id`` of every ``candidate`` and
    ``employee`` object (alone or in a list of them), ``candidate_id(s)``/``employee_id(s)``
    fields, and email fields."""
    if isinstance(value, dict):
        if key in _ID_OBJECTS and isinstance(value.get("id"), str) and value["id"]:
            yield _ID_OBJECTS[key], value["id"]
        if _is_email_key(key):  # e.g. ``emails: [{"type": "work", "value": "..."}]``
            yield from (("email", v) for v in value.values() if isinstance(v, str) and "@" in v)
        for child_key, child in value.items():
            yield from identifiers(child, child_key)
    elif isinstance(value, list):
        for item in value:
            yield from identifiers(item, key)
    elif isinstance(value, str) and value:
        if key in _ID_KEYS:
            yield _ID_KEYS[key], value
        elif _is_email_key(key) and "@" in value:
            yield "email", value
