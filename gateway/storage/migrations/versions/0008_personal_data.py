"""Personal data: field redaction per subscription.

Revision ID: 0008_personal_data
Revises: 0007_ordered_index
Create Date: 2026-12-06

``subscriptions.redact`` holds the dotted paths a subscription's deliveries leave out (null:
none).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_personal_data"
down_revision: str | Sequence[str] | None = "0007_ordered_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("redact", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("redact")
