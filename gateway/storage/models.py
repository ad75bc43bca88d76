"""The tables. Times are UTC; ids are prefixed ULIDs (so ordering by id is ordering by time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every driver (SQLite stores them naive, PostgreSQL as timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            # SQLite's DATETIME text, as SQLAlchemy writes it ("YYYY-MM-DD HH:MM:SS.ffffff"),
            # without its per-field %-formatting: this runs for every time on the ingest path.
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

        return process

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


ID = String(40)
SUBJECT_LENGTH = 300
SOURCE_EVENT_ID_LENGTH = 200  # longer vendor event ids are stored hashed (``ingest.pipeline``)
CANDIDATE_FIELD_LENGTH = 200


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant: Mapped[str | None] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class Connection(Base):
    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("provider", "tenant", name="uq_connections_provider_tenant"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    provider: Mapped[str] = mapped_column(String(100))
    tenant: Mapped[str] = mapped_column(String(200), index=True)
    verify: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    # Provisioned at the vendor: the provisioner's state and credentials, one encrypted JSON
    # document ``{"state": {...}, "credentials": {...} | null}``; null when made by hand.
    vendor_state_enc: Mapped[str | None] = mapped_column(Text)
    # Completing thin events: whether to fetch the records they name, and the vendor API
    # credentials to do it with (the completer's credentials Struct as encrypted JSON; null when
    # a provisioned connection's kept credentials serve, or completion is off).
    complete: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    credentials_enc: Mapped[str | None] = mapped_column(Text)


class ConnectionSecret(Base):
    __tablename__ = "connection_secrets"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    connection_id: Mapped[str] = mapped_column(
        ID, ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    secret_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


class Receipt(Base):
    """Every verified request, byte for byte, and what became of it; and the requests to a
    connection that did not verify (outcome ``unverified``: ``body`` then holds the request's
    headers and body encrypted, ``error`` why it failed)."""

    __tablename__ = "receipts"
    __table_args__ = (
        Index("ix_receipts_outcome", "outcome", "id"),
        # a connection's unverified receipts, newest first: listed, re-verified, and trimmed
        # to UNIHOOK_UNVERIFIED_PER_CONNECTION on every insert
        Index("ix_receipts_connection_outcome", "connection_id", "outcome", "id"),
        Index("ix_receipts_quarantined_body", "connection_id", "body_sha256"),
        Index("ix_receipts_event_id", "event_id"),  # an erasure's receipts, duplicates included
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    connection_id: Mapped[str] = mapped_column(ID, index=True)
    provider: Mapped[str] = mapped_column(String(100))
    tenant: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime]
    headers: Mapped[dict[str, Any]]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    outcome: Mapped[str] = mapped_column(String(20))  # accepted|duplicate|quarantined|unverified
    error: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(ID)
    # A quarantined body's SHA-256 (hex): the same body again is the same receipt, as the same
    # vendor event id is the same event. None for bodies that normalised.
    body_sha256: Mapped[str | None] = mapped_column(String(64))


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("connection_id", "source_event_id", name="uq_events_dedup"),
        Index("ix_events_tenant_id", "tenant", "id"),
        Index("ix_events_tenant_type_id", "tenant", "type", "id"),  # a tenant key's type filter
        Index("ix_events_type_id", "type", "id"),
        Index("ix_events_received_at", "received_at"),
        Index("ix_events_subject", "subject", "id"),
        Index("ix_events_source_event_id", "source_event_id"),  # found by the vendor's id
        Index("ix_events_connection_id", "connection_id", "id"),  # a connection's newest event
        Index("ix_events_provider_id", "provider", "id"),
        Index("ix_events_candidate_name", "candidate_name_key", "id"),  # the console's search
        Index("ix_events_candidate_email", "candidate_email", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(100))
    connection_id: Mapped[str] = mapped_column(ID)
    type: Mapped[str] = mapped_column(String(100))
    source_event_id: Mapped[str] = mapped_column(String(SOURCE_EVENT_ID_LENGTH))
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    receipt_id: Mapped[str] = mapped_column(ID)
    subject: Mapped[str | None] = mapped_column(String(SUBJECT_LENGTH))  # "<resource>/<vendor id>"
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # the canonical event JSON, without raw
    trace_parent: Mapped[str | None] = mapped_column(String(55))  # its ingest span, if traced
    # The candidate the event is about, as its data says, so the console finds candidates by
    # index instead of decoding payloads: the name as sent, and casefolded for prefix search;
    # the email casefolded (it is matched and shown that way).
    candidate_id: Mapped[str | None] = mapped_column(String(CANDIDATE_FIELD_LENGTH))
    candidate_name: Mapped[str | None] = mapped_column(String(CANDIDATE_FIELD_LENGTH))
    candidate_name_key: Mapped[str | None] = mapped_column(String(CANDIDATE_FIELD_LENGTH))
    candidate_email: Mapped[str | None] = mapped_column(String(CANDIDATE_FIELD_LENGTH))
    erased_at: Mapped[datetime | None]  # set when an erasure reduced it to a tombstone


class Completion(Base):
    """An event held for completion: its deliveries wait (``next_attempt_at`` in the future)
    until a worker has fetched the records it names, or given up at ``deadline_at``."""

    __tablename__ = "completions"
    __table_args__ = (
        Index("ix_completions_due", "status", "next_attempt_at"),
        # one B-tree for rows and key on SQLite: a held event's ingest writes as little as it can
        {"sqlite_with_rowid": False},
    )

    event_id: Mapped[str] = mapped_column(
        ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    connection_id: Mapped[str] = mapped_column(ID)
    provider: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # pending | completed | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    deadline_at: Mapped[datetime]  # UNIHOOK_COMPLETE_TIMEOUT after the receipt
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)  # the last failure, as the vendor said it
    error_kind: Mapped[str | None] = mapped_column(String(40))
    fetched: Mapped[list[str] | None] = mapped_column(JSON)  # what was fetched ("application/..")
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class EventPerson(Base):
    """Who an event is about, as keyed hashes (``gateway.core.people``): erasure's index."""

    __tablename__ = "event_people"
    __table_args__ = (Index("ix_event_people_lookup", "tenant", "kind", "value_hash"),)

    event_id: Mapped[str] = mapped_column(
        ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(200))


