"""An async client for Breezy HR's Webhook Management API (customer and partner auth).

Breezy's docs: ``/v3/company/{company_id}/webhook_endpoints`` lists and creates endpoints,
``/v3/company/{company_id}/webhook_endpoint/{endpoint_id}`` gets, updates (``PUT``) and deletes
one, and its ``/pause`` and ``/resume`` sub-paths pause and resume it. A customer authenticates with
``Authorization: <api token>`` (no ``Bearer``); a partner adds ``partner-api-key``, and then sees
and counts against its own quota only. Credentials and endpoint secrets never appear in a repr or
an exception message (``VendorClient`` redacts them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, TypeVar

import httpx
import msgspec

from providers.breezy.adapter import EVENT_TYPES
from providers.client import HeaderAuth, VendorClient, path_segment

DEFAULT_BASE_URL: Final = "https://api.breezy.hr"
ALL_EVENTS: Final[tuple[str, ...]] = tuple(EVENT_TYPES)
"""Every Breezy event type an endpoint can subscribe to (the default for provisioning)."""

_T = TypeVar("_T")


class BreezyEndpointStats(msgspec.Struct, kw_only=True):
    """Breezy's own delivery counters for an endpoint."""

    successful_deliveries: int = 0
    failed_deliveries: int = 0
    last_delivery_at: str | None = None


class BreezyEndpoint(msgspec.Struct, kw_only=True):
    """A webhook endpoint as Breezy returns it; ``secret`` is set only in ``create``'s answer.

    Times are kept as Breezy wrote them (RFC 3339 in its docs), and everything but ``id`` has a
    default, so an answer in a slightly different shape never loses a just-created endpoint.
    """

    id: str
    url: str = ""
    description: str | None = None
    events: list[str] = msgspec.field(default_factory=list)
    status: str = "active"
    enabled: bool = True
    stats: BreezyEndpointStats = msgspec.field(default_factory=BreezyEndpointStats)
    secret: str | None = None
    secret_prefix: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    is_legacy: bool = False

    def _safe_fields(self) -> Iterator[tuple[str, Any]]:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            yield name, ("<redacted>" if name == "secret" and value is not None else value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}" for name, value in self._safe_fields())
        return f"BreezyEndpoint({inner})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return list(self._safe_fields())


class _EndpointList(msgspec.Struct):
    data: list[BreezyEndpoint]


_endpoint_decoder = msgspec.json.Decoder(BreezyEndpoint)
_list_decoder = msgspec.json.Decoder(_EndpointList | list[BreezyEndpoint])


class BreezyClient(VendorClient):
    """Manage one Breezy company's webhook endpoints, as the customer or as a partner.

    Args:
        http: the ``httpx.AsyncClient`` to send through; the caller owns and closes it.
        base_url: Breezy's API root, e.g. ``https://api.breezy.hr``.
        api_token: the customer's API token, sent as ``Authorization`` verbatim.
        partner_api_key: the partner's key; when given, calls act on the partner's endpoints.
    """

    vendor = "Breezy"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        api_token: str,
        partner_api_key: str | None = None,
    ) -> None:
        headers = {"authorization": api_token}
        if partner_api_key is not None:
            headers["partner-api-key"] = partner_api_key
        super().__init__(http, base_url, HeaderAuth(headers))
        self.is_partner = partner_api_key is not None

    def __repr__(self) -> str:
        role = "partner" if self.is_partner else "customer"
        return f"BreezyClient(base_url={self.base_url!r}, auth={role!r})"

    # ---- the API ------------------------------------------------------------------------------

    async def list_endpoints(self, company_id: str) -> list[BreezyEndpoint]:
        """The caller's endpoints (a partner sees only its own, a customer only the customer's)."""
        response = await self.request("GET", self._collection(company_id))
        decoded = self._decode(response, _list_decoder)
        return decoded.data if isinstance(decoded, _EndpointList) else decoded

    async def get_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        response = await self.request("GET", self._item(company_id, endpoint_id))
        return self._decode(response, _endpoint_decoder)

    async def create_endpoint(
        self,
        company_id: str,
        url: str,
        events: Sequence[str],
        description: str | None = None,
    ) -> BreezyEndpoint:
        """Create an endpoint; the answer's ``secret`` is the only time Breezy shows it."""
        body: dict[str, Any] = {"url": url, "events": _events(events)}
        if description is not None:
            body["description"] = description
        response = await self.request("POST", self._collection(company_id), json=body)
        return self._decode(response, _endpoint_decoder)

    async def update_endpoint(
        self,
        company_id: str,
        endpoint_id: str,
        *,
        url: str | None = None,
        description: str | None = None,
        events: Sequence[str] | None = None,
        enabled: bool | None = None,
    ) -> BreezyEndpoint:
        """Change the given fields (``PUT`` with only those); the others stay as they are."""
        body: dict[str, Any] = {}
        if url is not None:
            body["url"] = url
        if description is not None:
            body["description"] = description
        if events is not None:
            body["events"] = _events(events)
        if enabled is not None:
            body["enabled"] = enabled
        response = await self.request("PUT", self._item(company_id, endpoint_id), json=body)
        return self._decode(response, _endpoint_decoder)

    async def delete_endpoint(self, company_id: str, endpoint_id: str) -> None:
        await self.request("DELETE", self._item(company_id, endpoint_id))

    async def pause_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        """Stop deliveries to the endpoint (``status: "paused"``)."""
        response = await self.request("POST", self._item(company_id, endpoint_id) + "/pause")
        return self._decode(response, _endpoint_decoder)

    async def resume_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        """Deliver to a paused endpoint again (``status: "active"``)."""
        response = await self.request("POST", self._item(company_id, endpoint_id) + "/resume")
        return self._decode(response, _endpoint_decoder)

    # ---- plumbing -----------------------------------------------------------------------------

    @staticmethod
    def _collection(company_id: str) -> str:
        return f"/v3/company/{path_segment(company_id)}/webhook_endpoints"

    @staticmethod
    def _item(company_id: str, endpoint_id: str) -> str:
        return (
            f"/v3/company/{path_segment(company_id)}/webhook_endpoint/{path_segment(endpoint_id)}"
        )

    def _decode(self, response: httpx.Response, decoder: msgspec.json.Decoder[_T]) -> _T:
        try:
            return decoder.decode(response.content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise self.error(
                "rejected",
                f"unexpected response from Breezy: {exc}",
                status=response.status_code,
                created_id=_named_id(response),
            ) from None


def _named_id(response: httpx.Response) -> str | None:
    try:
        body: Any = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
    endpoint_id = body.get("id") if isinstance(body, dict) else None
    return endpoint_id if isinstance(endpoint_id, str) and endpoint_id else None


def _events(events: Sequence[str]) -> Any:
    # A bare string is sent as it is, so Breezy answers "Events must be an array" rather than the
    # client silently subscribing to its letters.
    return events if isinstance(events, str) else list(events)
