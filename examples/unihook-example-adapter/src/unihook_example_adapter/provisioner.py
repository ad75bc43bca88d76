"""Examplehire's webhook API as a provisioner: proof that a plugin provisions with no gateway
change. Examplehire's (fictional) API, authenticated with ``Authorization: Bearer <api key>``:

- ``POST {api_url}/v1/webhooks`` ``{url, events}`` → ``201 {id, secret, status}``
- ``GET {api_url}/v1/webhooks/{id}`` → ``200 {id, status, url, events}``
- ``DELETE {api_url}/v1/webhooks/{id}`` → ``204`` (``404`` when it is gone)

The I/O goes through ``ctx.http``, the client unihook hands over; the base URL is the setting
``UNIHOOK_PROVIDER_EXAMPLE_API_URL``.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from providers import (
    BaseProvisioner,
    ProvisionContext,
    Provisioned,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)

DEFAULT_API_URL = "https://api.examplehire.example"


class ExamplehireProvision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The ``provision`` block for Examplehire."""

    api_key: str
    events: list[str] | None = None


class _Webhook(msgspec.Struct):
    id: str
    status: str = "active"
    secret: str | None = None


class ExamplehireProvisioner(BaseProvisioner):
    request_type = ExamplehireProvision
    capabilities = frozenset({"health"})

    def __init__(self, event_types: list[str]) -> None:
        self.event_types = event_types

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        events = request.events or self.event_types
        unknown = sorted(set(events) - set(self.event_types))
        if unknown:
            raise ProvisioningError("invalid", f"unknown Examplehire events: {', '.join(unknown)}")
        body = {"url": ctx.ingest_url, "events": events}
        answer = await self._call(ctx, "POST", "/v1/webhooks", request.api_key, body)
        hook = msgspec.json.decode(answer.content, type=_Webhook)
        state = {"webhook_id": hook.id}
        if not hook.secret:
            leftover = VendorState(state, {"api_key": request.api_key})
            raise ProvisioningError("rejected", "no secret in the answer", leftover=leftover)
        return ProvisionResult(
            secrets=[hook.secret],
            state=state,
            credentials={"api_key": request.api_key},
            summary=Provisioned(endpoint_id=hook.id, status=hook.status, enabled=True),
        )

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        try:
            await self._call(ctx, "DELETE", self._path(vendor), _key(vendor))
        except ProvisioningError as exc:
            if exc.kind != "not_found":
                raise

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        answer = await self._call(ctx, "GET", self._path(vendor), _key(vendor))
        hook = msgspec.json.decode(answer.content, type=_Webhook)
        return Provisioned(endpoint_id=hook.id, status=hook.status, enabled=hook.status == "active")

    @staticmethod
    def _path(vendor: VendorState) -> str:
        return f"/v1/webhooks/{vendor.state['webhook_id']}"

    @staticmethod
    async def _call(
        ctx: ProvisionContext, method: str, path: str, key: str, body: Any = None
    ) -> httpx.Response:
        url = ctx.settings.url("api_url", DEFAULT_API_URL) + path
        try:
            answer = await ctx.http.request(
                method, url, json=body, headers={"authorization": f"Bearer {key}"}
            )
        except httpx.HTTPError as exc:
            raise ProvisioningError("unreachable", f"Examplehire unreachable: {exc!r}") from None
        if answer.status_code in (401, 403):
            raise ProvisioningError("auth", "Examplehire refused the API key", status_code=401)
        if answer.status_code == 404:
            raise ProvisioningError("not_found", "no such webhook at Examplehire", status_code=404)
        if answer.is_error:
            message = f"Examplehire answered {answer.status_code}"
            raise ProvisioningError("rejected", message, status_code=answer.status_code)
        return answer


def _key(vendor: VendorState) -> str:
    if not vendor.credentials:
        raise ProvisioningError("auth", "no Examplehire API key is kept for this connection")
    return vendor.credentials["api_key"]
