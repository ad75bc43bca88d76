"""Bindbee (unified HRIS API): ``{webhook|hook {event}, connector, data, error?}``, signed in
``X-Bindbee-Webhook-Signature``.

Bindbee signs the raw body with HMAC-SHA256 but does not publish the digest encoding; its nearest
peer with the same wording (Merge) sends base64url, so base64url (padded or not), base64 and hex
are all accepted and ``sign`` emits padded base64url. It sends no event id: ``source.event_id`` is
``sha256:`` of the raw body. The envelope key is ``webhook`` in some versions of its docs and
``hook`` in others; both are read.

Documented (Bindbee's sample and the facts in ``seeds/README.md``): ``webhook.{webhook_id, url,
event}``, ``connector.{id, display_name, categories, org_name, connector_status, end_user_name,
end_user_email}``, ``data.{id, integration_name, initial_sync, category, display_status,
last_sync_start_time}``, and ``error.{failed_at, message, detail}`` on ``connector_sync_error``.

Guessed, not in Bindbee's docs:

- the changed ids ("an array of employee ids", "an array of record ids") are read from the first
  list among ``data.employee_ids`` / ``data.ids`` / ``data.employees`` (employee changes) or
  ``data.record_ids`` / ``data.ids`` / ``data.records`` (data changes), or from ``data`` itself
  when it is a list; items may be strings, integers or objects with an ``id``. None found is an
  empty list: the event still says "this connector's data changed";
- the event time prefers ``error.failed_at``, then ``data.last_sync_end_time`` /
  ``data.modified_at`` / ``data.updated_at``, then, for ``connector_sync_started`` only,
  ``data.last_sync_start_time`` (a finished or failed sync did not happen when it started:
  without an end time its event time is when unihook received it);
- ``error.detail`` that is not a string (an object, say) is kept as its compact JSON text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from providers import (
    BaseAdapter,
    Signature,
    first_timestamp,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
)
from providers.bindbee.payloads import BbConnector, BbData, BbError, BbHead, BbPayload
from providers.bindbee.samples import SAMPLES
from providers.errors import NormalizationError
from schemas import EventData, Normalized
from schemas.events import DataChangedData, EmployeeChangedData, SyncData
from schemas.resources import Connector, EndUser, Sync, SyncError

EVENT_TYPES: dict[str, str] = {
    "connector_sync_started": "connection.sync.started",
    "connector_synced": "connection.sync.completed",
    "connector_sync_error": "connection.sync.failed",
    "employee_data_changed": "hris.employee.changed",
    "connector_data_modified": "hris.data.changed",
}

EMPLOYEE_ID_KEYS = ("employee_ids", "ids", "employees")
RECORD_ID_KEYS = ("record_ids", "ids", "records")


# ---- Bindbee's payload, as its docs describe it (plus the guesses above) ---------------------


def _connector(c: BbConnector | None, data: BbData | None) -> Connector | None:
    integration = data.integration_name if data is not None else None
    if c is None:
        return Connector(integration=integration) if integration is not None else None
    end_user = (
        EndUser(name=c.end_user_name, email=c.end_user_email)
        if c.end_user_name is not None or c.end_user_email is not None
        else None
    )
    return Connector(
        id=c.id,
        name=c.display_name,
        integration=integration,
        categories=c.categories,
        org_name=c.org_name,
        status=c.connector_status,
        end_user=end_user,
    )


def _detail(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return msgspec.json.encode(value).decode("utf-8")


def _sync(data: BbData | None, error: BbError | None) -> Sync | None:
    sync_error = (
        SyncError(
            message=error.message,
            detail=_detail(error.detail),
            failed_at=parse_timestamp(error.failed_at),
        )
        if error is not None
        else None
    )
    if data is None:
        return Sync(error=sync_error) if sync_error is not None else None
    return Sync(
        id=data.id,
        status=data.display_status,
        initial=data.initial_sync,
        started_at=parse_timestamp(data.last_sync_start_time),
        error=sync_error,
    )


def _id_of(item: Any) -> str | None:
    if isinstance(item, dict):
        item = item.get("id")
    if isinstance(item, str):
        return item or None
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    return None


def _ids(data: BbData | list[Any] | None, keys: tuple[str, ...]) -> list[str]:
    """The changed ids: ``data`` itself when a list, else its first list under ``keys``."""
    if isinstance(data, list):
        found: Any = data
    elif data is None:
        return []
    else:
        found = next(
            (v for v in (getattr(data, k) for k in keys) if isinstance(v, list)),
            [],
        )
    return [i for i in map(_id_of, found) if i is not None]


def _timestamp(
    data: BbData | None, error: BbError | None, received_at: datetime, *, started: bool = False
) -> str:
    """The best time in the payload (see the module docstring), else ``received_at``."""
    candidates: list[object] = []
    if error is not None:
        candidates.append(error.failed_at)
    if data is not None:
        candidates += [data.last_sync_end_time, data.modified_at, data.updated_at]
        if started:
            candidates.append(data.last_sync_start_time)
    return first_timestamp(*candidates) or format_timestamp(received_at)


class BindbeeAdapter(BaseAdapter):
    name = "bindbee"
    display_name = "Bindbee"
    category = "hris"
    signature = Signature(
        header="X-Bindbee-Webhook-Signature",
        prefix="sha256=",
        prefix_required=False,
        encodings=("base64url", "base64", "hex"),
    )
    event_types = EVENT_TYPES

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        head: BbHead = self.decode(raw_body, BbHead)
        hook = head.webhook or head.hook
        if hook is None:
            raise NormalizationError(self.name, "invalid payload: no `webhook` or `hook` object")
        event_id = sha256_event_id(raw_body)
        canonical = EVENT_TYPES.get(hook.event)
        if canonical is None:
            return self.unmapped(
                raw_body, hook.event, event_id, self._any_time(raw_body, received_at)
            )
        body: BbPayload = self.decode(raw_body, BbPayload)
        data = body.data if isinstance(body.data, BbData) else None
        started = canonical == "connection.sync.started"
        timestamp = _timestamp(data, body.error, received_at, started=started)
        connector = _connector(body.connector, data)
        result: EventData
        if canonical == "hris.employee.changed":
            employee_ids = _ids(body.data, EMPLOYEE_ID_KEYS)
            result = EmployeeChangedData(employee_ids=employee_ids, connector=connector)
        elif canonical == "hris.data.changed":
            record_ids = _ids(body.data, RECORD_ID_KEYS)
            result = DataChangedData(record_ids=record_ids, connector=connector)
        else:
            if isinstance(body.data, list):
                raise NormalizationError(self.name, "invalid payload: `data` of a sync is a list")
            result = SyncData(connector=connector, sync=_sync(data, body.error))
        return self.parts(
            vendor_type=hook.event,
            event_id=event_id,
            timestamp=timestamp,
            completeness="full" if canonical.startswith("connection.") else "reference",
            data=result,
        )

    def _any_time(self, raw_body: bytes, received_at: datetime) -> str:
        """The best time of an event of unknown shape: never fails, an unmapped event is kept."""
        try:
            body: BbPayload = self.decode(raw_body, BbPayload)
        except NormalizationError:
            return format_timestamp(received_at)
        data = body.data if isinstance(body.data, BbData) else None
        return _timestamp(data, body.error, received_at)

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES


adapter = BindbeeAdapter()
