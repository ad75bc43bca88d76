"""Subscriptions carry a payload filter and a delivery format; pull streams.

Revision ID: 0009_consumers
Revises: 0008_unverified
Create Date: 2026-12-06

``filter`` is the subscription's payload filter as compact JSON (null: no filter), compiled by
the fan-out once per process. ``format`` is ``standard`` or ``cloudevents`` (binary content
mode headers beside the same signed body). ``streams`` hold each pull consumer's acknowledged
cursor.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_consumers"
down_revision: str | Sequence[str] | None = "0008_unverified"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("filter", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column(
                "format", sa.String(length=20), server_default="standard", nullable=False
            )
        )


    op.create_table(
        "streams",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=40), nullable=False),
        sa.Column("scope_tenant", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("tenants", sa.JSON(), nullable=True),
        sa.Column("filter", sa.Text(), nullable=True),
        sa.Column("acked", sa.String(length=40), nullable=True),
        sa.Column("cursor_salt", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_streams_scope_tenant", "streams", ["scope_tenant"])


def downgrade() -> None:
    op.drop_index("ix_streams_scope_tenant", table_name="streams")
    op.drop_table("streams")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("format")
        batch.drop_column("filter")
