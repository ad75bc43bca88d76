"""Management API request and response shapes (separate from the storage rows)."""

from __future__ import annotations

from typing import Any, Literal

import msgspec


class _Body(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Request bodies: unknown fields are a 400, so typos don't pass silently."""


class _Out(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Responses."""


# ---- connections ------------------------------------------------------------------------------


class ConnectionCreate(_Body):
    provider: str
    tenant: str
    secret: str | None = None
    verify: bool = True
    provision: dict[str, Any] | None = None
    """Have the vendor create the endpoint: the provider's own request shape (see
    ``GET /v1/providers``, ``provisioning.request_schema``)."""
    complete: bool = False
    """Complete thin events: fetch the records they name from the vendor's API before they go
    out (the provider must have a completer: ``GET /v1/providers``, ``completion``)."""
    credentials: dict[str, Any] | None = None
    """The vendor API credentials completion uses, in the provider's shape
    (``completion.credentials_schema``); stored encrypted, never returned. A provisioned
    connection's kept credentials serve when none are given."""


class ConnectionUpdate(_Body):
    """Changes to a connection: its endpoint at the vendor (provisioned connections), and
    whether and with which credentials it completes thin events."""

    events: list[str] | None = None
    description: str | None = None
    complete: bool | None = None
    credentials: dict[str, Any] | None = None


class SecretRotate(_Body):
    secret: str
    previous_expires_in: int | None = 86400
    """Seconds the current secrets keep verifying; ``null`` keeps them with no expiry (a
    connection that holds several live secrets, e.g. one per vendor webhook)."""


class Provisioned(_Out):
    endpoint_id: str
    status: str | None = None
    enabled: bool | None = None
    stats: dict[str, Any] | None = None
    error: str | None = None


class ConnectionOut(_Out, kw_only=True):
    id: str
    provider: str
    tenant: str
    verify: bool
    secret_prefix: str | None
    ingest_url: str
    created_at: str
    secrets: list[dict[str, Any]] | None = None
    provisioned: Provisioned | None = None
    complete: bool
    """Whether its thin events are completed from the vendor's API before they go out."""
    has_credentials: bool
    """Whether it holds vendor API credentials of its own for completion (never shown)."""


# ---- subscriptions ----------------------------------------------------------------------------
# ``url`` and ``events`` are typed loosely so the API can answer Breezy's own messages
# ("Invalid URL format", "Events must be an array") rather than a generic decoding error.


class SubscriptionCreate(_Body):
    url: Any = None
    destination: Any = None  # {"type": "http"|"rabbitmq"|"nats"|"sqs", ...}; else ``url``
    description: str | None = None
    events: Any = None
    tenants: list[str] | None = None
    providers: list[str] | None = None
    include_raw: bool = False
    rate_limit: Any = None
    ordering: Any = "none"
    filter: Any = None
    format: Any = "standard"
    redact: Any = None


class SubscriptionUpdate(_Body):
    """Only the fields present change; ``null`` clears ``description``, ``tenants``,
    ``providers``."""

    url: Any = msgspec.UNSET
    destination: Any = msgspec.UNSET
    description: str | msgspec.UnsetType | None = msgspec.UNSET
    events: Any = msgspec.UNSET
    tenants: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    providers: list[str] | msgspec.UnsetType | None = msgspec.UNSET
    include_raw: bool | msgspec.UnsetType = msgspec.UNSET
    rate_limit: Any = msgspec.UNSET
    ordering: Any = msgspec.UNSET
    filter: Any = msgspec.UNSET
    format: Any = msgspec.UNSET
    redact: Any = msgspec.UNSET


class ReplayRequest(_Body):
    since: str
    until: str | None = None


class FilterTest(_Body):
    event: Any = None


class FilterMatch(msgspec.Struct, kw_only=True):
    matches: bool


class StreamCreate(_Body):
    name: Any = None
    events: Any = None
    tenants: list[str] | None = None
    filter: Any = None


class StreamAck(_Body):
    cursor: Any = None


class StreamOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    events: list[str]
    tenants: list[str] | None
    filter: dict[str, Any] | None
    cursor: str  # the acknowledged position
    created_at: str
    updated_at: str
    lag: int | msgspec.UnsetType = msgspec.UNSET  # events after the cursor, counted to 1001


class StreamRead(msgspec.Struct, kw_only=True):
    data: list[msgspec.Raw]  # canonical events, oldest first
    cursor: str  # ack this to move past them


class RedeliverRequest(_Body):
    subscription_id: str | None = None


class SubscriptionStats(msgspec.Struct, kw_only=True):
    successful_deliveries: int
    failed_deliveries: int
    last_delivery_at: str | None


class DeliveryState(msgspec.Struct, kw_only=True):
    """What is happening to a subscription's deliveries now, over every worker."""

    in_flight: int  # being sent
    concurrency: int  # requests its destination may have in flight (summed over workers)
    rate_limited: int  # claimed but held back by rate_limit
    ordering_held: int  # waiting for an earlier delivery of their subject


class SubscriptionOut(msgspec.Struct, kw_only=True):
    id: str
    url: str  # a broker's with its password replaced by ***
    destination: dict[str, Any]  # its type and settings, never a credential
    description: str | None
    events: list[str]
    tenants: list[str] | None
    providers: list[str] | None
    include_raw: bool
    rate_limit: int | None
    ordering: Literal["none", "resource"]
    filter: dict[str, Any] | None
    format: Literal["standard", "cloudevents"]
    redact: list[str]
    status: Literal["active", "paused", "disabled"]
    disabled_reason: str | None
    stats: SubscriptionStats
    secret_prefix: str
    created_at: str
    updated_at: str
    delivery: DeliveryState | msgspec.UnsetType = msgspec.UNSET
    secret: str | msgspec.UnsetType = msgspec.UNSET


class SecretOut(msgspec.Struct, kw_only=True):
    secret: str


class Enqueued(msgspec.Struct, kw_only=True):
    enqueued: int


class AttemptOut(msgspec.Struct, kw_only=True):
    id: str
    attempted_at: str
    status_code: int | None
    latency_ms: float
    response_snippet: str | None
    error: str | None
    # [name, value] pairs; null when nothing was sent (or no answer came) and for attempts
    # recorded before this field existed. The request body is the event as the subscription
    # receives it (its redact paths left out, ``raw`` with include_raw).
    request_headers: list[list[str]] | None = None
    response_headers: list[list[str]] | None = None


class DeliveryOut(msgspec.Struct, kw_only=True):
    id: str
    event_id: str
    event_type: str
    subscription_id: str
    status: Literal["pending", "succeeded", "failed"]
    attempt_count: int
    next_attempt_at: str | None
    last_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    updated_at: str
    attempts: list[AttemptOut] | msgspec.UnsetType = msgspec.UNSET


# ---- catalogue --------------------------------------------------------------------------------


class EventTypeOut(_Out):
    name: str
    description: str
    providers: list[str]
    schema: dict[str, Any]


class ProvisioningOut(_Out):
    capabilities: list[str]
    request_schema: dict[str, Any]


class CompletionOut(_Out):
    credentials_schema: dict[str, Any]
    """The JSON Schema of the ``credentials`` a connection with ``complete: true`` gives."""


class ProviderOut(_Out):
    name: str
    display_name: str
    category: str
    signature_header: str
    distribution: str
    version: str
    event_types: dict[str, str]
    provisioning: ProvisioningOut | None = None
    completion: CompletionOut | None = None
    """Present when the provider can complete its thin events (``complete: true``)."""
    secret_hint: str | None = None
    """Which of the vendor's values is the connection's secret (absent: its adapter does not
    say)."""


class ErasureRequest(_Body):
    """Erase one person of one tenant; at least one identifier."""

    tenant: Any = None
    subject: Any = None
    email: Any = None
    candidate_id: Any = None
    employee_id: Any = None


class ErasureCounts(msgspec.Struct, kw_only=True):
    events: int
    receipts: int
    deliveries: int


class ErasureOut(msgspec.Struct, kw_only=True):
    """An erasure as recorded: which kinds of identifier it was given, never their values."""

    id: str
    tenant: str
    status: Literal["running", "completed", "failed"]
    requested_by: str
    identifiers: list[str]
    trigger_event_id: str | None
    counts: ErasureCounts
    created_at: str
    finished_at: str | None


class TenantSettingsUpdate(_Body):
    """Only the fields present change; ``null`` returns one to the default."""

    retention_days: Any = msgspec.UNSET
    erase_on: Any = msgspec.UNSET


class TenantSettingsOut(msgspec.Struct, kw_only=True):
    tenant: str
    retention_days: int | None  # null: UNIHOOK_RETENTION_DAYS
    effective_retention_days: int  # what applies; 0 keeps everything
    erase_on: list[str]
    updated_at: str | None


class AuditEntryOut(msgspec.Struct, kw_only=True):
    id: str
    at: str
    actor: str
    action: str
    target: str | None
    tenant: str | None
    remote_addr: str | None
