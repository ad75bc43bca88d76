"""Each event keeps the W3C traceparent of the ingest span that stored it, for tracing.

Revision ID: 0006_trace
Revises: 0003_delivery
Create Date: 2026-12-01

Null when tracing was off. Delivery attempts link their spans to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_trace"
down_revision: str | Sequence[str] | None = "0003_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("trace_parent", sa.String(length=55), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("trace_parent")
