"""The base for vendor API clients: auth, one error type, bounded redacted messages, JSON calls.

A vendor client subclasses ``VendorClient``, names its ``vendor`` and declares its ``auth``; it
sends only through the ``httpx.AsyncClient`` it is handed (the gateway's, in a provisioner: the
``ProvisionContext.http``), so it opens no connection of its own. Every failure is one
``VendorAPIError`` whose ``kind`` comes from ``kind_for_status`` (the one status table), whose
message is cut to ``MESSAGE_CHARS`` with every secret the client knows replaced by
``<redacted>``. A provisioner turns it into the gateway's ``ProvisioningError`` with
``VendorAPIError.as_provisioning_error``.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Final, Literal, Protocol, Self, TypeVar
from urllib.parse import quote

import httpx
import msgspec

from providers.provisioning import ErrorKind, ProviderSettings, ProvisioningError, VendorState

APIErrorKind = Literal["auth", "not_found", "conflict", "rate_limited", "rejected", "unreachable"]
MESSAGE_CHARS: Final = 300
"""The longest message a ``VendorAPIError`` carries (vendor text is cut to it)."""
REDACTED: Final = "<redacted>"
Query = Mapping[str, str] | None
"""Query parameters of a call."""
_RETRY_AFTER_DIGITS = 12
_S = TypeVar("_S")
"""More digits than this is no wait anyone honours; such a ``Retry-After`` reads as ``None``."""

_PROVISIONING_KIND: Final[Mapping[APIErrorKind, ErrorKind]] = {
    "auth": "auth",
    "not_found": "not_found",
    "conflict": "rejected",
    "rate_limited": "quota",
    "rejected": "rejected",
    "unreachable": "unreachable",
}


def kind_for_status(status: int | None) -> APIErrorKind:
    """The one status table: ``None`` (no answer) and ``5xx`` are ``unreachable``."""
    if status is None or status >= 500:
        return "unreachable"
    if status in (401, 403):
        return "auth"
    if status == 404:
        return "not_found"
    if status == 409:
        return "conflict"
    if status == 429:
        return "rate_limited"
    return "rejected"


def bounded(text: str) -> str:
    """``text`` with its white space folded, cut to ``MESSAGE_CHARS`` (an ellipsis marks a cut)."""
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: ASCII digits, or an HTTP date (less ``now``,
    never negative). Anything else is ``None``; it never raises."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(int(value)) if len(value) <= _RETRY_AFTER_DIGITS else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every outbound HTTP client of a process shares: httpx's own defaults
    (certifi's CA bundle), read once. A client left to build its own reads the bundle again,
    about 50 ms of CPU each time: a provisioning call, a delivery pool, a health poll."""
    return httpx.create_ssl_context()


def path_segment(value: str) -> str:
    """One URL path segment: an id can never reach another path."""
    return quote(value, safe="")


class VendorAPIError(Exception):
    """The vendor refused a call, failed, or could not be reached (``status`` ``None``).

    Args:
        kind: what the caller can do about it (``kind_for_status`` unless the vendor says more,
            e.g. a ``200`` whose body says "not found").
        message: the vendor's own text when it sent some; cut to ``MESSAGE_CHARS``. Redacting is
            the client's job (``VendorClient.error`` does it) since only it knows the secrets.
        vendor: the vendor's display name, for ``str()``.
        status: the HTTP status, ``None`` when nothing was answered.
        retry_after: seconds the vendor asked to wait (``Retry-After``), else ``None``.
        code: the vendor's error code when its body has one.
        created_id: set when the vendor created something but its answer could not be used:
            delete it so nothing is left half-made.
    """

    def __init__(
        self,
        kind: APIErrorKind,
        message: str,
        *,
        vendor: str = "the vendor",
        status: int | None = None,
        retry_after: float | None = None,
        code: str | None = None,
        created_id: str | None = None,
    ) -> None:
        self.kind: APIErrorKind = kind
        self.message = bounded(message)
        self.vendor = vendor
        self.status = status
        self.retry_after = retry_after
        self.code = code
        self.created_id = created_id
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.status is None:
            return f"{self.vendor} unreachable: {self.message}"
        code = f" {self.code}" if self.code else ""
        return f"{self.vendor} {self.status}{code}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"VendorAPIError({self.kind!r}, {self.message!r}, vendor={self.vendor!r}, "
            f"status={self.status!r}, code={self.code!r})"
        )

    def as_provisioning_error(
        self,
        doing: str | None = None,
        *,
        message: str | None = None,
        leftover: VendorState | None = None,
    ) -> ProvisioningError:
        """The gateway's error for this one: ``rate_limited`` is ``quota`` (its ``429``),
        ``conflict`` is ``rejected``, the rest keep their kind. The text is ``doing: <this
        error>``, or ``message`` when the caller words it (it must hold no secret)."""
        if message is None:
            message = f"{doing}: {self}" if doing else str(self)
        return ProvisioningError(
            _PROVISIONING_KIND[self.kind], message, status_code=self.status, leftover=leftover
        )

    def leftover(self, key: str, credentials: Mapping[str, str]) -> VendorState | None:
        """What a creation that failed after all left at the vendor (``created_id``, recorded
        under ``key``) for the gateway to deprovision; ``None`` when nothing was made."""
        return VendorState({key: self.created_id}, credentials) if self.created_id else None


