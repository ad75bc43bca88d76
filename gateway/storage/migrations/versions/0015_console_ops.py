"""Attempt inspection: the headers each attempt sent and the headers its answer carried; an
index to find an event by the vendor's event id.

Revision ID: 0015_console_ops
Revises: 0014_scale
Create Date: 2026-12-06

Both are JSON lists of ``[name, value]`` pairs, null for attempts made before this revision
(and for attempts that sent nothing). The request body is not stored per attempt: it is the
event's stored body, as the subscription receives it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_console_ops"
down_revision: str | Sequence[str] | None = "0014_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("request_headers", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("response_headers", sa.JSON(), nullable=True))
    op.create_index("ix_events_source_event_id", "events", ["source_event_id"])


def downgrade() -> None:
    op.drop_index("ix_events_source_event_id", table_name="events")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("response_headers")
        batch.drop_column("request_headers")
