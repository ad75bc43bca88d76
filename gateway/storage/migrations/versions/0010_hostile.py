"""Hostile clients: candidate columns the console searches by index, and signed-out sessions.

Revision ID: 0010_hostile
Revises: 0009_consumers
Create Date: 2026-12-06

The console's candidate search and timelines used to decode the newest payloads (up to 10,000
of them) per request; they now read ``events.candidate_*`` and ``events.subject`` through their
indexes. Events stored before this revision carry no candidate columns and are not found by the
search (their timelines, by ``subject``, are unchanged). ``console_signouts`` remembers sessions
signed out until their cookies expire. ``subscriptions.replayed_at`` keeps replays one at a time
and spaced out. ``receipts.body_sha256`` deduplicates quarantined bodies per connection (rows
quarantined before this revision have none and are not matched).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_hostile"
down_revision: str | Sequence[str] | None = "0009_consumers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANDIDATE_COLUMNS = ("candidate_id", "candidate_name", "candidate_name_key", "candidate_email")


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name in CANDIDATE_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=200), nullable=True))
        batch.create_index("ix_events_candidate_name", ["candidate_name_key", "id"])
        batch.create_index("ix_events_candidate_email", ["candidate_email", "id"])
    with op.batch_alter_table("receipts") as batch:
        batch.add_column(sa.Column("body_sha256", sa.String(length=64), nullable=True))
        batch.create_index("ix_receipts_quarantined_body", ["connection_id", "body_sha256"])
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "console_signouts",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )


def downgrade() -> None:
    op.drop_table("console_signouts")
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("replayed_at")
    with op.batch_alter_table("receipts") as batch:
        batch.drop_index("ix_receipts_quarantined_body")
        batch.drop_column("body_sha256")
    with op.batch_alter_table("events") as batch:
        batch.drop_index("ix_events_candidate_email")
        batch.drop_index("ix_events_candidate_name")
        for name in reversed(CANDIDATE_COLUMNS):
            batch.drop_column(name)