async def delete_unless_gone(
    delete: Callable[[str], Awaitable[object]], endpoint_id: str, *, doing: str
) -> None:
    """``delete(endpoint_id)`` for a deprovision: an endpoint already gone at the vendor is what
    was asked for, any other failure is the gateway's error about ``doing``."""
    try:
        await delete(endpoint_id)
    except VendorAPIError as exc:
        if exc.kind != "not_found":
            raise exc.as_provisioning_error(doing) from None


async def delete_quietly(
    delete: Callable[[str], Awaitable[object]],
    endpoint_id: str,
    *,
    what: str,
    log: logging.Logger,
) -> None:
    """``delete(endpoint_id)`` to undo a creation that cannot be used: a failure is logged (as
    ``what``, e.g. ``"Deel webhook"``) and not raised, so the creation's own error is the one
    the caller reports."""
    try:
        await delete(endpoint_id)
    except VendorAPIError as exc:
        log.warning("could not delete %s %s: %s", what, endpoint_id, exc)


class Auth(Protocol):
    """How a client proves who it is: the headers it adds, and the secrets to keep out of text."""

    def headers(self) -> dict[str, str]: ...

    def secrets(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True, repr=False)
class BearerAuth:
    """``Authorization: Bearer <token>``."""

    token: str

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def secrets(self) -> tuple[str, ...]:
        return (self.token,)

    def __repr__(self) -> str:
        return "BearerAuth(<redacted>)"


@dataclass(frozen=True, slots=True, repr=False)
class BasicAuth:
    """HTTP Basic: ``Authorization: Basic base64(username:password)``."""

    username: str
    password: str = ""

    def headers(self) -> dict[str, str]:
        return {"authorization": "Basic " + self._encoded()}

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.username, self.password, self._encoded()) if s)

    def _encoded(self) -> str:
        return base64.b64encode(f"{self.username}:{self.password}".encode()).decode("ascii")

    def __repr__(self) -> str:
        return "BasicAuth(<redacted>)"


