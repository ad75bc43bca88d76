"""The console: indexes for each connection's newest event and for attempts per hour.

Revision ID: 0005_console
Revises: 0004_hardening
Create Date: 2026-12-01

The connections page shows every connection's last event: ``max(id)`` per connection, one
index seek each with ``(connection_id, id)``; without it SQLite reads every event of the
connection (450 ms for six connections over 100,000 events). The overview counts attempts
and their 2xx share per hour by id range: ``(id, status_code, delivery_id)`` answers that from
the index (20 ms instead of 80 ms a day of 50,000 attempts).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_console"
down_revision: str | Sequence[str] | None = "0004_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_events_connection_id", "events", ["connection_id", "id"])
    op.create_index(
        "ix_attempts_id_status", "attempts", ["id", "status_code", "delivery_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_attempts_id_status", table_name="attempts")
    op.drop_index("ix_events_connection_id", table_name="events")
