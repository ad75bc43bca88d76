"""What a simulator's handlers read and raise, and what it records: the request
(``SimRequest``) with its credentials (``basic_user``, ``bearer_token``) and checked fields
(``absolute_url``, ``event_names``), the refusal (``Reject``), and the call log's rows
(``SimCall``, ``Delivery``). Public through ``providers.testing``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx


def basic_user(authorization: str) -> str | None:
    """The user name of an HTTP Basic ``Authorization`` value (``None`` if it is not one)."""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


def bearer_token(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` value (``None`` if it is not one)."""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


class Reject(Exception):
    """A handler's refusal: ``status`` with ``message`` (and the vendor's ``code``), shaped into
    the vendor's error body by ``VendorSimulator.reject_body``."""

    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def absolute_url(value: Any, name: str, *, status: int = 400, code: str | None = None) -> str:
    """``value`` when it is an absolute http(s) URL, else ``Reject(status)`` saying the field
    ``name`` must be one (a vendor with stricter rules, https only, checks them itself)."""
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise Reject(status, f"{name} must be an absolute http(s) URL", code)
    return value


def event_names(value: Any, known: Collection[str], name: str, *, status: int = 400) -> list[str]:
    """``value`` when it is a non-empty list of event types the vendor has (``known``), else
    ``Reject(status)`` naming the field ``name`` or the unknown types."""
    if not isinstance(value, list) or not value or not all(isinstance(e, str) for e in value):
        raise Reject(status, f"{name} must be a non-empty list of event types")
    unknown = [e for e in value if e not in known]
    if unknown:
        raise Reject(status, f"Unknown event types: {', '.join(unknown)}")
    return list(value)


@dataclass(frozen=True)
class SimRequest:
    """One request to a simulator: header names lower-cased, ``path`` without the query."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    """The route's ``{name}`` segments, percent-decoded."""
    principal: Any = None
    """What ``authenticate`` returned for this request (an account, an owner)."""
    query_pairs: tuple[tuple[str, str], ...] = ()
    """Every query parameter in order, repeated names too (``query`` keeps the last of each)."""

    def query_all(self, name: str) -> list[str]:
        """Every value of a query parameter given several times (``expand=a&expand=b``)."""
        return [value for key, value in self.query_pairs if key == name]

    def json_body(self) -> Any:
        """The body as JSON for the call log (the bytes when it is not JSON)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return self.body

    def json_object(
        self, invalid: str = "Invalid JSON", not_object: str | None = None, *, status: int = 400
    ) -> Any:
        """The body as a JSON object (an empty body is ``{}``); ``Reject(status, ...)``
        otherwise, with the vendor's own wording."""
        try:
            body = json.loads(self.body) if self.body.strip() else {}
        except ValueError:
            raise Reject(status, invalid) from None
        if not isinstance(body, dict):
            raise Reject(status, not_object or invalid)
        return body


@dataclass(frozen=True)
class SimCall:
    """One request the simulator answered."""

    method: str
    path: str
    status_code: int
    authorization: str | None
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    answer: Any = None
    """The JSON the simulator answered (``None`` for an injected answer)."""


@dataclass
class Delivery:
    """One webhook the simulator sent (``deliver_to``), and what came of it."""

    target_id: str
    url: str
    body: bytes
    headers: dict[str, str]
    response: httpx.Response | None = None
    error: str | None = None

    @property
    def status_code(self) -> int | None:
        return self.response.status_code if self.response is not None else None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.is_success
