"""Personio's webhook envelope, as msgspec Structs, from the JSON schema of its webhook reference.

Every delivery is ``{company_id, event_name, occurred_at, payload, meta?}``. Personio calls its
webhooks "dataless notifications": ``payload`` carries ids only. The reference does not print a
payload per event, so the shape read here is the id of the record the event names (``id``) and,
where an employment, absence, attendance or document event names its person, ``person_id``; ids
may be numbers or strings. Everything else is ignored here and kept in the event's ``raw``.
"""

from __future__ import annotations

from typing import Any

import msgspec

Id = str | int


class PersonioRecordRef(msgspec.Struct):
    """``payload``: the ids of the record the event is about."""

    id: Id | None = None
    person_id: Id | None = None
    employment_id: Id | None = None


class PersonioWebhook(msgspec.Struct):
    """The envelope every Personio webhook conforms to (its required fields are required)."""

    company_id: str
    event_name: str
    occurred_at: str
    payload: msgspec.Raw
    """Read as ``PersonioRecordRef`` for the event names unihook maps, left as sent otherwise."""
    meta: dict[str, Any] | None = None
