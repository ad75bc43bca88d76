"""Erasure finds the receipts of an event by its id: the first request and every duplicate of it
carry the person's data, and the erasure's batch must not read the whole receipts table while it
holds the write lock.

Revision ID: 0016_erasure_lookup
Revises: 0015_console_ops
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016_erasure_lookup"
down_revision: str | Sequence[str] | None = "0015_console_ops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_receipts_event_id", "receipts", ["event_id"])


def downgrade() -> None:
    op.drop_index("ix_receipts_event_id", table_name="receipts")
