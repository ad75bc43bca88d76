"""Vendor state as one encrypted JSON column, replacing the Breezy-shaped vendor columns.

Revision ID: 0002_vendor_state
Revises: 0001
Create Date: 2026-12-01

A connection provisioned before this revision keeps working: its endpoint id, company id and
tokens move into ``vendor_state_enc`` as ``{"state": {"company_id", "endpoint_id"},
"credentials": {"api_token", "partner_api_key"?} | null}``, encrypted with the same secret key.
The key reaches the revision through ``config.attributes["secret_box"]``; a database with such
connections cannot be upgraded without it (the upgrade stops and says so).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0002_vendor_state"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY = ("vendor_account_id", "vendor_endpoint_id", "vendor_token_enc", "vendor_partner_key_enc")


def _box() -> Any:
    box = context.config.attributes.get("secret_box")
    if box is None:
        raise RuntimeError(
            "this upgrade re-encrypts provisioned connections' vendor state and needs the secret "
            "key: run it through `unihook migrate` (or any unihook process) with the key set"
        )
    return box


def upgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("vendor_state_enc", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, vendor_account_id, vendor_endpoint_id, vendor_token_enc, "
            "vendor_partner_key_enc FROM connections WHERE vendor_endpoint_id IS NOT NULL"
        )
    ).all()
    if rows:
        box = _box()
        for row in rows:
            credentials: dict[str, str] | None = None
            if row.vendor_token_enc is not None:
                credentials = {"api_token": box.decrypt(row.vendor_token_enc)}
                if row.vendor_partner_key_enc is not None:
                    credentials["partner_api_key"] = box.decrypt(row.vendor_partner_key_enc)
            document = {
                "state": {
                    "company_id": row.vendor_account_id,
                    "endpoint_id": row.vendor_endpoint_id,
                },
                "credentials": credentials,
            }
            bind.execute(
                sa.text("UPDATE connections SET vendor_state_enc = :enc WHERE id = :id"),
                {"enc": box.encrypt(json.dumps(document)), "id": row.id},
            )
    with op.batch_alter_table("connections") as batch:
        for column in LEGACY:
            batch.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table("connections") as batch:
        batch.add_column(sa.Column("vendor_account_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("vendor_endpoint_id", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("vendor_token_enc", sa.Text(), nullable=True))
        batch.add_column(sa.Column("vendor_partner_key_enc", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, vendor_state_enc FROM connections WHERE vendor_state_enc IS NOT NULL")
    ).all()
    if rows:
        box = _box()
        for row in rows:
            document = json.loads(box.decrypt(row.vendor_state_enc))
            state, credentials = document.get("state") or {}, document.get("credentials") or {}
            token, partner = credentials.get("api_token"), credentials.get("partner_api_key")
            bind.execute(
                sa.text(
                    "UPDATE connections SET vendor_account_id = :account, vendor_endpoint_id = "
                    ":endpoint, vendor_token_enc = :token, vendor_partner_key_enc = :partner "
                    "WHERE id = :id"
                ),
                {
                    "account": state.get("company_id"),
                    "endpoint": state.get("endpoint_id"),
                    "token": box.encrypt(token) if token else None,
                    "partner": box.encrypt(partner) if partner else None,
                    "id": row.id,
                },
            )
    with op.batch_alter_table("connections") as batch:
        batch.drop_column("vendor_state_enc")
