"""Kombo (unified HRIS and ATS API): ``{id, type, data}``, signed in ``X-Kombo-Signature``.

Kombo signs the raw body with HMAC-SHA256 keyed by the account's "Kombo Webhook Secret" and
sends the digest base64url-encoded without ``=`` padding; ``sign`` writes it so, and a padded
value verifies too. ``source.event_id`` is the body's ``id`` ("Unique identifier for this webhook
event" in Kombo's API reference). There is no envelope time: the event time is the type's own
(``sync_ended_at``, ``updated_at``, ``deleted_at``), else when unihook received it.

``data-changed`` names only the changed models: ``hris.data.changed`` or ``ats.data.changed`` by
the integration's category (then by the models' ``hris_`` / ``ats_`` prefixes), ``completeness:
"reference"``; an LMS or assessment integration's is ``unmapped`` (no canonical family).
``sync-finished`` is ``connection.sync.completed`` unless its ``sync_state`` is a failure.
``providers.kombo.completer`` reads the records of a ``data-changed`` for a connection that
completes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from providers import BaseAdapter, Signature, first_timestamp, format_timestamp
from providers.errors import NormalizationError
from providers.kombo.payloads import KomboData, KomboHead, KomboPayload
from providers.kombo.samples import SAMPLES, VARIANTS
from schemas import Completeness, EventData, Normalized
from schemas.events import ConnectionData, DataChangedData, SyncData
from schemas.resources import ConnectionIssue, Connector, EndUser, Sync, SyncError

EVENT_TYPES: dict[str, str] = {
    "data-changed": "hris.data.changed",
    "sync-finished": "connection.sync.completed",
    "integration-created": "connection.created",
    "integration-deleted": "connection.deleted",
    "integration-state-changed": "connection.updated",
    "connection-flow-failed": "connection.updated",
}

# A sync in these states did not bring the integration's data up to date. PARTIALLY_FAILED is
# not among them: Kombo's guide says "you can still work with the data".
FAILED_SYNC_STATES = frozenset({"FAILED", "AUTHENTICATION_FAILED", "CANCELLED", "TIMED_OUT"})

DATA_CHANGED_BY_CATEGORY = {"HRIS": "hris.data.changed", "ATS": "ats.data.changed"}
DATA_CHANGED_BY_PREFIX = {"hris_": "hris.data.changed", "ats_": "ats.data.changed"}


def _connector(data: KomboData, *, status: str | None = None) -> Connector:
    end_user = data.end_user
    category = data.category or data.integration_category
    return Connector(
        id=data.integration_id or data.id,
        integration=data.integration_tool or data.tool,
        categories=[category.lower()] if category else None,
        org_name=end_user.organization_name if end_user else None,
        status=status,
        end_user=(
            EndUser(id=end_user.origin_id or None, email=end_user.creator_email)
            if end_user is not None and (end_user.origin_id or end_user.creator_email)
            else None
        ),
    )


def _data_changed_type(data: KomboData, models: list[str]) -> str | None:
    category = (data.integration_category or "").upper()
    if category in DATA_CHANGED_BY_CATEGORY:
        return DATA_CHANGED_BY_CATEGORY[category]
    if category:
        return None
    found = {
        t for prefix, t in DATA_CHANGED_BY_PREFIX.items() for m in models if m.startswith(prefix)
    }
    return found.pop() if len(found) == 1 else None


class KomboAdapter(BaseAdapter):
    name = "kombo"
    display_name = "Kombo"
    category = "hris"
    signature = Signature(header="X-Kombo-Signature", encodings=("base64url",), sign_padding=False)
    event_types = EVENT_TYPES
    secret_hint = (
        "the Kombo Webhook Secret (shown in Kombo's dashboard, Webhooks tab, once the first "  # noqa: S105 - names a value, holds none
        "webhook exists), not an API key"
    )
    also_emits = {
        "data-changed": ("ats.data.changed", "unmapped"),
        "sync-finished": ("connection.sync.failed",),
    }

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        head: KomboHead = self.decode(raw_body, KomboHead)
        if not head.id:
            raise NormalizationError(self.name, "invalid payload: empty `id`")
        body: KomboPayload = self.decode(raw_body, KomboPayload)
        data = body.data or KomboData()
        received = format_timestamp(received_at)
        canonical = EVENT_TYPES.get(head.type)
        if canonical is None:
            known = first_timestamp(data.updated_at, data.deleted_at, data.sync_ended_at)
            return self.unmapped(raw_body, head.type, head.id, known or received)
        completeness: Completeness = "full"
        result: EventData
        when: str | None = None
        if head.type == "data-changed":
            models = [m.name for m in data.changed_models or [] if m.name]
            found = _data_changed_type(data, models)
            if found is None:
                return self.unmapped(raw_body, head.type, head.id, received)
            canonical, completeness = found, "reference"
            result = DataChangedData(record_ids=[], models=models, connector=_connector(data))
        elif head.type == "sync-finished":
            state = data.sync_state
            failed = state in FAILED_SYNC_STATES
            ended = first_timestamp(data.sync_ended_at)
            sync = Sync(
                id=data.sync_id,
                status=state,
                started_at=first_timestamp(data.sync_started_at),
                error=SyncError(message=state, detail=data.log_url, failed_at=ended)
                if failed
                else None,
            )
            canonical = "connection.sync.failed" if failed else canonical
            result = SyncData(connector=_connector(data), sync=sync)
            when = ended
        elif head.type == "integration-state-changed":
            result = ConnectionData(connector=_connector(data, status=data.state))
            when = first_timestamp(data.updated_at)
        elif head.type == "connection-flow-failed":
            # Not an integration yet (no id): the end user's attempt to connect hit an error,
            # and may still succeed. The log link is all Kombo says about the error.
            issue = ConnectionIssue(
                status="open",
                raw_status=head.type,
                message=f"connection flow failed; log: {data.log_url}" if data.log_url else None,
            )
            result = ConnectionData(connector=_connector(data), issue=issue)
        else:
            deleted = head.type == "integration-deleted"
            result = ConnectionData(connector=_connector(data))
            when = first_timestamp(data.deleted_at) if deleted else None
        return Normalized(
            type=canonical,
            timestamp=when or received,
            event_id=head.id,
            event_type=head.type,
            completeness=completeness,
            data=result,
            signature_scope=self.signature_scope,
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return VARIANTS
