"""The provisioning capability: an adapter may carry a provisioner for the vendor's webhook API.

A provisioner creates the webhook endpoint at the vendor (pointing at unihook's ingest URL for the
tenant), changes its events, pauses and resumes it, reports the vendor's view of it, and deletes
it. It declares the shape of its request (the ``provision`` block of ``POST /v1/connections``) as
a msgspec Struct, and does its I/O only through the ``httpx.AsyncClient`` in the context the
gateway hands it, so it opens nothing itself and tests point it at a simulator.

What it hands back is split by sensitivity: ``secrets`` (the signing secrets, stored encrypted
as the connection's secrets), ``state`` (endpoint and account ids, kept) and ``credentials``
(API tokens, kept encrypted unless the operator sets ``UNIHOOK_FORGET_VENDOR_TOKENS``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, runtime_checkable

from schemas.api import Provisioned

if TYPE_CHECKING:
    import httpx

ErrorKind = Literal["invalid", "rejected", "auth", "not_found", "quota", "unreachable"]


class ProvisioningError(Exception):
    """The vendor refused, failed or could not be reached; or the request is invalid.

    ``kind`` tells the gateway how to answer: ``invalid`` is the client's mistake (``400``),
    ``quota`` is the vendor's ``429`` (``429``), ``not_found`` means the endpoint is gone at the
    vendor, and the rest are the vendor's answer (``502``). ``message`` never holds a credential.
    ``leftover`` is an endpoint that was created although the call failed (its answer could not
    be read, say): the gateway deprovisions it so nothing is left half-made.
    """

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status_code: int | None = None,
        leftover: VendorState | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.status_code = status_code
        self.leftover = leftover

    def __repr__(self) -> str:
        return f"ProvisioningError({self.kind!r}, {self.message!r}, status_code={self.status_code})"


class ProviderSettings(Mapping[str, str]):
    """One provider's settings: ``UNIHOOK_PROVIDER_<NAME>_<KEY>`` as ``{"<key>": value}``."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self._values = {key.lower(): value for key, value in (values or {}).items()}

    def __getitem__(self, key: str) -> str:
        return self._values[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"ProviderSettings({sorted(self._values)!r})"

    def url(self, key: str, default: str) -> str:
        """A base URL setting without its trailing slash."""
        return (self.get(key) or default).rstrip("/")

    def number(self, key: str, default: float) -> float:
        """A positive number setting; a value that is not one is a ``ValueError`` naming it."""
        raw = self.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"{key} must be a number, got {raw!r}") from None
        if value <= 0:
            raise ValueError(f"{key} must be positive, got {raw!r}")
        return value


@dataclass(frozen=True, slots=True)
class ProvisionContext:
    """What the gateway hands a provisioner for one call."""

    http: httpx.AsyncClient
    """The only way to the vendor; the gateway owns and closes it, and sets its timeouts."""
    settings: ProviderSettings
    tenant: str
    ingest_url: str
    """Where the vendor must send this tenant's webhooks."""
    store_credentials: bool = True
    """False when the operator asked unihook not to keep vendor API tokens."""


@dataclass(frozen=True, slots=True)
class VendorState:
    """What unihook remembers of a provisioned endpoint (decrypted), handed back on later calls."""

    state: Mapping[str, Any]
    credentials: Mapping[str, str] | None = None
    """``None`` when no credentials were kept (``UNIHOOK_FORGET_VENDOR_TOKENS``)."""


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    """A created endpoint: its signing secrets, what to remember, and the vendor's view of it."""

    secrets: Sequence[str]
    state: Mapping[str, Any]
    summary: Provisioned
    credentials: Mapping[str, str] = field(default_factory=dict)
    awaits_handshake: bool = False
    """True when the signing secret arrives later, in a handshake request the vendor sends to
    the endpoint (Gusto's ``verification_token``): ``secrets`` may then be empty, and the gateway
    stores the secret once ``confirm_handshake`` has confirmed it at the vendor."""


