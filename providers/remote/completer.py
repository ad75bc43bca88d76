"""Remote's completer: reads the employment or time off a thin Remote notification names.

Remote's notifications are flat ids. For a connection with ``complete: true`` and a
company-scoped access token (a provisioned connection's kept token serves), employee and
employment events are filled from ``GET /v1/employments/{id}`` and time-off events from ``GET
/v1/timeoff/{id}`` plus the employment. Payslip, document and company events are not completed.
"""

from __future__ import annotations

import msgspec

from providers._records import filled, filled_in
from providers.completion import BaseCompleter, CompletionContext, Credentials
from providers.provisioning import VendorState
from providers.remote.adapter import employee_of, employment_of, time_off_of
from providers.remote.client import RemoteClient
from schemas import EventData
from schemas.events import EmployeeData, EmploymentData, TimeOffData


class RemoteCredentials(Credentials):
    """A company-scoped Remote access token that may read employments and time off."""

    token: str


def _employment_id(data: EventData) -> str | None:
    if isinstance(data, EmployeeData):
        return data.employee.id
    if isinstance(data, EmploymentData):
        return data.employment.id
    if isinstance(data, TimeOffData):
        return data.time_off.employee_id
    return None


class RemoteCompleter(BaseCompleter):
    credentials_type = RemoteCredentials

    def credentials_from(self, vendor: VendorState) -> RemoteCredentials | None:
        token = (vendor.credentials or {}).get("token")
        return RemoteCredentials(token=token) if token else None

    def completes(self, event_type: str, data: EventData) -> bool:
        if isinstance(data, TimeOffData):
            return bool(data.time_off.id)
        return isinstance(data, EmployeeData | EmploymentData) and bool(_employment_id(data))

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        credentials: RemoteCredentials = ctx.credentials
        client = RemoteClient.configured(ctx.http, ctx.settings, credentials.token)
        if isinstance(data, TimeOffData) and data.time_off.id:
            time_off = time_off_of(await client.time_off(data.time_off.id))
            employment_id = data.time_off.employee_id or time_off.employee_id
            employee = data.employee
            if employment_id:
                employee = filled_in(employee, employee_of(await client.employment(employment_id)))
            return msgspec.structs.replace(
                data, time_off=filled(data.time_off, time_off), employee=employee
            )
        employment_id = _employment_id(data)
        if not employment_id:
            raise client.error("rejected", "this event names no record Remote's API can read")
        record = await client.employment(employment_id)
        if isinstance(data, EmploymentData):
            return msgspec.structs.replace(
                data,
                employment=filled(data.employment, employment_of(record)),
                employee=filled_in(data.employee, employee_of(record)),
            )
        assert isinstance(data, EmployeeData)
        return msgspec.structs.replace(
            data,
            employee=filled(data.employee, employee_of(record)),
            employment=filled(data.employment, employment_of(record)) if data.employment else None,
        )


__all__ = ["RemoteCompleter", "RemoteCredentials"]
