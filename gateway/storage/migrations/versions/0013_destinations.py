"""Destinations other than HTTP: a subscription's destination type and its encrypted settings.

Revision ID: 0013_destinations
Revises: 0012_completion
Create Date: 2026-12-06

``subscriptions.destination_type`` names the destination (null: ``http``, every subscription
made before it); ``subscriptions.destination_enc`` holds a message broker's settings, its
credentials included, encrypted like a secret (null for ``http``). ``url`` keeps what may be
shown: the broker's URL with its password replaced by ``***``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_destinations"
down_revision: str | Sequence[str] | None = "0012_completion"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("destination_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("destination_enc", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("destination_enc")
        batch.drop_column("destination_type")
