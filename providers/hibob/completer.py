"""HiBob's completer: reads the employee and time-off request a thin Bob event names.

Bob's webhooks carry ids only. For a connection with ``complete: true`` and a service user's
credentials, employee events are filled from ``POST /v1/people/search`` (one call for a whole
batch: the search filters on every id at once) and time-off events from the time-off request
(``GET /v1/timeoff/employees/{id}/requests/{requestId}``) plus its employee. A deleted employee or
request cannot be read back, so ``hris.employee.deleted`` and Bob's ``timeoff.request.deleted``
are not completed.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from providers._records import filled
from providers.client import VendorAPIError
from providers.completion import BatchCompleter, CompletionContext, Credentials, each_in_turn
from providers.hibob.adapter import employee_of, time_off_of
from providers.hibob.client import API_URL, HiBobClient
from providers.hibob.payloads import BobPerson
from schemas import EventData
from schemas.events import EmployeeData, TimeOffData


class HiBobCredentials(Credentials):
    """A Bob service user (System settings > Integrations > Service users) with read access to
    the employee fields unihook maps and to time off."""

    service_user_id: str
    token: str


def _employee_id(data: EventData) -> str | None:
    if isinstance(data, EmployeeData):
        return data.employee.id
    if isinstance(data, TimeOffData):
        return data.time_off.employee_id or (data.employee.id if data.employee else None)
    return None


class HiBobCompleter(BatchCompleter):
    credentials_type = HiBobCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        if isinstance(data, EmployeeData):
            return event_type != "hris.employee.deleted" and bool(data.employee.id)
        if isinstance(data, TimeOffData):
            return (
                data.time_off.raw_status != "deleted"
                and bool(data.time_off.id)
                and bool(_employee_id(data))
            )
        return False

    def _client(self, ctx: CompletionContext) -> HiBobClient:
        credentials: HiBobCredentials = ctx.credentials
        base = ctx.settings.url("api_url", API_URL)
        return HiBobClient(ctx.http, base, credentials.service_user_id, credentials.token)

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        client = self._client(ctx)
        ids = sorted({i for _, data in items if (i := _employee_id(data))})
        try:
            people = await client.people(ids) if ids else {}
        except VendorAPIError as error:
            return [error for _ in items]
        return await each_in_turn(items, lambda _type, data: self._one(client, data, people))

    async def _one(
        self, client: HiBobClient, data: EventData, people: dict[str, BobPerson]
    ) -> EventData:
        employee_id = _employee_id(data)
        person = people.get(employee_id) if employee_id else None
        if isinstance(data, EmployeeData):
            if person is None:
                raise client.error("not_found", "no employee with this id", status=200)
            return msgspec.structs.replace(
                data, employee=filled(data.employee, employee_of(person))
            )
        if isinstance(data, TimeOffData) and employee_id and data.time_off.id:
            request = await client.time_off_request(employee_id, data.time_off.id)
            employee = data.employee
            if person is not None:
                employee = (
                    filled(employee, employee_of(person)) if employee else employee_of(person)
                )
            return msgspec.structs.replace(
                data, time_off=filled(data.time_off, time_off_of(request)), employee=employee
            )
        raise client.error("rejected", "this event names no record HiBob's API can read")


__all__ = ["HiBobCompleter", "HiBobCredentials"]
