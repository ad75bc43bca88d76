"""One Gusto webhook body per ``event_type``, in the shape of Gusto's webhook guides.

``employee.created``, ``payroll.updated`` and ``company.provisioned`` are the guides' own example
payloads (Embedded Payroll: with ``uuid``); the others follow the same shape with the entity the
event family names, as each family's page shows (``entity_type`` as printed there).
"""

from __future__ import annotations

import uuid
from typing import Any

_COMPANY = "5df911a0-e8e9-412d-8aaf-a46ad193dd96"
_EMPLOYEE = "bcfc9744-0ab3-4ef3-ab0d-e728255d659c"
_CONTRACTOR = "7e1c3b5a-9d24-4f60-8a1b-3c5d7e9f0a12"
_PAYROLL = "c02f2c32-34f7-4128-9145-7d49f0c3f355"


def _event(
    uuid: str, event_type: str, entity_type: str, entity_uuid: str, timestamp: int
) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "event_type": event_type,
        "resource_type": "Company",
        "resource_uuid": _COMPANY,
        "entity_type": entity_type,
        "entity_uuid": entity_uuid,
        "timestamp": timestamp,
    }


_FAMILIES: list[tuple[str, str, str, list[str]]] = [
    (
        "employee",
        "Employee",
        _EMPLOYEE,
        [
            "created",
            "updated",
            "onboarded",
            "marked_for_self_onboarding",
            "self_onboarding_completed",
            "terminated",
            "terminated_effective",
            "termination_effective",
            "termination_cancelled",
            "rehired",
            "rehire_effective",
            "rehire_cancelled",
            "deleted",
            "invited_to_partner_portal",
            "payment_method_type_updated",
            "payment_method.deleted",
        ],
    ),
    (
        "contractor",
        "Contractor",
        _CONTRACTOR,
        [
            "created",
            "updated",
            "onboarded",
            "marked_for_self_onboarding",
            "self_onboarding_completed",
            "deactivated",
            "reactivated",
            "deleted",
            "payment_method_type_updated",
            "payment_method.deleted",
        ],
    ),
    (
        "payroll",
        "Payroll",
        _PAYROLL,
        [
            "created",
            "updated",
            "calculated",
            "submitted",
            "processed",
            "processing_failed",
            "paid",
            "reversed",
            "partially_reversed",
            "cancelled",
            "deleted",
        ],
    ),
    (
        "company",
        "Company",
        _COMPANY,
        [
            "provisioned",
            "deprovisioned",
            "partner_authorized",
            "migrated",
            "updated",
            "onboarded",
            "approved",
            "not_approved",
            "needs_approval",
            "suspended",
            "unsuspended",
            "payroll_transfer_completed",
            "marked_as_high_risk_business",
            "marked_as_marijuana_business",
        ],
    ),
]

# The guides' own example payloads, verbatim (employee, payroll and company events).
_VERBATIM: dict[str, dict[str, Any]] = {
    "employee.created": _event(
        "03ffbf0c-48a9-4f1c-932a-546413a26ad1",
        "employee.created",
        "Employee",
        _EMPLOYEE,
        1671058841,
    ),
    "payroll.updated": _event(
        "e5540567-a6ee-4ce8-bf3e-a12c563db54c", "payroll.updated", "Payroll", _PAYROLL, 1671058841
    ),
    "company.provisioned": _event(
        "f7397a24-57ad-4fae-b011-d258e8232900",
        "company.provisioned",
        "Company",
        _COMPANY,
        1671058841,
    ),
}


_EVENT_IDS = uuid.UUID("6f1d2c3b-4a59-4e87-9c6d-5b4a3f2e1d0c")
"""The namespace of the samples' event uuids (stable, so golden files stay put)."""


def _samples() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for family, entity_type, entity_uuid, actions in _FAMILIES:
        for index, action in enumerate(actions):
            event_type = f"{family}.{action}"
            event_uuid = str(uuid.uuid5(_EVENT_IDS, event_type))
            out[event_type] = _VERBATIM.get(event_type) or _event(
                event_uuid, event_type, entity_type, entity_uuid, 1736931600 + 60 * index
            )
    return out


SAMPLES: dict[str, dict[str, Any]] = _samples()
"""One body per mapped event type; ``adapter.EVENT_TYPES`` maps each."""

VERIFICATION_TOKEN = {"verification_token": "6590f590-3dba-495e-9bea-c361e1e2efc0"}
"""The verification POST of Gusto's webhooks guide, verbatim."""
