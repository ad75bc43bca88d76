"""Gusto's webhook subscription API and the reads of its records, on the kit's ``VendorClient``.

Gusto's API reference: ``POST /v1/webhook_subscriptions`` (``{url, subscription_types}``, answers
the subscription with ``uuid`` and ``status: "pending"``), ``GET|PUT|DELETE
/v1/webhook_subscriptions/{uuid}``, ``PUT /v1/webhook_subscriptions/{uuid}/verify``
(``{verification_token}``) and ``GET /v1/webhook_subscriptions/{uuid}/request_verification_token``
(Gusto POSTs the token to the URL again). Authentication is the ``Authorization`` header:
``Bearer <system access token>`` in current API versions, ``Token <organization API token>`` in
older ones. Records are read with a company's OAuth access token (``Bearer``): ``GET
/v1/employees/{id}``, ``GET /v1/contractors/{id}`` and ``GET
/v1/companies/{company_id}/payrolls/{id}``. Errors come back as ``{"errors": [...]}`` (``422``
for an invalid or unroutable URL).
"""

from __future__ import annotations

from typing import Any, Final

import httpx
import msgspec

from providers.client import REDACTED, HeaderAuth, VendorAPIError, VendorClient, path_segment
from providers.gusto.payloads import GustoContractor, GustoEmployee, GustoPayroll

API_URL: Final = "https://api.gusto.com"
PREFIX: Final = "/v1/webhook_subscriptions"


class GustoSubscription(msgspec.Struct, kw_only=True):
    uuid: str
    url: str = ""
    status: str = ""
    subscription_types: list[str] = msgspec.field(default_factory=list)


class GustoClient(VendorClient):
    """Gusto's webhook subscription calls for one API token."""

    vendor = "Gusto"

    def __init__(
        self, http: httpx.AsyncClient, api_token: str, *, scheme: str, base_url: str = API_URL
    ) -> None:
        super().__init__(http, base_url, HeaderAuth({"authorization": f"{scheme} {api_token}"}))

    def error_details(self, response: httpx.Response) -> tuple[str | None, str]:
        """Gusto's ``{"errors": [{"error_key", "category", "message"}]}``, else the default."""
        try:
            body: Any = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            texts = [
                str(e.get("message") or e.get("error_key") or e) if isinstance(e, dict) else str(e)
                for e in errors
            ]
            return None, "; ".join(texts)
        return super().error_details(response)

    def _subscription(self, answer: Any, status: int = 200) -> GustoSubscription:
        try:
            return msgspec.convert(answer, type=GustoSubscription)
        except msgspec.ValidationError:
            raise self.error("rejected", "an unreadable subscription", status=status) from None

    async def create(self, url: str, subscription_types: list[str]) -> GustoSubscription:
        body = {"url": url, "subscription_types": subscription_types}
        return self._subscription(await self.post(PREFIX, body), 201)

    async def read(self, uuid: str) -> GustoSubscription:
        return self._subscription(await self.get(f"{PREFIX}/{path_segment(uuid)}"))

    async def change_types(self, uuid: str, subscription_types: list[str]) -> GustoSubscription:
        body = {"subscription_types": subscription_types}
        return self._subscription(await self.put(f"{PREFIX}/{path_segment(uuid)}", body))

    async def remove(self, uuid: str) -> None:
        await self.delete(f"{PREFIX}/{path_segment(uuid)}")

    async def verify(self, uuid: str, verification_token: str) -> GustoSubscription:
        path = f"{PREFIX}/{path_segment(uuid)}/verify"
        body = {"verification_token": verification_token}
        try:
            return self._subscription(await self.put(path, body))
        except VendorAPIError as exc:
            # Gusto's error text could quote the token it refused: never pass a secret on
            raise self.error(
                exc.kind,
                exc.message.replace(verification_token, REDACTED),
                status=exc.status,
                code=exc.code,
            ) from None

    async def request_verification_token(self, uuid: str) -> None:
        await self.get(f"{PREFIX}/{path_segment(uuid)}/request_verification_token")

    # ---- reading records ------------------------------------------------------------------------

    def _record(self, answer: Any, into: type[Any], what: str) -> Any:
        try:
            return msgspec.convert(answer, type=into)
        except msgspec.ValidationError:
            raise self.error("rejected", f"an unreadable {what}", status=200) from None

    async def employee(self, employee_id: str) -> GustoEmployee:
        answer = await self.get(f"/v1/employees/{path_segment(employee_id)}")
        found: GustoEmployee = self._record(answer, GustoEmployee, "employee")
        return found

    async def contractor(self, contractor_id: str) -> GustoContractor:
        answer = await self.get(f"/v1/contractors/{path_segment(contractor_id)}")
        found: GustoContractor = self._record(answer, GustoContractor, "contractor")
        return found

    async def payroll(self, company_id: str, payroll_id: str) -> GustoPayroll:
        path = f"/v1/companies/{path_segment(company_id)}/payrolls/{path_segment(payroll_id)}"
        found: GustoPayroll = self._record(await self.get(path), GustoPayroll, "payroll")
        return found
