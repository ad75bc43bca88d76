"""Completing thin events: a connection's ``complete`` flag and vendor API credentials, and the
``completions`` an event is held by until its records are fetched.

Revision ID: 0012_completion
Revises: 0011_personal_data
Create Date: 2026-12-06

``connections.complete`` (default false: existing connections are unchanged) and
``connections.credentials_enc`` (the completer's credentials, encrypted like secrets).
``completions`` holds one row per event waiting for (or done with) completion; workers claim
due rows with a lease, as they claim deliveries.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_completion"
down_revision: str | Sequence[str] | None = "0011_personal_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ID = sa.String(length=40)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(
            sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("credentials_enc", sa.Text(), nullable=True))
    op.create_table(
        "completions",
        sa.Column(
            "event_id", ID, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN, nullable=False),
        sa.Column("deadline_at", WHEN, nullable=False),
        sa.Column("lease_owner", sa.String(length=80), nullable=True),
        sa.Column("lease_expires_at", WHEN, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_kind", sa.String(length=40), nullable=True),
        sa.Column("fetched", sa.JSON(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
    )
    op.create_index("ix_completions_due", "completions", ["status", "next_attempt_at"])
    op.create_index("ix_completions_connection", "completions", ["connection_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_completions_connection", table_name="completions")
    op.drop_index("ix_completions_due", table_name="completions")
    op.drop_table("completions")
    with op.batch_alter_table("connections") as batch:
        batch.drop_column("credentials_enc")
        batch.drop_column("complete")
