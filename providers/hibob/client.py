"""HiBob's People and Time Off read API, on the kit's ``VendorClient``.

From Bob's API reference: a service user authenticates with HTTP Basic (its id as the user name,
its token as the password); ``POST /v1/people/search`` reads the ``fields`` asked for of every
employee the ``filters`` match (no paging; ``showInactive`` to include former employees), and
``GET /v1/timeoff/employees/{id}/requests/{requestId}`` reads one time-off request. A field the
service user may not read is left out of the answer silently, so the permissions the service user
holds decide how full an employee record is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx
import msgspec

from providers.client import BasicAuth, VendorClient, path_segment
from providers.hibob.payloads import BobPeople, BobPerson, BobTimeOffRequest

API_URL: Final = "https://api.hibob.com"
PEOPLE_FIELDS: Final = (
    "root.id",
    "root.firstName",
    "root.surname",
    "root.displayName",
    "root.email",
    "work.title",
    "work.department",
    "work.site",
    "work.startDate",
    "work.reportsTo",
    "work.employeeIdInCompany",
    "internal.status",
    "internal.lifecycleStatus",
    "internal.terminationDate",
    "home.privateEmail",
    "home.mobilePhone",
)
"""The employee fields ``employee_of`` maps (Bob answers only the fields asked for)."""


class HiBobClient(VendorClient):
    """Bob's API as one service user."""

    vendor = "HiBob"

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, service_user_id: str, token: str
    ) -> None:
        super().__init__(http, base_url, BasicAuth(service_user_id, token))

    def _decode(self, answer: Any, into: type[Any], what: str) -> Any:
        try:
            return msgspec.convert(answer, type=into)
        except msgspec.ValidationError:
            raise self.error("rejected", f"an unreadable {what}", status=200) from None

    async def people(self, employee_ids: Sequence[str]) -> dict[str, BobPerson]:
        """The employees with these backend ids (former ones too), by id; absent ids are
        missing from the answer."""
        body = {
            "fields": list(PEOPLE_FIELDS),
            "filters": [
                {"fieldPath": "root.id", "operator": "equals", "values": list(employee_ids)}
            ],
            "showInactive": True,
        }
        found: BobPeople = self._decode(
            await self.post("/v1/people/search", body), BobPeople, "people search"
        )
        return {str(p.id): p for p in found.employees if p.id is not None}

    async def time_off_request(self, employee_id: str, request_id: str) -> BobTimeOffRequest:
        path = (
            f"/v1/timeoff/employees/{path_segment(employee_id)}/requests/{path_segment(request_id)}"
        )
        found: BobTimeOffRequest = self._decode(
            await self.get(path), BobTimeOffRequest, "time-off request"
        )
        return found


__all__ = ["API_URL", "PEOPLE_FIELDS", "HiBobClient"]
