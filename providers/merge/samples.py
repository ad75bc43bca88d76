"""Realistic Merge payloads, one per vendor event type (``send-test``, docs, golden files).

The envelope and the sync payloads follow the samples in Merge's docs and help centre (see
docs/vendors/merge.md); records use the Common Model field names of Merge's HRIS and ATS
references. The ``:doc`` variants are Merge's published samples, verbatim.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from providers._json import compact_json

TARGET = "https://hooks.acme.example/ingest/acme"

HRIS_ACCOUNT: dict[str, Any] = {
    "id": "a3602c03-aba7-4d9d-a349-dbc338504092",
    "integration": "BambooHR",
    "integration_slug": "bamboohr",
    "category": "hris",
    "end_user_origin_id": "org_7731",
    "end_user_organization_name": "Ångström Robotics AB",
    "end_user_email_address": "zoe.angstrom@angstrom-robotics.example",
    "status": "COMPLETE",
    "webhook_listener_url": "https://api.merge.dev/api/integrations/webhook-listener/7hT4V5bF",
    "is_duplicate": None,
    "account_type": "PRODUCTION",
}
ATS_ACCOUNT: dict[str, Any] = {
    **HRIS_ACCOUNT,
    "id": "c8e1f0d2-4b7a-4f5e-9c3d-2a1b0e9f8d7c",
    "integration": "Greenhouse",
    "integration_slug": "greenhouse",
    "category": "ats",
}

_HOOK_IDS = {
    "LinkedAccount": "cb1fe0a7-c2a1-4bd6-8cf5-57e70c7f1d53",
    "Issue": "5d3c8a91-0f2e-4b6a-9e1d-7c4b2a8f6e03",
    "synced": "e8affe31-8ae0-4b37-8c50-d86303094dc4",
    "record": "2fa2b314-33c6-48d5-9eb8-683dc5754429",
}


def envelope(event: str, account: dict[str, Any], data: Any, hook_id: str) -> dict[str, Any]:
    return {
        "hook": {"id": hook_id, "event": event, "target": TARGET},
        "linked_account": account,
        "data": data,
    }


# ---- Common Model records -------------------------------------------------------------------

RECORDS: dict[str, dict[str, Any]] = {
    "Employee": {
        "id": "0958cbc6-6040-430a-848e-aafacbadf4ae",
        "remote_id": "19202938",
        "created_at": "2023-01-01T00:00:00Z",
        "modified_at": "2025-01-15T10:29:15Z",
        "employee_number": "2",
        "company": "8d9fd929-436c-4fd4-a48b-0c61f68d6178",
        "first_name": "Zoë",
        "last_name": "Ångström",
        "preferred_name": "Zoë",
        "display_full_name": "Zoë Ångström",
        "username": "zoe",
        "groups": [],
        "work_email": "zoe.angstrom@angstrom-robotics.example",
        "personal_email": "zoe@home.example",
        "mobile_phone_number": "+46 70 123 45 67",
        "employments": ["17a54124-287f-494d-965e-3c5b330c9a68"],
        "home_location": None,
        "work_location": "d2f972d0-2526-434b-9409-4c3b468e08f0",
        "manager": "cb1b2a30-0f8c-4c4a-9a3e-7d1e1f0a5b21",
        "team": "13a1c4a1-6a7e-4d6b-9f0a-2c8e0d9a1b3c",
        "pay_group": None,
        "ssn": None,
        "gender": None,
        "ethnicity": None,
        "marital_status": None,
        "date_of_birth": None,
        "hire_date": "2020-10-10T00:00:00Z",
        "start_date": "2020-10-11T00:00:00Z",
        "remote_created_at": "2020-10-11T00:00:00Z",
        "employment_status": "ACTIVE",
        "termination_date": None,
        "avatar": None,
        "custom_fields": {},
        "remote_was_deleted": False,
        "field_mappings": {},
        "remote_data": None,
    },
    "Employment": {
        "id": "17a54124-287f-494d-965e-3c5b330c9a68",
        "remote_id": "9879",
        "employee": "0958cbc6-6040-430a-848e-aafacbadf4ae",
        "job_title": "Robotics Engineer",
        "pay_rate": 78000.0,
        "pay_period": "YEAR",
        "pay_frequency": "MONTHLY",
        "pay_currency": "SEK",
        "pay_group": None,
        "flsa_status": None,
        "effective_date": "2023-04-01T00:00:00Z",
        "employment_type": "FULL_TIME",
        "remote_was_deleted": False,
        "created_at": "2023-04-01T08:00:00Z",
        "modified_at": "2025-01-15T10:29:15Z",
    },
    "TimeOff": {
        "id": "91b2b905-e866-40c8-8be2-efe53827a0aa",
        "remote_id": "19202938",
        "employee": "0958cbc6-6040-430a-848e-aafacbadf4ae",
        "approver": "cb1b2a30-0f8c-4c4a-9a3e-7d1e1f0a5b21",
        "status": "REQUESTED",
        "employee_note": "Midsommar i Dalarna",
        "units": "DAYS",
        "amount": 3.0,
        "request_type": "VACATION",
        "start_time": "2025-06-19T00:00:00Z",
        "end_time": "2025-06-21T00:00:00Z",
        "remote_was_deleted": False,
        "created_at": "2025-01-20T09:12:00Z",
        "modified_at": "2025-01-20T09:12:00Z",
    },
    "Company": {
        "id": "8d9fd929-436c-4fd4-a48b-0c61f68d6178",
        "remote_id": "19202940",
        "legal_name": "Ångström Robotics Aktiebolag",
        "display_name": "Ångström Robotics",
        "eins": [],
        "created_at": "2020-01-01T00:00:00Z",
        "modified_at": "2025-01-02T12:00:00Z",
    },
    "PayrollRun": {
        "id": "37336947-b3d4-4a4c-a310-ab6ab510e079",
        "remote_id": "19202938",
        "run_state": "PAID",
        "run_type": "REGULAR",
        "start_date": "2025-01-01T00:00:00Z",
        "end_date": "2025-01-31T00:00:00Z",
        "check_date": "2025-01-25T00:00:00Z",
        "remote_was_deleted": False,
        "created_at": "2025-01-20T00:00:00Z",
        "modified_at": "2025-01-25T06:00:00Z",
    },
    "Candidate": {
        "id": "521b18c2-4d01-4297-b451-19858d07c133",
        "remote_id": "21198357",
        "first_name": "José",
        "last_name": "Álvarez",
        "company": "Columbia Dining App.",
        "title": "Software Engineer",
        "remote_created_at": "2021-10-15T00:00:00Z",
        "remote_updated_at": "2021-10-16T00:00:00Z",
        "last_interaction_at": "2021-10-17T00:00:00Z",
        "is_private": False,
        "can_email": True,
        "locations": ["Madrid"],
        "phone_numbers": [{"value": "+34 600 123 456", "phone_number_type": "MOBILE"}],
        "email_addresses": [
            {"value": "jose.alvarez@correo.example", "email_address_type": "PERSONAL"}
        ],
        "urls": [],
        "tags": ["Strong Culture Fit", "Bay Area"],
        "applications": ["29eb9867-ce2a-403f-b8ce-f2844b89f078"],
        "attachments": [],
        "remote_was_deleted": False,
        "created_at": "2025-01-10T08:00:00Z",
        "modified_at": "2025-01-15T10:00:00Z",
    },
    "Application": {
        "id": "29eb9867-ce2a-403f-b8ce-f2844b89f078",
        "remote_id": "98796",
        "candidate": "521b18c2-4d01-4297-b451-19858d07c133",
        "job": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
        "applied_at": "2025-01-10T08:00:00Z",
        "rejected_at": None,
        "offers": [],
        "source": "Campus recruiting event",
        "credited_to": "58166795-8d68-4b30-9bfb-bfd402479484",
        "current_stage": "d578dfdc-7b0a-4ab6-a2b0-4b40f20eb9ea",
        "reject_reason": None,
        "remote_was_deleted": False,
        "created_at": "2025-01-10T08:00:00Z",
        "modified_at": "2025-01-15T10:05:00Z",
    },
    "Job": {
        "id": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
        "remote_id": "8765432",
        "name": "Ingeniero/a de Software",
        "description": "<b>Role</b><br/>Build robots.",
        "code": "C0025",
        "status": "OPEN",
        "type": "POSTING",
        "job_postings": [],
        "job_posting_urls": [],
        "remote_created_at": "2025-01-01T00:00:00Z",
        "remote_updated_at": "2025-01-02T00:00:00Z",
        "confidential": False,
        "departments": ["5b3c1341-a20f-4e51-b72c-f3830a16c97b"],
        "offices": ["9871b4a9-f5d2-4f3b-a66b-dfedbed42c46"],
        "hiring_managers": [],
        "recruiters": [],
        "remote_was_deleted": False,
        "created_at": "2025-01-01T00:00:00Z",
        "modified_at": "2025-01-12T09:00:00Z",
    },
    "Offer": {
        "id": "90571a4b-6c4d-4b5c-8a0b-6e4f3c2d1a0e",
        "remote_id": "9876",
        "application": "29eb9867-ce2a-403f-b8ce-f2844b89f078",
        "creator": "058166795-8d68-4b30-9bfb-bfd402479484",
        "remote_created_at": "2025-01-20T00:00:00Z",
        "closed_at": None,
        "sent_at": "2025-01-21T09:30:00Z",
        "start_date": "2025-03-01T00:00:00Z",
        "status": "SENT",
        "remote_was_deleted": False,
        "created_at": "2025-01-20T00:00:00Z",
        "modified_at": "2025-01-21T09:30:00Z",
    },
    "ScheduledInterview": {
        "id": "b0f8c2d4-1111-4222-8333-444455556666",
        "remote_id": "3924",
        "application": "29eb9867-ce2a-403f-b8ce-f2844b89f078",
        "job_interview_stage": "d578dfdc-7b0a-4ab6-a2b0-4b40f20eb9ea",
        "organizer": "58166795-8d68-4b30-9bfb-bfd402479484",
        "interviewers": ["58166795-8d68-4b30-9bfb-bfd402479484"],
        "location": "Sala Ñandú, Madrid",
        "start_at": "2025-01-28T10:00:00Z",
        "end_at": "2025-01-28T11:00:00Z",
        "remote_created_at": "2025-01-16T00:00:00Z",
        "remote_updated_at": "2025-01-16T00:00:00Z",
        "status": "SCHEDULED",
        "remote_was_deleted": False,
        "created_at": "2025-01-16T08:00:00Z",
        "modified_at": "2025-01-16T08:00:00Z",
    },
    "RemoteUser": {
        "id": "58166795-8d68-4b30-9bfb-bfd402479484",
        "remote_id": "88",
        "first_name": "李",
        "last_name": "雷",
        "email": "li.lei@angstrom-robotics.example",
        "disabled": False,
        "remote_created_at": "2024-06-01T00:00:00Z",
        "access_role": "ADMIN",
        "remote_was_deleted": False,
        "created_at": "2024-06-01T00:00:00Z",
        "modified_at": "2025-01-05T00:00:00Z",
    },
    "Department": {
        "id": "5b3c1341-a20f-4e51-b72c-f3830a16c97b",
        "remote_id": "987",
        "name": "Ingeniería",
        "remote_was_deleted": True,
        "created_at": "2024-01-01T00:00:00Z",
        "modified_at": "2025-01-30T00:00:00Z",
    },
    "Office": {
        "id": "9871b4a9-f5d2-4f3b-a66b-dfedbed42c46",
        "remote_id": "876",
        "name": "Oficina de Madrid",
        "location": "Madrid, España",
        "remote_was_deleted": True,
        "created_at": "2024-01-01T00:00:00Z",
        "modified_at": "2025-01-30T00:00:00Z",
    },
    "JobInterviewStage": {
        "id": "d578dfdc-7b0a-4ab6-a2b0-4b40f20eb9ea",
        "remote_id": "8765432",
        "name": "Entrevista técnica",
        "job": "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633",
        "stage_order": 2,
        "remote_was_deleted": True,
        "created_at": "2025-01-01T00:00:00Z",
        "modified_at": "2025-01-30T00:00:00Z",
    },
    "Scorecard": {
        "id": "3096c9b5-6e1c-4d2a-8f0e-7b5a4c3d2e1f",
        "remote_id": "22234",
        "application": "29eb9867-ce2a-403f-b8ce-f2844b89f078",
        "interview": "b0f8c2d4-1111-4222-8333-444455556666",
        "interviewer": "58166795-8d68-4b30-9bfb-bfd402479484",
        "remote_created_at": "2025-01-28T12:00:00Z",
        "submitted_at": "2025-01-28T12:30:00Z",
        "overall_recommendation": "STRONG_YES",
        "remote_was_deleted": True,
        "created_at": "2025-01-28T12:00:00Z",
        "modified_at": "2025-01-30T00:00:00Z",
    },
}

HRIS_RECORD_MODELS = ("Employee", "Employment", "TimeOff", "Company", "PayrollRun")


def record_event(vendor_type: str, record: dict[str, Any] | None = None) -> dict[str, Any]:
    model, _, action = vendor_type.partition(".")
    data = copy.deepcopy(record if record is not None else RECORDS[model])
    if action == "removed":
        data["remote_was_deleted"] = True
    account = HRIS_ACCOUNT if model in HRIS_RECORD_MODELS else ATS_ACCOUNT
    return envelope(vendor_type, account, data, _HOOK_IDS["record"])


def model_synced(model: str, category: str) -> dict[str, Any]:
    account = HRIS_ACCOUNT if category == "hris" else ATS_ACCOUNT
    return envelope(
        f"{model}.synced",
        account,
        {
            "integration_name": account["integration"],
            "integration_id": account["integration_slug"],
            "synced_fields": ["id", "remote_id", "modified_at"],
            "sync_status": {
                "model_name": model,
                "model_id": f"{category}.{model}",
                "last_sync_start": "2025-01-15T10:25:00Z",
                "next_sync_start": "2025-01-15T22:25:00Z",
                "status": "DONE",
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-01-15T10:29:15Z",
                "data_fresh_as_of": "2025-01-15T10:25:00Z",
                "sync_status_reason": None,
                "is_initial_sync": False,
            },
        },
        _HOOK_IDS["synced"],
    )


def _issue(event: str, status: str) -> dict[str, Any]:
    return envelope(
        event,
        {**HRIS_ACCOUNT, "status": "INCOMPLETE" if status == "ONGOING" else "COMPLETE"},
        {
            "id": "0bd6f6bd-3f54-47f5-ae26-4bd6fdf4f2cd",
            "status": status,
            "error_description": "Missing Permissions: Åtkomst nekad till lönedata",
            "end_user": {"id": "org_7731", "organization_name": "Ångström Robotics AB"},
            "first_incident_time": "2025-01-14T08:00:00Z",
            "last_incident_time": "2025-01-15T08:00:00Z",
            "is_muted": False,
            "error_details": ["Missing permission: payroll.read"],
        },
        _HOOK_IDS["Issue"],
    )


_SYNC_RESULTS = {
    "hris.Employee": {"last_sync_result": "DONE", "last_sync_finished": "2025-01-15T10:29:15Z"},
    "hris.Employment": {"last_sync_result": "DONE", "last_sync_finished": "2025-01-15T10:31:02Z"},
    "hris.TimeOff": {"last_sync_result": "DONE", "last_sync_finished": "2025-01-15T10:30:40Z"},
}


def _linked_account_samples() -> dict[str, dict[str, Any]]:
    hook = _HOOK_IDS["LinkedAccount"]
    linked = {**HRIS_ACCOUNT, "completed_at": "2025-01-15T10:20:00Z"}
    return {
        "LinkedAccount.linked": envelope(
            "LinkedAccount.linked",
            linked,
            # The token is what the account's API calls need: unihook never copies it into data.
            {"account_token": "mrg_at_0Zp3JmX8qS1vT4uY7wA2bC5dE8fG", "is_relink": False},
            hook,
        ),
        "LinkedAccount.sync_completed": envelope(
            "LinkedAccount.sync_completed",
            linked,
            {"is_initial_sync": True, "sync_status": _SYNC_RESULTS},
            hook,
        ),
        "LinkedAccount.synced": envelope(
            "LinkedAccount.synced",
            linked,
            {"is_initial_sync": False, "sync_status": _SYNC_RESULTS},
            hook,
        ),
        "LinkedAccount.fully_synced_initial": envelope(
            "LinkedAccount.fully_synced_initial", linked, {"sync_status": _SYNC_RESULTS}, hook
        ),
        "LinkedAccount.synced_initial": envelope(
            "LinkedAccount.synced_initial", linked, {"sync_status": _SYNC_RESULTS}, hook
        ),
        "LinkedAccount.deleted": envelope(
            "LinkedAccount.deleted", {**linked, "status": "RELINK_NEEDED"}, {}, hook
        ),
        "LinkedAccount.status_changed": envelope(
            "LinkedAccount.status_changed", {**linked, "status": "INCOMPLETE"}, {}, hook
        ),
        "Issue.new": _issue("Issue.new", "ONGOING"),
        "Issue.created": _issue("Issue.created", "ONGOING"),
        "Issue.reopened": _issue("Issue.reopened", "ONGOING"),
        "Issue.resolved": _issue("Issue.resolved", "RESOLVED"),
    }


def samples(
    record_types: Iterable[str], hris_models: Iterable[str], ats_models: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """One payload per vendor type: the lifecycle events, a record event per mapped
    ``{Model}.{action}``, a ``{Model}.synced`` per model, and the dashboard's test POST."""
    out = _linked_account_samples()
    out.update({vendor_type: record_event(vendor_type) for vendor_type in record_types})
    out.update({f"{m}.synced": model_synced(m, "hris") for m in hris_models})
    out.update({f"{m}.synced": model_synced(m, "ats") for m in ats_models})
    out["test"] = {"response": "Success! This URL will be notified."}
    return out


