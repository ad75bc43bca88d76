"""An event held for completion costs its ingest one row in one B-tree more, not three.

``ix_completions_connection`` served only a vendor's ``Retry-After`` (pausing one connection's
pending completions, rare), which ``ix_completions_due``'s pending range serves as well; and on
SQLite the table is ``WITHOUT ROWID``, keyed by its event id alone (a rowid table keeps the key in
an index of its own beside the rows).

Revision ID: 0017_lighter_completions
Revises: 0016_erasure_lookup
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017_lighter_completions"
down_revision: str | Sequence[str] | None = "0016_erasure_lookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_completions_connection", table_name="completions")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "completions", recreate="always", table_kwargs={"sqlite_with_rowid": False}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("completions", recreate="always"):
            pass
    op.create_index("ix_completions_connection", "completions", ["connection_id", "status"])
