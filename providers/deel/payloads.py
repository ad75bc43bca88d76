"""Deel's webhook body: ``{data: {meta, resource}, timestamp}``.

``meta`` names the event (``event_type``), the organisation, and a ``tracking_id``; newer
deliveries add ``event_id``, ``occurred_at`` and ``is_simulation``. ``resource`` is the changed
record: an object in Deel's event payload examples, an array of records in its get-started guide
("the resource array can contain multiple items"). Each family's record is read into its own
Struct below, every field optional and unknown fields ignored, since Deel publishes each type's
example payload through its API rather than a schema.
"""

from __future__ import annotations

from typing import Any

import msgspec


class DeelMeta(msgspec.Struct, kw_only=True, omit_defaults=True):
    event_type: str
    event_type_id: str | None = None
    organization_id: str | None = None
    organization_name: str | None = None
    tracking_id: str | None = None
    user_id: str | None = None
    event_id: str | None = None
    occurred_at: str | None = None
    is_simulation: bool | None = None


class DeelData(msgspec.Struct, kw_only=True, omit_defaults=True):
    meta: DeelMeta
    resource: dict[str, Any] | list[dict[str, Any]] | None = None


class DeelWebhook(msgspec.Struct, kw_only=True, omit_defaults=True):
    data: DeelData
    timestamp: str | None = None

    @property
    def resources(self) -> list[dict[str, Any]]:
        """The records the event names, one or several, as a list either way."""
        resource = self.data.resource
        if resource is None:
            return []
        return resource if isinstance(resource, list) else [resource]


class DeelWorkerRef(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The worker a contract belongs to, as a contract names them."""

    id: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class DeelContract(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A Deel contract (an EOR, direct-employee or contractor engagement)."""

    id: str | None = None
    status: str | None = None
    type: str | None = None
    title: str | None = None
    job_title: str | None = None
    start_date: str | None = None
    termination_date: str | None = None
    end_date: str | None = None
    worker_id: str | None = None
    worker: DeelWorkerRef | None = None


class DeelWorker(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A person at Deel (``employee.*``, ``worker.v2.*``)."""

    id: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    work_email: str | None = None
    personal_email: str | None = None
    job_title: str | None = None
    department: str | None = None
    hiring_type: str | None = None
    hiring_status: str | None = None
    start_date: str | None = None
    termination_date: str | None = None
    employee_number: str | None = None


class DeelTimeOff(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A time-off request; Deel files it under the contract (``contract_id``)."""

    id: str | None = None
    contract_id: str | None = None
    worker_id: str | None = None
    status: str | None = None
    type: str | None = None
    time_off_type: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    amount: float | None = None
    unit: str | None = None


class DeelPayslip(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str | None = None
    contract_id: str | None = None
    worker_id: str | None = None
    from_date: str | None = msgspec.field(default=None, name="from")
    to_date: str | None = msgspec.field(default=None, name="to")


class DeelTaxDocument(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str | None = None
    contract_id: str | None = None
    worker_id: str | None = None
    type: str | None = None
    name: str | None = None
    year: int | None = None


class DeelBackgroundCheck(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A background check's result (``bgcheck.result.available``)."""

    id: str | None = None
    contract_id: str | None = None
    name: str | None = None
    status: str | None = None
    result: str | None = None
    is_complete: bool | None = None
    created_at: str | None = None
    completed_at: str | None = None


class DeelApplication(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A candidate's application in Deel ATS."""

    id: str | None = None
    candidate_id: str | None = None
    job_id: str | None = None
    stage: str | None = None
    previous_stage: str | None = None
