"""Gusto's completer: reads the employee, contractor or payroll a thin Gusto event names.

Gusto's webhook events name an entity (``entity_type``, ``entity_uuid``) and its company. For a
connection with ``complete: true`` and the company's OAuth access token, employee events are
filled from ``GET /v1/employees/{id}``, contractor events from ``GET /v1/contractors/{id}`` and
payroll events from ``GET /v1/companies/{company_id}/payrolls/{id}``. The system access token a
provisioned connection keeps manages webhooks only, so it never serves here. A deleted entity
cannot be read back, so ``*.deleted`` events (``payroll.deleted`` among them, whose canonical type
``hris.payroll.cancelled`` it shares with ``payroll.cancelled``) are not completed.
"""

from __future__ import annotations

import msgspec

from providers._records import filled
from providers.completion import BaseCompleter, CompletionContext, Credentials
from providers.gusto.adapter import contractor_of, employee_of, payroll_of
from providers.gusto.client import API_URL, GustoClient
from schemas import EventData
from schemas.events import EmployeeData, PayrollData


class GustoCredentials(Credentials):
    """A company's OAuth access token for your Gusto application, with the scopes
    ``employees:read``, ``contractors:read`` and ``payrolls:read``."""

    access_token: str


class GustoCompleter(BaseCompleter):
    credentials_type = GustoCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        if event_type.endswith(".deleted"):
            return False
        if isinstance(data, EmployeeData):
            return bool(data.employee.id)
        if isinstance(data, PayrollData):
            return (
                data.payroll.raw_status != "deleted"
                and bool(data.payroll.id)
                and bool(data.company and data.company.id)
            )
        return False

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        credentials: GustoCredentials = ctx.credentials
        client = GustoClient(
            ctx.http,
            credentials.access_token,
            scheme="Bearer",
            base_url=ctx.settings.url("api_url", API_URL),
        )
        if isinstance(data, EmployeeData) and data.employee.id:
            if data.employee.employment_type == "contractor":
                record = contractor_of(await client.contractor(data.employee.id))
            else:
                record = employee_of(await client.employee(data.employee.id))
            return msgspec.structs.replace(data, employee=filled(data.employee, record))
        if isinstance(data, PayrollData) and data.payroll.id and data.company and data.company.id:
            payroll = payroll_of(await client.payroll(data.company.id, data.payroll.id))
            return msgspec.structs.replace(data, payroll=filled(data.payroll, payroll))
        raise client.error("rejected", "this event names no record Gusto's API can read")


__all__ = ["GustoCompleter", "GustoCredentials"]
