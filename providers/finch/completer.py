"""Finch's completer: reads the individual and employment a thin Finch data event names.

Finch's ``directory.*``, ``individual.*`` and ``employment.*`` events carry an ``individual_id``.
For a connection with ``complete: true`` and the Finch connection's access token, a batch of
events is filled with one ``POST /employer/individual`` and one ``POST /employer/employment`` for
every individual it names. ``payment.created`` / ``.updated`` are filled from ``GET
/employer/payment`` on the event's ``pay_date`` (Finch lists payments by pay date, not by id: one
call per date). ``*.deleted`` and pay-statement events are not completed.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from providers._records import filled, filled_in
from providers.client import VendorAPIError
from providers.completion import BatchCompleter, CompletionContext, Credentials
from providers.finch.adapter import employee_of, employment_of, payroll_of
from providers.finch.client import API_URL, FinchClient
from providers.finch.payloads import FinchEmploymentRecord, FinchIndividual, FinchPayment
from schemas import EventData
from schemas.events import EmployeeData, EmploymentData, PayrollData


class FinchCredentials(Credentials):
    """The access token Finch issued for the employer's connection, with the ``individual``,
    ``employment`` and ``payment`` products."""

    access_token: str


def _individual_id(data: EventData) -> str | None:
    if isinstance(data, EmployeeData):
        return data.employee.id
    if isinstance(data, EmploymentData):
        return data.employment.employee_id or data.employment.id
    return None


class FinchCompleter(BatchCompleter):
    credentials_type = FinchCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        if event_type.endswith(".deleted"):
            return False
        if isinstance(data, PayrollData):
            return bool(data.payroll.id) and bool(data.payroll.pay_date)
        return bool(_individual_id(data))

    async def complete_many(
        self, ctx: CompletionContext, items: Sequence[tuple[str, EventData]]
    ) -> list[EventData | VendorAPIError]:
        credentials: FinchCredentials = ctx.credentials
        client = FinchClient(
            ctx.http, ctx.settings.url("api_url", API_URL), credentials.access_token
        )
        ids = sorted({i for _, data in items if (i := _individual_id(data))})
        dates = sorted({d for _, data in items if (d := _pay_date(data))})
        try:
            individuals = await client.individuals(ids) if ids else {}
            employments = await client.employments(ids) if ids else {}
            payments: dict[str, FinchPayment] = {}
            for pay_date in dates:
                payments.update(await client.payments_on(pay_date))
        except VendorAPIError as error:
            return [error for _ in items]
        results: list[EventData | VendorAPIError] = []
        for _, data in items:
            if isinstance(data, PayrollData):
                results.append(_paid(client, data, payments))
                continue
            individual_id = _individual_id(data)
            person = individuals.get(individual_id) if individual_id else None
            job = employments.get(individual_id) if individual_id else None
            results.append(_completed(client, data, person, job))
        return results


def _pay_date(data: EventData) -> str | None:
    return data.payroll.pay_date if isinstance(data, PayrollData) else None


def _paid(
    client: FinchClient, data: PayrollData, payments: dict[str, FinchPayment]
) -> EventData | VendorAPIError:
    payment = payments.get(data.payroll.id or "")
    if payment is None:
        return client.error("not_found", "no payment with this id on its pay date", status=200)
    return msgspec.structs.replace(data, payroll=filled(data.payroll, payroll_of(payment)))


def _completed(
    client: FinchClient,
    data: EventData,
    person: FinchIndividual | VendorAPIError | None,
    job: FinchEmploymentRecord | VendorAPIError | None,
) -> EventData | VendorAPIError:
    """The event filled from its individual's records; an error when the record it is about
    could not be read (the individual for an employee event, the employment for an employment
    event), while a failed read of the other one only leaves its fields out."""
    main = job if isinstance(data, EmploymentData) else person
    if main is None:
        return client.error("rejected", "this event names no record Finch's API can read")
    if isinstance(main, VendorAPIError):
        return main
    individual = person if isinstance(person, FinchIndividual) else None
    employment = job if isinstance(job, FinchEmploymentRecord) else None
    employee = employee_of(individual, employment)
    if isinstance(data, EmploymentData) and employment is not None:
        return msgspec.structs.replace(
            data,
            employment=filled(data.employment, employment_of(employment)),
            employee=filled_in(data.employee, employee),
        )
    assert isinstance(data, EmployeeData)
    return msgspec.structs.replace(data, employee=filled(data.employee, employee))


__all__ = ["FinchCompleter", "FinchCredentials"]
