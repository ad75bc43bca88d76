"""Deliveries of unordered subscriptions leave the ordering index.

Revision ID: 0007_ordered_index
Revises: 0005_console
Create Date: 2026-12-02

``ix_deliveries_ordering`` serves the claim query's "is this the head of its subject?" test and
the ordering-held count, both only for deliveries with an ``ordering_key``. Most deliveries have
none (their subscription is unordered), yet each was written into the index at fan-out: one of
the five B-trees every queued delivery touched. As a partial index (``ordering_key IS NOT
NULL``, which every query on it implies) those rows are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_ordered_index"
down_revision: str | Sequence[str] | None = "0005_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["ordering_key", "subscription_id", "status", "id"]


def upgrade() -> None:
    op.drop_index("ix_deliveries_ordering", table_name="deliveries")
    ordered = sa.text("ordering_key IS NOT NULL")
    op.create_index(
        "ix_deliveries_ordering",
        "deliveries",
        COLUMNS,
        sqlite_where=ordered,
        postgresql_where=ordered,
    )


def downgrade() -> None:
    op.drop_index("ix_deliveries_ordering", table_name="deliveries")
    op.create_index("ix_deliveries_ordering", "deliveries", COLUMNS)
