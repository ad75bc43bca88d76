"""Unverified receipts: a connection's requests whose signature did not verify.

Revision ID: 0008_unverified
Revises: 0007_ordered_index
Create Date: 2026-12-06

They live in ``receipts`` with outcome ``unverified`` (no new table: they are requests received,
like every other receipt, and retention and erasure already walk that table). Listing a
connection's, re-verifying them and trimming them to ``UNIHOOK_UNVERIFIED_PER_CONNECTION`` on
each insert all read one connection's newest receipts of one outcome: this index serves them.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_unverified"
down_revision: str | Sequence[str] | None = "0007_ordered_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_receipts_connection_outcome", "receipts", ["connection_id", "outcome", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_receipts_connection_outcome", table_name="receipts")
