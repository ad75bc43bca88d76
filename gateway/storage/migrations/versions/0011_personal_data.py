"""Personal data: redaction per subscription, the people index, erasures, tenant settings and
the audit log.

Revision ID: 0011_personal_data
Revises: 0010_hostile
Create Date: 2026-12-06

``subscriptions.redact`` holds the dotted paths a subscription's deliveries leave out (null:
none). ``event_people`` indexes who each event names, as keyed hashes, so an erasure finds a
person's events without reading every event; events written before it are not indexed (an
erasure finds them by ``subject`` only). ``events.erased_at`` marks tombstones; ``erasures``
records each erasure without the identifiers it was given. ``tenant_settings`` holds a
tenant's own retention and ``erase_on``; ``audit_log`` every management action.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_personal_data"
down_revision: str | Sequence[str] | None = "0010_hostile"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.String(length=40)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("redact", sa.JSON(), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("erased_at", WHEN, nullable=True))
    op.create_table(
        "event_people",
        sa.Column("event_id", ID, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("tenant", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "kind", "value_hash"),
    )
    op.create_index("ix_event_people_lookup", "event_people", ["tenant", "kind", "value_hash"])
    op.create_table(
        "erasures",
        sa.Column("id", ID, primary_key=True),
        sa.Column("tenant", sa.String(length=200), nullable=False),
        sa.Column("requested_by", sa.String(length=40), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("trigger_event_id", ID, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("receipts", sa.Integer(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
    )
    op.create_index("ix_erasures_tenant_id", "erasures", ["tenant", "id"])
    op.create_index("ix_erasures_trigger", "erasures", ["trigger_event_id"])
    op.create_table(
        "tenant_settings",
        sa.Column("tenant", sa.String(length=200), primary_key=True),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("erase_on", sa.JSON(), nullable=True),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", ID, primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("tenant", sa.String(length=200), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_audit_log_tenant_id", "audit_log", ["tenant", "id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("tenant_settings")
    op.drop_table("erasures")
    op.drop_table("event_people")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("redact")
