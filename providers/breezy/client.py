"""An async client for Breezy HR's Webhook Management API (customer and partner auth).

Breezy's docs: ``/v3/company/{company_id}/webhook_endpoints`` lists and creates endpoints,
``/v3/company/{company_id}/webhook_endpoint/{endpoint_id}`` gets, updates (``PUT``) and deletes
one, and its ``/pause`` and ``/resume`` sub-paths pause and resume it. A customer authenticates with
``Authorization: <api token>`` (no ``Bearer``); a partner adds ``partner-api-key``, and then sees
and counts against its own quota only. Credentials and endpoint secrets never appear in a repr or
an exception message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Final, Self, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from providers.breezy.adapter import EVENT_TYPES

DEFAULT_BASE_URL: Final = "https://api.breezy.hr"
DEFAULT_TIMEOUT: Final = 10.0
ALL_EVENTS: Final[tuple[str, ...]] = tuple(EVENT_TYPES)
"""Every Breezy event type an endpoint can subscribe to (the default for provisioning)."""

_MAX_MESSAGE_CHARS = 300
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


class BreezyAPIError(Exception):
    """Breezy answered with an error, or could not be reached (``status_code`` is ``None``).

    ``message`` is Breezy's own text (``{"error": ...}`` or ``{"message": ...}``) when it sent one.
    ``endpoint_id`` is set when Breezy succeeded but its answer could not be read and still named
    an endpoint: after a ``create_endpoint``, delete that endpoint so nothing is left half-made.
    """

    def __init__(
        self, status_code: int | None, message: str, *, endpoint_id: str | None = None
    ) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message
        self.endpoint_id = endpoint_id

    @property
    def is_quota_exceeded(self) -> bool:
        """Breezy's ``429``: ten endpoints per owner already exist (or it is rate limiting)."""
        return self.status_code == 429

    @property
    def is_not_found(self) -> bool:
        return self.status_code == 404

    @property
    def is_auth_error(self) -> bool:
        """The api token or partner key was refused."""
        return self.status_code in (401, 403)

    def __str__(self) -> str:
        if self.status_code is None:
            return f"Breezy unreachable: {self.message}"
        return f"Breezy {self.status_code}: {self.message}"

    def __repr__(self) -> str:
        return f"BreezyAPIError(status_code={self.status_code!r}, message={self.message!r})"


_endpoint_decoder = msgspec.json.Decoder(BreezyEndpoint)
_list_decoder = msgspec.json.Decoder(_EndpointList | list[BreezyEndpoint])


