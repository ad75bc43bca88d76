"""HatchBeacon's payload shapes, as msgspec Structs: what the adapter decodes before mapping."""

from __future__ import annotations

from typing import Any

import msgspec


class _In(msgspec.Struct):
    """Vendor input: unknown fields ignored, every field optional."""


class HLog(_In):
    action: str | None = None
    resource_type: str | None = msgspec.field(default=None, name="resourceType")
    resource_id: str | None = msgspec.field(default=None, name="resourceId")
    user_id: str | None = msgspec.field(default=None, name="userId")
    user_name: str | None = msgspec.field(default=None, name="userName")
    user_email: str | None = msgspec.field(default=None, name="userEmail")
    timestamp: str | int | float | None = None


class HDetails(_In):
    method: str | None = None
    path: str | None = None
    candidate_name: str | None = msgspec.field(default=None, name="candidateName")
    job_title: str | None = msgspec.field(default=None, name="jobTitle")
    # Guessed keys, typed Any: only non-empty strings are used.
    candidate_id: Any = msgspec.field(default=None, name="candidateId")
    candidate_email: Any = msgspec.field(default=None, name="candidateEmail")
    job_id: Any = msgspec.field(default=None, name="jobId")
    title: Any = None
    status: Any = None
    new_status: Any = msgspec.field(default=None, name="newStatus")
    to_status: Any = msgspec.field(default=None, name="toStatus")
    job_status: Any = msgspec.field(default=None, name="jobStatus")
    previous_status: Any = msgspec.field(default=None, name="previousStatus")
    old_status: Any = msgspec.field(default=None, name="oldStatus")
    from_status: Any = msgspec.field(default=None, name="fromStatus")
    name: Any = None
    email: Any = None
    note: Any = None
    content: Any = None
    body: Any = None


class HAudit(_In, kw_only=True):
    """``data`` of every event except ``webhook.test``."""

    log: HLog
    details: HDetails | None = None


class HTest(_In):
    """``data`` of ``webhook.test``."""

    message: str | None = None
    webhook_id: str | None = msgspec.field(default=None, name="webhookId")
    webhook_name: str | None = msgspec.field(default=None, name="webhookName")


class HEnvelope(_In, kw_only=True):
    event: str
    timestamp: str | int | float | None = None
    data: msgspec.Raw = msgspec.Raw(b"null")


class LogTimeInner(_In):
    timestamp: Any = None


class LogTime(_In):
    """Just enough of ``data`` to find ``data.log.timestamp`` when the top level has none."""

    log: LogTimeInner | None = None


# ---- mapping --------------------------------------------------------------------------------