class Erasure(Base):
    """One erasure request and what it removed: which kinds of identifier it was given and the
    counts, never the identifiers themselves."""

    __tablename__ = "erasures"
    __table_args__ = (
        Index("ix_erasures_tenant_id", "tenant", "id"),
        Index("ix_erasures_trigger", "trigger_event_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant: Mapped[str] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(40))  # api key id, "admin" or "erase_on"
    kinds: Mapped[list[str]]  # the kinds of identifier given: subject, email, ...
    trigger_event_id: Mapped[str | None] = mapped_column(ID)  # the event that asked (erase_on)
    status: Mapped[str] = mapped_column(String(20))  # running | completed | failed
    events: Mapped[int] = mapped_column(Integer, default=0)
    receipts: Mapped[int] = mapped_column(Integer, default=0)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), index=True)  # api key id, or "admin"
    scope_tenant: Mapped[str | None] = mapped_column(String(200))  # a tenant key's tenant
    # What may be shown of the destination: the URL (a broker's with its password as ``***``).
    url: Mapped[str] = mapped_column(Text)
    # None: "http" (``url`` is the whole destination); else a message broker's type, whose
    # settings (credentials included) are JSON encrypted in ``destination_enc``.
    destination_type: Mapped[str | None] = mapped_column(String(20))
    destination_enc: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    events: Mapped[list[str]]
    tenants: Mapped[list[str] | None] = mapped_column(JSON)
    providers: Mapped[list[str] | None] = mapped_column(JSON)
    include_raw: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_limit: Mapped[int | None] = mapped_column(Integer)  # deliveries a second, None: no limit
    ordering: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    # The payload filter as compact JSON (``schemas.filters``), None: every selected event.
    filter: Mapped[str | None] = mapped_column(Text)
    # "standard" (the canonical event) or "cloudevents" (the same body, CloudEvents headers too)
    format: Mapped[str] = mapped_column(String(20), default="standard", server_default="standard")
    redact: Mapped[list[str] | None] = mapped_column(JSON)  # dotted paths left out of deliveries
    # The rate limit's next free send slot, as unix seconds; workers take slots from it atomically.
    rate_next_at: Mapped[float | None] = mapped_column(Float)
    # When its last replay queued deliveries: replays are one at a time and spaced out.
    replayed_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="active")
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    successful_deliveries: Mapped[int] = mapped_column(Integer, default=0)
    failed_deliveries: Mapped[int] = mapped_column(Integer, default=0)
    last_delivery_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Stream(Base):
    """A pull consumer's server-side cursor over the events it selects."""

    __tablename__ = "streams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    owner: Mapped[str] = mapped_column(String(40))  # api key id, or "admin"
    scope_tenant: Mapped[str | None] = mapped_column(String(200), index=True)  # a tenant key's
    name: Mapped[str] = mapped_column(String(200))
    events: Mapped[list[str]]
    tenants: Mapped[list[str] | None] = mapped_column(JSON)
    filter: Mapped[str | None] = mapped_column(Text)  # compact JSON, as a subscription's
    acked: Mapped[str | None] = mapped_column(ID)  # the last acknowledged event id
    # Tags the cursors this stream issues, so an ack proves its cursor came from a read of it.
    cursor_salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SubscriptionOwner(Base):
    """One row per key that owns subscriptions, locked while a creation counts its quota: the
    count and the insert then happen one creation at a time per owner, on every driver."""

    __tablename__ = "subscription_owners"

    owner: Mapped[str] = mapped_column(String(40), primary_key=True)