class BreezyClient:
    """Manage one Breezy company's webhook endpoints, as the customer or as a partner.

    Args:
        base_url: Breezy's API root, e.g. ``https://api.breezy.hr`` (``UNIHOOK_BREEZY_API_URL``).
        api_token: the customer's API token, sent as ``Authorization`` verbatim.
        partner_api_key: the partner's key; when given, calls act on the partner's endpoints.
        client: an ``httpx.AsyncClient`` to share; the caller closes it. Without one, the client
            makes its own, closed by ``aclose()`` or ``async with``.
        timeout: seconds for each request when the client makes its own ``httpx.AsyncClient``.
    """

    def __init__(
        self,
        base_url: str,
        api_token: str,
        partner_api_key: str | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.is_partner = partner_api_key is not None
        self._credentials = tuple(c for c in (api_token, partner_api_key) if c)
        self._headers = {
            "authorization": api_token,
            "accept": "application/json",
        }
        if partner_api_key is not None:
            self._headers["partner-api-key"] = partner_api_key
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    def __repr__(self) -> str:
        role = "partner" if self.is_partner else "customer"
        return f"BreezyClient(base_url={self.base_url!r}, auth={role!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_client:
            await self._client.aclose()

    # ---- the API ------------------------------------------------------------------------------

    async def list_endpoints(self, company_id: str) -> list[BreezyEndpoint]:
        """The caller's endpoints (a partner sees only its own, a customer only the customer's)."""
        response = await self._request("GET", self._collection(company_id))
        decoded = self._decode(response, _list_decoder)
        return decoded.data if isinstance(decoded, _EndpointList) else decoded

    async def get_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        response = await self._request("GET", self._item(company_id, endpoint_id))
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
        response = await self._request("POST", self._collection(company_id), body)
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
        response = await self._request("PUT", self._item(company_id, endpoint_id), body)
        return self._decode(response, _endpoint_decoder)

    async def delete_endpoint(self, company_id: str, endpoint_id: str) -> None:
        await self._request("DELETE", self._item(company_id, endpoint_id))

    async def pause_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        """Stop deliveries to the endpoint (``status: "paused"``)."""
        response = await self._request("POST", self._item(company_id, endpoint_id) + "/pause")
        return self._decode(response, _endpoint_decoder)

    async def resume_endpoint(self, company_id: str, endpoint_id: str) -> BreezyEndpoint:
        """Deliver to a paused endpoint again (``status: "active"``)."""
        response = await self._request("POST", self._item(company_id, endpoint_id) + "/resume")
        return self._decode(response, _endpoint_decoder)

    # ---- plumbing -----------------------------------------------------------------------------

    def _collection(self, company_id: str) -> str:
        return f"{self.base_url}/v3/company/{_segment(company_id)}/webhook_endpoints"

    def _item(self, company_id: str, endpoint_id: str) -> str:
        return (
            f"{self.base_url}/v3/company/{_segment(company_id)}"
            f"/webhook_endpoint/{_segment(endpoint_id)}"
        )

    async def _request(
        self, method: str, url: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        headers = dict(self._headers)
        content: bytes | None = None
        if body is not None:
            content = msgspec.json.encode(body)
            headers["content-type"] = "application/json"
        try:
            response = await self._client.request(method, url, content=content, headers=headers)
        except httpx.LocalProtocolError:
            # h11 quotes the offending header value, which may be a credential.
            raise BreezyAPIError(None, "request refused by the HTTP client") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise BreezyAPIError(None, self._redact(detail)) from None
        if not response.is_success:
            raise BreezyAPIError(response.status_code, self._redact(_error_message(response)))
        return response

    def _decode(self, response: httpx.Response, decoder: msgspec.json.Decoder[_T]) -> _T:
        try:
            return decoder.decode(response.content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            message = f"unexpected response from Breezy: {exc}"
            raise BreezyAPIError(
                response.status_code, self._redact(message), endpoint_id=_named_id(response)
            ) from None

    def _redact(self, text: str) -> str:
        for credential in self._credentials:
            text = text.replace(credential, "<redacted>")
        return text


def _named_id(response: httpx.Response) -> str | None:
    try:
        body: Any = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
    endpoint_id = body.get("id") if isinstance(body, dict) else None
    return endpoint_id if isinstance(endpoint_id, str) and endpoint_id else None


def _segment(value: str) -> str:
    """One URL path segment: an id can never reach another path."""
    return quote(value, safe="")


def _events(events: Sequence[str]) -> Any:
    # A bare string is sent as it is, so Breezy answers "Events must be an array" rather than the
    # client silently subscribing to its letters.
    return events if isinstance(events, str) else list(events)


def _error_message(response: httpx.Response) -> str:
    """Breezy's message from ``{"error": ...}`` or ``{"message": ...}``, else the body's text."""
    try:
        body: Any = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("error")
            if isinstance(value, str) and value.strip():
                return value.strip()[:_MAX_MESSAGE_CHARS]
    elif isinstance(body, str) and body.strip():
        return body.strip()[:_MAX_MESSAGE_CHARS]
    text = response.text.strip()
    if body is None and text and not text.startswith("<"):
        return text[:_MAX_MESSAGE_CHARS]
    return response.reason_phrase or f"HTTP {response.status_code}"
