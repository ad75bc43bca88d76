"""Personio's completer: reads the person, employment or absence period a thin event names.

Personio's webhooks are "dataless notifications" (ids only). For a connection with ``complete:
true`` and API credentials (client id and secret; a provisioned connection's kept ones serve),
each completion takes an access token (``POST /v2/auth/token``) and reads ``GET
/v2/persons/{id}``, ``GET /v2/persons/{person_id}/employments/{id}`` or ``GET
/v2/absence-periods/{id}``. Deleted records cannot be read back, so ``*.deleted`` events (and
``absence-period.deleted``, canonical ``hris.time_off.cancelled``) are not completed.
"""

from __future__ import annotations

import msgspec

from providers._records import filled, filled_in
from providers.completion import BaseCompleter, CompletionContext, Credentials
from providers.personio.adapter import employee_in, employee_of, employment_of, time_off_of
from providers.personio.client import API_URL, PersonioClient
from providers.provisioning import VendorState
from schemas import EventData
from schemas.events import EmployeeData, EmploymentData, TimeOffData
from schemas.resources import Employment

NOT_READ_BACK = (".deleted", ".cancelled")
"""Canonical type endings of events whose record is gone."""


class PersonioCredentials(Credentials):
    """Personio API credentials (client id and secret) with the scopes
    ``personio:persons:read`` and ``personio:absences:read``."""

    client_id: str
    client_secret: str


def _ids(data: EventData) -> tuple[str | None, str | None]:
    """The person and the record (employment or absence period) an event names."""
    if isinstance(data, EmployeeData):
        employment = data.employment.id if data.employment else None
        return data.employee.id, employment
    if isinstance(data, EmploymentData):
        return data.employment.employee_id, data.employment.id
    if isinstance(data, TimeOffData):
        return data.time_off.employee_id, data.time_off.id
    return None, None


class PersonioCompleter(BaseCompleter):
    credentials_type = PersonioCredentials

    def credentials_from(self, vendor: VendorState) -> PersonioCredentials | None:
        kept = vendor.credentials or {}
        client_id, client_secret = kept.get("client_id"), kept.get("client_secret")
        if not client_id or not client_secret:
            return None
        return PersonioCredentials(client_id=client_id, client_secret=client_secret)

    def completes(self, event_type: str, data: EventData) -> bool:
        if event_type.endswith(NOT_READ_BACK):
            return False
        person, record = _ids(data)
        if isinstance(data, EmployeeData):
            return bool(person)
        return isinstance(data, EmploymentData | TimeOffData) and bool(record) and bool(person)

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        credentials: PersonioCredentials = ctx.credentials
        client = await PersonioClient.connect(
            ctx.http,
            credentials.client_id,
            credentials.client_secret,
            base_url=ctx.settings.url("api_url", API_URL),
        )
        person_id, record_id = _ids(data)
        if not person_id:
            raise client.error("rejected", "this event names no person")
        if isinstance(data, TimeOffData) and record_id:
            period = await client.absence_period(record_id)
            person = employee_of(await client.person(person_id))
            return msgspec.structs.replace(
                data,
                time_off=filled(data.time_off, time_off_of(period)),
                employee=filled_in(data.employee, person),
            )
        employee = employee_of(await client.person(person_id))
        employment: Employment | None = None
        if record_id and isinstance(data, EmployeeData | EmploymentData):
            found = await client.employment(person_id, record_id)
            employment = employment_of(found)
            employee = filled(employee, employee_in(found))
        if isinstance(data, EmploymentData):
            assert employment is not None  # completes() asks for the employment's id
            return msgspec.structs.replace(
                data,
                employment=filled(data.employment, employment),
                employee=filled_in(data.employee, employee),
            )
        if isinstance(data, EmployeeData):
            return msgspec.structs.replace(
                data,
                employee=filled(data.employee, employee),
                employment=filled(data.employment, employment) if data.employment else None,
            )
        raise client.error("rejected", "this event names no record Personio's API can read")


__all__ = ["PersonioCompleter", "PersonioCredentials"]