# Merge's own samples, verbatim (docs/vendors/merge.md names their pages).
CANDIDATE_SYNCED_DOC: dict[str, Any] = {
    "hook": {
        "id": "e8affe31-8ae0-4b37-8c50-d86303094dc4",
        "event": "Candidate.synced",
        "target": "https://yoururl.com",
    },
    "linked_account": {
        "id": "a3602c03-aba7-4d9d-a349-dbc338504092",
        "integration": "Ashby",
        "integration_slug": "ashby",
        "category": "ats",
        "end_user_origin_id": "",
        "end_user_organization_name": "Test",
        "end_user_email_address": "customer@example.com",
        "status": "COMPLETE",
        "webhook_listener_url": "https://api.merge.dev/api/integrations/webhook-listener/IDS",
        "is_duplicate": None,
        "account_type": "PRODUCTION",
    },
    "data": {
        "integration_name": "Ashby",
        "integration_id": "ashby",
        "synced_fields": ["first_name", "last_name"],
        "sync_status": {
            "model_name": "Candidate",
            "model_id": "ats.Candidate",
            "last_sync_start": "2023-09-27T20:50:47.490402Z",
            "next_sync_start": "2023-09-11T23:24:52.242660Z",
            "status": "DONE",
            "last_sync_result": "DONE",
            "last_sync_finished": "2023-09-27T20:53:47.490402Z",
            "data_fresh_as_of": "2023-09-27T20:50:47.490402Z",
            "sync_status_reason": None,
            "is_initial_sync": True,
        },
    },
}
ACCOUNT_SYNCED_DOC: dict[str, Any] = {
    "hook": {
        "id": "2fa2b314-33c6-48d5-9eb8-683dc5754429",
        "event": "LinkedAccount.sync_completed",
        "target": "https://yourapp.com/webhooks/merge",
    },
    "linked_account": {
        "id": "7841ee0a-5a1a-44db-bc7e-2912d8c17515",
        "integration": "Azure DevOps",
        "integration_slug": "azure-devops",
        "category": "ticketing",
        "end_user_origin_id": "TEST_AUM6QPMP",
        "end_user_organization_name": "Acme Corp",
        "end_user_email_address": "customer@example.com",
        "status": "COMPLETE",
        "webhook_listener_url": (
            "https://api.merge.dev/api/integrations/webhook-listener/"
            "7hT4V5bFJBeu1fYD5Hy79rT_VCL6qBF7r1mJHGm5BRrNiJlwOEs6dg"
        ),
        "is_duplicate": None,
        "account_type": "TEST",
        "completed_at": "2025-11-26T23:54:25.835905Z",
    },
    "data": {
        "is_initial_sync": True,
        "sync_status": {
            "ticketing.TicketingAttachment": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:16:19Z",
            },
            "ticketing.Ticket": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:16:19Z",
            },
            "ticketing.Collection": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:48:01Z",
            },
            "ticketing.Role": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:22:49Z",
            },
            "ticketing.User": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:22:49Z",
            },
            "ticketing.TicketingTeam": {
                "last_sync_result": "DONE",
                "last_sync_finished": "2025-11-27T00:22:49Z",
            },
        },
    },
}


def variants() -> dict[str, bytes]:
    """Merge's published samples, and the edge bodies the mapping treats specially."""
    approved = record_event("TimeOff.added", {**RECORDS["TimeOff"], "status": "APPROVED"})
    terminated = record_event(
        "Employee.changed",
        {
            **RECORDS["Employee"],
            "employment_status": "INACTIVE",
            "termination_date": "2025-01-31T00:00:00Z",
        },
    )
    return {
        "Candidate.synced:doc": compact_json(CANDIDATE_SYNCED_DOC),
        "LinkedAccount.sync_completed:doc": compact_json(ACCOUNT_SYNCED_DOC),
        "TimeOff.added:approved": compact_json(approved),
        "Employee.changed:terminated": compact_json(terminated),
    }