class SubscriptionSecret(Base):
    __tablename__ = "subscription_secrets"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    subscription_id: Mapped[str] = mapped_column(
        ID, ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    secret_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]


CLAIMABLE = "status = 'pending' AND lease_expires_at IS NULL"
LEASED = "status = 'pending' AND lease_expires_at IS NOT NULL"


class Delivery(Base):
    """One event for one subscription: the unit the dispatcher claims, sends and retries."""

    __tablename__ = "deliveries"
    __table_args__ = (
        # The claim's two ranges (``gateway.delivery.queue.claim_queries``): unleased pending
        # deliveries by due time, leased ones by lease end. A delivery is in at most one, and in
        # neither once finished, so a claim never reads past held or finished rows, and finished
        # deliveries (most of the table, for good) cost these indexes nothing.
        Index(
            "ix_deliveries_claimable",
            "next_attempt_at",
            sqlite_where=text(CLAIMABLE),
            postgresql_where=text(CLAIMABLE),
        ),
        Index(
            "ix_deliveries_leased",
            "lease_expires_at",
            sqlite_where=text(LEASED),
            postgresql_where=text(LEASED),
        ),
        Index("ix_deliveries_subscription", "subscription_id", "status", "id"),
        # only ordered deliveries: every query on it has "ordering_key = ..." or "IS NOT NULL"
        Index(
            "ix_deliveries_ordering",
            "ordering_key",
            "subscription_id",
            "status",
            "id",
            sqlite_where=text("ordering_key IS NOT NULL"),
            postgresql_where=text("ordering_key IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(
        ID, ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[str] = mapped_column(
        ID, ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|succeeded|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    # "<connection id> <subject>" for subscriptions with ordering "resource": sent one at a time.
    ordering_key: Mapped[str | None] = mapped_column(String(SUBJECT_LENGTH + 41))
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        # the overview's attempts per hour: an id range read from the index alone
        Index("ix_attempts_id_status", "id", "status_code", "delivery_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(
        ID, ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    response_snippet: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    # [[name, value], ...] as sent and as answered (capped); the request body is the event's
    request_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSON)


class ConsoleSignout(Base):
    """A console session signed out before its cookie expires: refused until ``expires_at``."""

    __tablename__ = "console_signouts"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime]


class DispatcherGauge(Base):
    """What one dispatcher holds for one subscription, reported every few seconds (visibility)."""

    __tablename__ = "dispatcher_gauges"

    owner: Mapped[str] = mapped_column(String(80), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(ID, primary_key=True)
    in_flight: Mapped[int] = mapped_column(Integer)
    rate_limited: Mapped[int] = mapped_column(Integer)
    concurrency: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime]


class TenantSettings(Base):
    """A tenant's own privacy settings; a tenant without a row takes the defaults."""

    __tablename__ = "tenant_settings"

    tenant: Mapped[str] = mapped_column(String(200), primary_key=True)
    retention_days: Mapped[int | None] = mapped_column(Integer)  # None: UNIHOOK_RETENTION_DAYS
    erase_on: Mapped[list[str] | None] = mapped_column(JSON)  # event types that trigger erasure
    updated_at: Mapped[datetime]


class AuditEntry(Base):
    """One management action: who (a key id, ``admin``, ``erase_on``), what, on which thing,
    for which tenant, when and from where. Never a secret or a person's data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_tenant_id", "tenant", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # time-ordered: the cursor
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(200))
    tenant: Mapped[str | None] = mapped_column(String(200))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
