"""Indexes whose reads stay bounded by the page or batch asked for, whatever the table size.

Revision ID: 0014_scale
Revises: 0013_destinations
Create Date: 2026-12-06

``ix_deliveries_claimable`` (due time of unleased pending deliveries) and
``ix_deliveries_leased`` (lease end of leased pending ones) are the claim's two ranges. They
replace ``ix_deliveries_due`` (status, next_attempt_at): its pending range kept every delivery a
worker holds at its head, so each claim from a deep backlog read past thousands of held rows
first, and it held every finished delivery for good (a write into it at every fan-out, on a
B-tree that only grew); no other query reads it. ``ix_events_provider_id``
and ``ix_events_tenant_type_id`` serve the events list filtered by provider, and by type for a
tenant (every list by a tenant key names its tenant), newest first, as the other filters'
indexes do.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_scale"
down_revision: str | Sequence[str] | None = "0013_destinations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIMABLE = sa.text("status = 'pending' AND lease_expires_at IS NULL")
LEASED = sa.text("status = 'pending' AND lease_expires_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.create_index(
        "ix_deliveries_claimable",
        "deliveries",
        ["next_attempt_at"],
        sqlite_where=CLAIMABLE,
        postgresql_where=CLAIMABLE,
    )
    op.create_index(
        "ix_deliveries_leased",
        "deliveries",
        ["lease_expires_at"],
        sqlite_where=LEASED,
        postgresql_where=LEASED,
    )
    op.create_index("ix_events_provider_id", "events", ["provider", "id"])
    op.create_index("ix_events_tenant_type_id", "events", ["tenant", "type", "id"])


def downgrade() -> None:
    op.drop_index("ix_events_tenant_type_id", table_name="events")
    op.drop_index("ix_events_provider_id", table_name="events")
    op.drop_index("ix_deliveries_leased", table_name="deliveries")
    op.drop_index("ix_deliveries_claimable", table_name="deliveries")
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
