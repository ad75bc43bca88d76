"""The gateway's own errors: what a service refuses and why, mapped to HTTP once, by the app.

Services raise these, never HTTP exceptions, so the API, the console and the CLI share them.
``detail`` is safe to show the caller: it never holds a secret.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ServiceError(Exception):
    """Base of every refusal; ``status`` is the HTTP status it maps to."""

    status: ClassVar[int] = 500

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        self.headers = headers  # e.g. ``retry-after`` on a 429
        if status is not None:
            self.status = status  # type: ignore[misc]  # an instance may narrow its class's status


class Invalid(ServiceError):
    """The request is malformed or names something that does not exist (``400``)."""

    status = 400


class Unauthorized(ServiceError):
    """No key, or a key unihook does not know (``401``)."""

    status = 401


class NotFound(ServiceError):
    """No such thing, or not the caller's to see (``404``: the same answer for both)."""

    status = 404


class Conflict(ServiceError):
    """The thing exists already (``409``)."""

    status = 409


class QuotaExceeded(ServiceError):
    """A limit was reached: unihook's, or the vendor's (``429``)."""

    status = 429


class VendorFailed(ServiceError):
    """The vendor's API refused, failed or could not be reached (``502``)."""

    status = 502
