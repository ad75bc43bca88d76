"""One realistic Deel delivery per event type, and the edge bodies its docs show.

The envelope is Deel's (``data.meta``, ``data.resource``, ``timestamp``), as in its event
payload examples (https://developer.deel.com/v2.1.51/docs/event-payload-examples) and its
get-started guide. Resource fields beyond the ids are illustrative: Deel publishes each type's
example through ``GET /rest/v2/webhooks/events`` (``payload_example``), not as a schema.
"""

from __future__ import annotations

import copy
from typing import Any

ORGANIZATION = "987deccd-cef2-4c0f-a068-7cb07971bcfe"
CONTRACT = "3w4zdd9"
WORKER = "c5d8e2f1-7a3b-4c9d-8e1f-2a3b4c5d6e7f"


def _delivery(
    event_type: str, n: int, resource: dict[str, Any] | list[dict[str, Any]], at: str
) -> dict[str, Any]:
    return {
        "data": {
            "meta": {
                "event_type": event_type,
                "event_type_id": f"af7ce5be-d404-4788-aed5-9a5fce1b{n:04d}",
                "organization_id": ORGANIZATION,
                "organization_name": "Acme",
                "tracking_id": f"q8tVRj_Je00wJLY2GriqT10n{n:04d}",
            },
            "resource": resource,
        },
        "timestamp": at,
    }


def _contract(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": CONTRACT,
        "status": status,
        "type": "eor",
        "title": "Senior Data Engineer",
        "start_date": "2025-03-01",
        "worker": {
            "id": WORKER,
            "full_name": "Amara Okafor",
            "email": "amara.okafor@example.com",
        },
        **extra,
    }


def _worker(hiring_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": WORKER,
        "full_name": "Amara Okafor",
        "first_name": "Amara",
        "last_name": "Okafor",
        "email": "amara.okafor@example.com",
        "job_title": "Senior Data Engineer",
        "department": "Data",
        "hiring_type": hiring_type,
        "hiring_status": "active",
        "start_date": "2025-03-01",
        **extra,
    }


def _time_off(status: str) -> dict[str, Any]:
    return {
        "id": "4f1b9e6a-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "contract_id": CONTRACT,
        "worker_id": WORKER,
        "status": status,
        "time_off_type": "Congés payés",
        "start_date": "2025-04-14",
        "end_date": "2025-04-18",
        "amount": 5,
        "unit": "days",
    }


def _application(stage: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": "app_7Qm2xK",
        "candidate_id": "cand_91LpZt",
        "job_id": "job_3HrT8w",
        "stage": stage,
        **extra,
    }


