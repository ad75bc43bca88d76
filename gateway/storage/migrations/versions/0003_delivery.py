"""Delivery control: event subjects, per-subscription rate limits and ordering, dispatcher gauges.

Revision ID: 0003_delivery
Revises: 0002_vendor_state
Create Date: 2026-12-01

Existing events keep no subject (they were normalised before subjects existed); existing
subscriptions get ``ordering = 'none'`` and no rate limit.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_delivery"
down_revision: str | Sequence[str] | None = "0002_vendor_state"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=300), nullable=True))
        batch.create_index("ix_events_subject", ["subject", "id"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("rate_limit", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("ordering", sa.String(length=20), nullable=False, server_default="none")
        )
        batch.add_column(sa.Column("rate_next_at", sa.Float(), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("ordering_key", sa.String(length=341), nullable=True))
        batch.create_index(
            "ix_deliveries_ordering", ["ordering_key", "subscription_id", "status", "id"]
        )
    op.create_table(
        "dispatcher_gauges",
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("subscription_id", sa.String(length=40), nullable=False),
        sa.Column("in_flight", sa.Integer(), nullable=False),
        sa.Column("rate_limited", sa.Integer(), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "subscription_id"),
    )


def downgrade() -> None:
    op.drop_table("dispatcher_gauges")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_ordering")
        batch.drop_column("ordering_key")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("rate_next_at")
        batch.drop_column("ordering")
        batch.drop_column("rate_limit")
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_subject")
        batch.drop_column("subject")