@runtime_checkable
class Provisioner(Protocol):
    """The vendor-side endpoint lifecycle. ``update``, ``pause`` and ``resume`` may raise
    ``NotImplementedError`` where the vendor's API cannot do it (see ``capabilities``)."""

    request_type: type[Any]
    """A msgspec Struct: the ``provision`` block, validated before ``provision`` is called."""
    capabilities: frozenset[str]
    """Which of ``update``, ``pause``, ``resume``, ``health`` and ``renew`` the vendor's API
    supports."""

    async def provision(self, ctx: ProvisionContext, request: Any) -> ProvisionResult:
        """Create the endpoint at the vendor; raise ``ProvisioningError`` on any failure."""
        ...

    async def activate(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned | None:
        """Finish the set-up once the connection and its secrets are committed; ``None`` when
        there is nothing to do (``BaseProvisioner``'s default)."""
        ...

    async def deprovision(self, ctx: ProvisionContext, vendor: VendorState) -> None:
        """Delete the endpoint at the vendor; one already gone there is not an error."""
        ...

    async def health(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        """The vendor's view of the endpoint now (status, enabled, its own delivery stats)."""
        ...

    async def update(
        self,
        ctx: ProvisionContext,
        vendor: VendorState,
        *,
        events: Sequence[str] | None,
        description: str | None,
    ) -> tuple[Mapping[str, Any], Provisioned]:
        """Change the endpoint's events or description; return the new state and view."""
        ...

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        """Stop the vendor sending to the endpoint."""
        ...

    async def confirm_handshake(
        self, ctx: ProvisionContext, vendor: VendorState, token: str
    ) -> None:
        """Confirm at the vendor a secret that arrived in a handshake request (anyone can send
        one, so it is trusted only once the vendor accepts it); raise ``ProvisioningError`` when
        the vendor refuses it. ``BaseProvisioner``'s default refuses every token."""
        ...

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        """Have the vendor send to the endpoint again."""
        ...

    async def renew(
        self, ctx: ProvisionContext, vendor: VendorState, *, now: datetime
    ) -> tuple[Mapping[str, Any], Provisioned] | None:
        """Renew what expires at the vendor (capability ``renew``): the new state and view, or
        ``None`` when nothing is due. The gateway's workers call it on their own schedule."""
        ...


class BaseProvisioner:
    """Defaults for provisioners: the optional operations say the vendor cannot do them; a
    request's event types are checked against the ones the vendor declares, and the endpoint's
    id is read back from the state key it declares."""

    request_type: type[Any]
    capabilities: frozenset[str] = frozenset({"health"})
    undescribed: ClassVar[str | None] = None
    """What the vendor calls its endpoints when they have no description (``"Ashby
    webhooks"``): ``update`` then refuses a description, naming them."""
    subscribable_events: ClassVar[Collection[str]] = ()
    """Every event type a request may name (``checked_events``)."""
    default_events: ClassVar[Sequence[str]] = ()
    """The event types subscribed to when a request names none."""
    events_example: ClassVar[str] = "the vendor's event types"
    """What an event type looks like, for the error naming an unknown one."""
    events_field: ClassVar[str] = "provision.events"
    """The request field naming the event types, for the errors."""
    endpoint_key: ClassVar[str] = "endpoint_id"
    """The key of the connection's state that holds the vendor's id of the endpoint."""
    endpoint_noun: ClassVar[str] = "endpoint"
    """What the vendor calls the endpoint (``"Deel webhook"``), for the messages naming it."""

    def endpoint_id(self, vendor: VendorState) -> str:
        """The vendor's id of the endpoint, as ``recorded_id`` finds it under ``endpoint_key``."""
        return recorded_id(vendor, self.endpoint_key, what=self.endpoint_noun)

    def checked_events(self, requested: Sequence[str] | None) -> list[str]:
        """The event types a provision or update names, checked by ``chosen_events`` against
        the ones this vendor declares."""
        return chosen_events(
            requested,
            self.subscribable_events,
            default=self.default_events,
            example=self.events_example,
            field=self.events_field,
        )

    async def activate(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned | None:
        """Finish the set-up once the connection and its secrets are committed (optional).

        For vendors that test the endpoint while creating it (a ping that the not yet committed
        connection could not answer): the gateway calls ``activate`` of a provisioner that has
        one right after the commit. ``None`` means there was nothing to do.
        """
        return None

    async def update(
        self,
        ctx: ProvisionContext,
        vendor: VendorState,
        *,
        events: Sequence[str] | None,
        description: str | None,
    ) -> tuple[Mapping[str, Any], Provisioned]:
        """Refuse a description the vendor's endpoints cannot have (``undescribed``), then
        change the events through ``change_events``; a vendor whose endpoints do have a
        description overrides this instead."""
        if description is not None and self.undescribed is not None:
            raise ProvisioningError("invalid", f"{self.undescribed} have no description")
        return await self.change_events(ctx, vendor, events)

    async def change_events(
        self, ctx: ProvisionContext, vendor: VendorState, events: Sequence[str] | None
    ) -> tuple[Mapping[str, Any], Provisioned]:
        """Change the endpoint's events (``None``: no change asked); return the new state and
        view."""
        raise NotImplementedError("this vendor's API cannot change an endpoint")

    async def pause(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        raise NotImplementedError("this vendor's API cannot pause an endpoint")

    async def resume(self, ctx: ProvisionContext, vendor: VendorState) -> Provisioned:
        raise NotImplementedError("this vendor's API cannot resume an endpoint")

    async def confirm_handshake(
        self, ctx: ProvisionContext, vendor: VendorState, token: str
    ) -> None:
        raise ProvisioningError("rejected", "this vendor sends no handshake to confirm")

    async def renew(
        self, ctx: ProvisionContext, vendor: VendorState, *, now: datetime
    ) -> tuple[Mapping[str, Any], Provisioned] | None:
        return None  # nothing at this vendor expires


def chosen_events(
    requested: Sequence[str] | None,
    known: Collection[str],
    *,
    default: Sequence[str],
    example: str,
    field: str = "provision.events",
) -> list[str]:
    """The vendor event types a provision request names: ``default`` when it names none, and
    ``invalid`` for an empty list, a name the vendor does not have (listed, with ``example``
    saying what one looks like) or a name given twice."""
    if requested is None:
        return list(default)
    if not requested:
        raise ProvisioningError("invalid", f"{field} must name at least one event")
    unknown = [e for e in requested if e not in known]
    if unknown:
        raise ProvisioningError("invalid", f"Invalid events: {', '.join(unknown)} ({example})")
    if len(set(requested)) != len(requested):
        raise ProvisioningError("invalid", f"{field} names an event twice")
    return list(requested)


def kept_credential(vendor: VendorState, key: str, *, what: str, manage: str) -> str:
    """The vendor credential ``key`` unihook kept for this connection; an ``auth`` error saying
    it keeps none (``UNIHOOK_FORGET_VENDOR_TOKENS``) and, in ``manage``, where the endpoint can
    be managed instead."""
    found = (vendor.credentials or {}).get(key)
    if not found:
        raise ProvisioningError(
            "auth",
            f"unihook keeps no {what} for this connection (UNIHOOK_FORGET_VENDOR_TOKENS was set "
            f"when it was provisioned): {manage}",
        )
    return found


def recorded_id(vendor: VendorState, key: str, *, what: str) -> str:
    """The vendor's id of the endpoint, recorded in the connection's state under ``key``; a
    ``not_found`` error naming ``what`` (``"Deel webhook"``) when none is."""
    found = vendor.state.get(key)
    if not isinstance(found, str) or not found:
        raise ProvisioningError("not_found", f"no {what} is recorded")
    return found