SAMPLES: dict[str, dict[str, Any]] = {
    "ats.application.created": _delivery(
        "ats.application.created", 1, _application("Applied"), "2025-02-03T09:14:07.512Z"
    ),
    "ats.application.transitioned": _delivery(
        "ats.application.transitioned",
        2,
        _application("Technical interview", previous_stage="Screening"),
        "2025-02-04T10:01:44.903Z",
    ),
    "contract.created": _delivery(
        "contract.created", 3, _contract("new"), "2025-02-05T15:39:38.070Z"
    ),
    "contract.duplicated": _delivery(
        "contract.duplicated",
        4,
        {**_contract("new"), "id": "9kq2mz1"},
        "2025-02-05T16:02:11.230Z",
    ),
    "contract.amended": _delivery(
        "contract.amended",
        5,
        _contract("in_progress", title="Staff Data Engineer"),
        "2025-06-02T08:45:00.000Z",
    ),
    "contract.status.updated": _delivery(
        "contract.status.updated", 6, _contract("in_progress"), "2025-03-01T00:05:12.441Z"
    ),
    "contract.signed": _delivery(
        "contract.signed", 7, _contract("waiting_for_employee_sign"), "2025-02-10T12:30:00.000Z"
    ),
    "contract.sign.team-member-invited": _delivery(
        "contract.sign.team-member-invited",
        8,
        _contract("waiting_for_client_sign"),
        "2025-02-07T09:00:00.000Z",
    ),
    "contract.archived": _delivery(
        "contract.archived", 9, _contract("cancelled"), "2025-09-01T10:00:00.000Z"
    ),
    "contract.terminated": _delivery(
        "contract.terminated",
        10,
        _contract("terminated", termination_date="2025-08-31"),
        "2025-08-15T13:20:05.007Z",
    ),
    "employee.created.direct": _delivery(
        "employee.created.direct",
        11,
        _worker("direct_employee"),
        "2025-02-05T15:40:00.000Z",
    ),
    "employee.created.contractor": _delivery(
        "employee.created.contractor",
        12,
        _worker("contractor"),
        "2025-02-05T15:41:00.000Z",
    ),
    "employee.created.eor": _delivery(
        "employee.created.eor", 13, _worker("eor"), "2025-02-05T15:42:00.000Z"
    ),
    "employee.updated.direct": _delivery(
        "employee.updated.direct",
        14,
        _worker("direct_employee", job_title="Staff Data Engineer"),
        "2025-06-02T08:46:00.000Z",
    ),
    "worker.v2.created": _delivery(
        "worker.v2.created", 15, _worker("eor"), "2025-02-05T15:43:00.000Z"
    ),
    "worker.v2.updated": _delivery(
        "worker.v2.updated",
        16,
        _worker("eor", work_email="amara@acme.example"),
        "2025-03-02T11:00:00.000Z",
    ),
    "worker.v2.deleted": _delivery(
        "worker.v2.deleted", 17, {"id": WORKER}, "2025-10-01T09:30:00.000Z"
    ),
    "time-off.created": _delivery(
        "time-off.created", 18, _time_off("REQUESTED"), "2025-03-20T14:02:19.118Z"
    ),
    "time-off.updated": _delivery(
        "time-off.updated", 19, _time_off("REQUESTED"), "2025-03-21T09:12:40.002Z"
    ),
    "time-off.reviewed": _delivery(
        "time-off.reviewed", 20, _time_off("APPROVED"), "2025-03-21T16:45:03.550Z"
    ),
    "eor.payslips.available": _delivery(
        "eor.payslips.available",
        21,
        {
            "id": "ps_6Yt4Qa",
            "contract_id": CONTRACT,
            "worker_id": WORKER,
            "from": "2025-03-01",
            "to": "2025-03-31",
        },
        "2025-03-28T06:00:00.000Z",
    ),
    "tax.document.available": _delivery(
        "tax.document.available",
        22,
        {
            "id": "td_0Pq7Lm",
            "contract_id": CONTRACT,
            "worker_id": WORKER,
            "type": "1099-NEC",
            "name": "1099-NEC 2024",
            "year": 2024,
        },
        "2025-01-31T07:00:00.000Z",
    ),
    "bgcheck.result.available": _delivery(
        "bgcheck.result.available",
        23,
        {
            "id": "d1f5e39c-fcfd-4f08-b5fa-66ce7112ffef",
            "contract_id": "3072cm7",
            "name": "Softcheck",
            "status": "COMPLETE",
            "result": "CLEARED",
            "is_complete": True,
            "package": None,
            "created_at": "2024-09-05T08:28:24.394Z",
            "completed_at": "2024-09-05T08:32:51.658Z",
        },
        "2024-09-05T08:32:52.119Z",
    ),
}


def _variants() -> dict[str, dict[str, Any]]:
    # The resource array of the get-started guide: several contracts in one delivery.
    array = copy.deepcopy(SAMPLES["contract.status.updated"])
    array["data"]["resource"] = [
        _contract("in_progress"),
        {**_contract("in_progress"), "id": "7hx3kq2", "title": "Data Analyst"},
    ]
    # One record as a one-item array.
    single = copy.deepcopy(SAMPLES["contract.created"])
    single["data"]["resource"] = [_contract("new")]
    # The newer meta (event_id, occurred_at) on a Developer Center simulation.
    simulated = copy.deepcopy(SAMPLES["contract.terminated"])
    simulated["data"]["meta"].update(
        {
            "event_id": "0f3c5a7e-9b1d-4e2f-8a6c-1d3e5f7a9b2c",
            "occurred_at": "2025-08-15T13:20:04.000Z",
            "is_simulation": True,
        }
    )
    denied = copy.deepcopy(SAMPLES["time-off.reviewed"])
    denied["data"]["resource"]["status"] = "REJECTED"
    # Deel's own example, verbatim with the page's artefacts: the e-mail obfuscated by the
    # docs site, a stray space inside both times, a "third party_name" key.
    doc_example = {
        "data": {
            "meta": {
                "event_type": "bgcheck.result.available",
                "event_type_id": "af7ce5be-d404-4788-aed5-9a5fce1b66c8",
                "organization_id": ORGANIZATION,
                "organization_name": "Deel",
                "tracking_id": "q8tVRj_Je00wJLY2GriqT10nUjBZ",
            },
            "resource": {
                "candidate_email": "[email protected]",
                "completed_at": "2024-09-05T08:32:51. 658Z",
                "contract_id": "3072cm7",
                "created_at": "2024-09-05T08:28:24.394Z",
                "id": "d1f5e39c-fcfd-4f08-b5fa-66ce7112ffef",
                "is_complete": True,
                "name": "Softcheck",
                "package": None,
                "result": "CLEARED",
                "status": "COMPLETE",
                "third party_name": "request softcheck",
            },
        },
        "timestamp": "2024-09-05T08:32:52. 119Z",
    }
    return {
        "contract.status.updated:resource_array": array,
        "contract.created:single_item_array": single,
        "contract.terminated:simulation": simulated,
        "time-off.reviewed:rejected": denied,
        "bgcheck.result.available:doc_example": doc_example,
    }


VARIANTS: dict[str, dict[str, Any]] = _variants()
