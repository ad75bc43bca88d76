"""Subscriptions carry a payload filter and a delivery format.

Revision ID: 0008_consumers
Revises: 0007_ordered_index
Create Date: 2026-12-06

``filter`` is the subscription's payload filter as compact JSON (null: no filter), compiled by
the fan-out once per process. ``format`` is ``standard`` or ``cloudevents`` (binary content
mode headers beside the same signed body).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_consumers"
down_revision: str | Sequence[str] | None = "0007_ordered_index"
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


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("format")
        batch.drop_column("filter")
