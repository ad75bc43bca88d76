"""Bindbee's payload shapes, as msgspec Structs: what the adapter decodes before mapping."""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class BbHook(_In, kw_only=True):
    webhook_id: str | None = None
    url: str | None = None
    event: str


class BbHead(_In):
    """Just the envelope key that names the event; read before anything else."""

    webhook: BbHook | None = None
    hook: BbHook | None = None


class BbConnector(_In):
    id: str | None = None
    display_name: str | None = None
    categories: list[str] | None = None
    org_name: str | None = None
    connector_status: str | None = None
    end_user_name: str | None = None
    end_user_email: str | None = None


class BbData(_In):
    id: str | None = None
    integration_name: str | None = None
    initial_sync: bool | None = None
    category: str | None = None
    display_status: str | None = None
    last_sync_start_time: str | int | float | None = None
    # Guessed keys, typed Any: only values of the expected shape are used.
    last_sync_end_time: Any = None
    modified_at: Any = None
    updated_at: Any = None
    employee_ids: Any = None
    record_ids: Any = None
    ids: Any = None
    employees: Any = None
    records: Any = None


class BbError(_In):
    failed_at: str | int | float | None = None
    message: str | None = None
    detail: Any = None


class BbPayload(_In):
    connector: BbConnector | None = None
    data: BbData | list[Any] | None = None
    error: BbError | None = None


# ---- mapping --------------------------------------------------------------------------------