@dataclass(frozen=True, slots=True, repr=False)
class HeaderAuth:
    """Tokens in headers as they are (``{"authorization": token}``, ``{"x-api-key": key}``)."""

    values: Mapping[str, str]

    def headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.values.items()}

    def secrets(self) -> tuple[str, ...]:
        return tuple(v for v in self.values.values() if v)

    def __repr__(self) -> str:
        return f"HeaderAuth({sorted(self.values)!r})"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Which answers to ask again after, and how long to wait: before retry ``n`` the vendor's
    ``Retry-After`` when it sent one, else ``backoff[n]``; either capped at ``max_wait``."""

    backoff: tuple[float, ...] = ()
    statuses: frozenset[int] = frozenset({429, 503})
    max_wait: float = 5.0


NO_RETRY: Final = RetryPolicy()


class VendorClient:
    """A vendor's API at ``base_url``, through the ``http`` client the caller owns.

    Subclasses set ``vendor`` (its name in messages) and may override ``error_details`` (where
    the vendor's error bodies keep their text and code) or ``send`` (a vendor's own rate-limit
    pacing). ``secrets`` adds values to redact beyond the auth's own (e.g. signing tokens).
    """

    vendor: ClassVar[str] = "the vendor"

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        auth: Auth,
        *,
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        retry: RetryPolicy = NO_RETRY,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.retry = retry
        self.sleep = sleep
        self.clock = clock
        self._headers = {"accept": "application/json", **auth.headers()}
        self._headers.update({k.lower(): v for k, v in (headers or {}).items()})
        found = {s for s in (*auth.secrets(), *secrets) if s}
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = tuple(sorted(found, key=len, reverse=True))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # ---- JSON calls -----------------------------------------------------------------------------

    async def get(self, path: str, *, params: Query = None) -> Any:
        return self.parse(await self.request("GET", path, params=params))

    async def post(self, path: str, json: Any = None) -> Any:
        return self.parse(await self.request("POST", path, json=json))

    async def put(self, path: str, json: Any = None) -> Any:
        return self.parse(await self.request("PUT", path, json=json))

    async def patch(self, path: str, json: Any = None) -> Any:
        return self.parse(await self.request("PATCH", path, json=json))

    async def delete(self, path: str) -> Any:
        return self.parse(await self.request("DELETE", path))

    # ---- the pieces they are made of -----------------------------------------------------------

    async def request(
        self, method: str, path: str, *, json: Any = None, params: Query = None
    ) -> httpx.Response:
        """One call (retried as ``retry`` says); a ``2xx`` answer, else ``VendorAPIError``."""
        response = await self.send(method, path, json=json, params=params)
        if not response.is_success:
            raise self.status_error(response)
        return response

    async def send(
        self, method: str, path: str, *, json: Any = None, params: Query = None
    ) -> httpx.Response:
        """The answer, whatever its status, after the retries ``retry`` allows."""
        for delay in (*self.retry.backoff, None):
            response = await self.send_once(method, path, json=json, params=params)
            if response.status_code not in self.retry.statuses or delay is None:
                return response
            asked = self.retry_after(response)
            await self.sleep(min(asked if asked else delay, self.retry.max_wait))
        raise AssertionError("unreachable: the last delay is None")  # pragma: no cover

    async def send_once(
        self, method: str, path: str, *, json: Any = None, params: Query = None
    ) -> httpx.Response:
        """One exchange; a transport failure or timeout is an ``unreachable`` error."""
        headers = dict(self._headers)
        content = None
        if json is not None:
            content = msgspec.json.encode(json)
            headers["content-type"] = "application/json"
        try:
            return await self.http.request(
                method, self.base_url + path, content=content, headers=headers, params=params
            )
        except httpx.LocalProtocolError:
            # h11 quotes the offending header value, which may be a credential.
            raise self.error("unreachable", "request refused by the HTTP client") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise self.error("unreachable", detail) from None

    def parse(self, response: httpx.Response) -> Any:
        """The answer's JSON (``None`` for an empty body); unreadable JSON is ``rejected``."""
        if not response.content.strip():
            return None
        try:
            return msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            raise self.error(
                "rejected", "the answer is not JSON", status=response.status_code
            ) from None

    def status_error(self, response: httpx.Response) -> VendorAPIError:
        """The error for a non-``2xx`` answer: its kind from the status table, the vendor's
        text and code from ``error_details``, ``retry_after`` from its header."""
        code, message = self.error_details(response)
        return self.error(
            kind_for_status(response.status_code),
            message,
            status=response.status_code,
            code=code,
            retry_after=self.retry_after(response),
        )

    def error(
        self,
        kind: APIErrorKind,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        created_id: str | None = None,
    ) -> VendorAPIError:
        """A ``VendorAPIError`` from this client, every secret it knows redacted."""
        return VendorAPIError(
            kind,
            self.redact(message),
            vendor=self.vendor,
            status=status,
            retry_after=retry_after,
            code=self.redact(code) if code else None,
            created_id=created_id,
        )

    def read_endpoint(self, found: Any, shape: type[_S], *, doing: str, what: str) -> _S:
        """``found`` (the answer to ``doing``) read as ``shape``; when it is not one, a
        ``rejected`` error naming ``what`` and carrying the ``id`` the answer holds as
        ``created_id``, so a creation whose answer cannot be used is deleted again."""
        try:
            return msgspec.convert(found, shape)
        except msgspec.ValidationError:
            created = found.get("id") if isinstance(found, dict) else None
            raise self.error(
                "rejected",
                f"{doing} answered an unreadable {what}",
                created_id=created if isinstance(created, str) else None,
            ) from None

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def retry_after(self, response: httpx.Response) -> float | None:
        """The answer's ``Retry-After`` in seconds; an HTTP date counts from the answer's own
        ``Date`` (the vendor's clock), else from this client's clock."""
        now = None
        if date := response.headers.get("date"):
            try:
                now = parsedate_to_datetime(date)
            except (TypeError, ValueError, IndexError, OverflowError):
                now = None
        if now is None or now.tzinfo is None:
            now = datetime.fromtimestamp(self.clock(), UTC)
        return parse_retry_after(response.headers.get("retry-after"), now)

    def error_details(self, response: httpx.Response) -> tuple[str | None, str]:
        """The vendor's error code and text: ``code`` and the first of ``error``, ``message``,
        ``errors`` in a JSON body, else a plain-text body, else the reason phrase."""
        try:
            body: Any = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            body = None
        if isinstance(body, dict):
            code = body.get("code") if isinstance(body.get("code"), str) else None
            for key in ("error", "message", "errors"):
                value = body.get(key)
                if isinstance(value, dict):
                    value = value.get("message") or value.get("error")
                if isinstance(value, list) and value:
                    value = ", ".join(str(v) for v in value)
                if isinstance(value, str) and value.strip():
                    return code, value.strip()
            if code:
                return code, code
        elif isinstance(body, str) and body.strip():
            return None, body.strip()
        text = response.text.strip()
        if body is None and text and not text.startswith("<"):
            return None, text
        return None, response.reason_phrase or f"HTTP {response.status_code}"


class TokenClient(VendorClient):
    """A vendor API reached with one bearer token: the vendor's own ``api_url`` unless the
    caller (a test, a sandbox) names another base."""

    api_url: ClassVar[str]

    def __init__(self, http: httpx.AsyncClient, token: str, *, base_url: str | None = None) -> None:
        super().__init__(http, base_url or self.api_url, BearerAuth(token))

    @classmethod
    def configured(cls, http: httpx.AsyncClient, settings: ProviderSettings, token: str) -> Self:
        """The client at the provider's ``api_url`` setting, else at the vendor's own."""
        return cls(http, token, base_url=settings.url("api_url", cls.api_url))
