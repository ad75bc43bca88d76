"""Realistic Finch payloads, one per mapped event type (``send-test``, docs, golden files).

Shapes follow Finch's SDK types (``finch-api`` ``types/*_event.py``) and its webhook guide's
common fields; ``account.updated`` is its guide's example with ``connection_id`` added.
"""

from __future__ import annotations

from typing import Any

COMPANY_ID = "720be419-0293-4d32-a707-32179b0827ab"
ACCOUNT_ID = "fa872170-b49d-4fb5-aa39-fb1515db0925"
CONNECTION_ID = "5f8e2a1c-3b4d-4e6f-8a9b-0c1d2e3f4a5b"
INDIVIDUAL_ID = "0c5f4a7e-2b1d-4c3e-9f8a-7b6c5d4e3f2a"
PAYMENT_ID = "e8b90071-0c11-471c-86e8-e303ef2f6782"


def _event(event_type: str, data: Any) -> dict[str, Any]:
    return {
        "company_id": COMPANY_ID,
        "account_id": ACCOUNT_ID,
        "connection_id": CONNECTION_ID,
        "event_type": event_type,
        "data": data,
    }


def _job(event_type: str, job_id: str, automated: bool = True) -> dict[str, Any]:
    path = "jobs/automated" if automated else "jobs/manual"
    return _event(
        event_type, {"job_id": job_id, "job_url": f"https://api.tryfinch.com/{path}/{job_id}"}
    )


SAMPLES: dict[str, dict[str, Any]] = {
    "account.updated": _event(
        "account.updated", {"status": "connected", "authentication_method": "assisted"}
    ),
    "company.updated": _event("company.updated", None),
    **{
        f"{family}.{verb}": _event(f"{family}.{verb}", {"individual_id": INDIVIDUAL_ID})
        for family in ("directory", "individual", "employment")
        for verb in ("created", "updated", "deleted")
    },
    **{
        f"payment.{verb}": _event(
            f"payment.{verb}", {"payment_id": PAYMENT_ID, "pay_date": "2025-01-15"}
        )
        for verb in ("created", "updated", "deleted")
    },
    **{
        f"pay_statement.{verb}": _event(
            f"pay_statement.{verb}", {"payment_id": PAYMENT_ID, "individual_id": INDIVIDUAL_ID}
        )
        for verb in ("created", "updated", "deleted")
    },
    "job.data_sync_all.completed": _job(
        "job.data_sync_all.completed", "10f249d5-c974-4ce3-979a-31164323a34f"
    ),
    "job.initial_data_sync_org.succeeded": _job(
        "job.initial_data_sync_org.succeeded", "2c6f0a4e-5b7d-4e8f-9a1b-3c5d7e9f1a2b"
    ),
    "job.initial_data_sync_payroll.succeeded": _job(
        "job.initial_data_sync_payroll.succeeded", "3d7a1b5f-6c8e-4f9a-8b2c-4d6e8f0a2b3c"
    ),
    "job.w4_form_employee_sync.completed": _job(
        "job.w4_form_employee_sync.completed", "4e8b2c6a-7d9f-4a0b-9c3d-5e7f9a1b3c4d"
    ),
}
