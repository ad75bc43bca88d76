"""Gusto's webhook event and subscription-verification bodies, as msgspec Structs.

Both of Gusto's product lines (Embedded Payroll and App Integrations) send the same thin event:
``event_type``, the company it belongs to (``resource_type`` is always ``Company``), the entity it
is about, and a unix ``timestamp``. Embedded and newer App Integrations versions add ``uuid``, the
event's own id; older App Integrations versions add numeric ``resource_id`` / ``entity_id``
instead. Some families add ``references`` (other uuids needed to fetch the entity).
"""

from __future__ import annotations

import msgspec


class GustoEvent(msgspec.Struct):
    event_type: str
    uuid: str | None = None
    resource_type: str | None = None
    resource_uuid: str | None = None
    resource_id: int | None = None
    entity_type: str | None = None
    entity_uuid: str | None = None
    entity_id: int | None = None
    timestamp: int | float | None = None
    references: dict[str, str] | None = None


class GustoVerificationToken(msgspec.Struct):
    """The unsigned POST Gusto sends to a new subscription's URL (``{"verification_token"}``,
    with the subscription's uuid in some versions)."""

    verification_token: str
    webhook_subscription_uuid: str | None = None
