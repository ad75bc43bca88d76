"""Kombo's webhook payload shapes, as msgspec Structs: ``{id, type, data}`` with ``data`` per
type, as Kombo's API reference and its generated SDKs (from its OpenAPI) describe them."""

from __future__ import annotations

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class KomboHead(_In, kw_only=True):
    """The envelope: every Kombo webhook has all three keys."""

    id: str
    type: str


class KomboEndUser(_In):
    organization_name: str | None = None
    creator_email: str | None = None
    origin_id: str | None = None


class KomboChangedModel(_In):
    name: str | None = None


class KomboData(_In):
    """The union of the ``data`` fields of every documented type (each uses a subset)."""

    # integration-created / integration-deleted name the integration ``id``, ``tool``, ``category``
    id: str | None = None
    tool: str | None = None
    category: str | None = None
    deleted_at: str | None = None
    # the other types name it ``integration_*``
    integration_id: str | None = None
    integration_tool: str | None = None
    integration_category: str | None = None
    end_user: KomboEndUser | None = None
    log_url: str | None = None
    # data-changed
    changed_models: list[KomboChangedModel] | None = None
    # sync-finished
    sync_id: str | None = None
    sync_state: str | None = None
    sync_started_at: str | None = None
    sync_ended_at: str | None = None
    # integration-state-changed
    state: str | None = None
    qa_status: str | None = None
    setup_status: str | None = None
    updated_at: str | None = None


class KomboPayload(_In):
    data: KomboData | None = None
