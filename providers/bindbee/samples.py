"""Realistic Bindbee payloads, one per vendor event type (``send-test``, docs, golden files)."""

from __future__ import annotations

from typing import Any


def _hook(event: str, webhook_id: str = "10c9a6b1-4ea8-476e-bdb0-193001a94a8d") -> dict[str, Any]:
    return {
        "webhook_id": webhook_id,
        "url": "https://hooks.acme.example/ingest/bindbee/acme",
        "event": event,
    }


_CONNECTOR = {
    "id": "018f99e2-ed3a-7f4c-ae97-83d619bdf95c",
    "display_name": "BreatheHR",
    "categories": ["HRIS"],
    "org_name": "Ångström Robotics AB",
    "connector_status": "COMPLETE",
    "end_user_name": "Zoë Ångström",
    "end_user_email": "zoe.angstrom@angstrom-robotics.example",
}
_SYNC = {
    "id": "018f99e7-886b-7c9f-a63a-f6fbc9da1f83",
    "integration_name": "breathehr",
    "initial_sync": True,
    "category": "HRIS",
    "display_status": "Syncing",
    "last_sync_start_time": "2024-07-22T09:49:30.478384+00:00",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "connector_sync_started": {
        "webhook": _hook("connector_sync_started"),
        "connector": _CONNECTOR,
        "data": _SYNC,
    },
    "connector_synced": {
        "webhook": _hook("connector_synced"),
        "connector": _CONNECTOR,
        "data": {**_SYNC, "display_status": "Synced"},
    },
    "connector_sync_error": {
        "webhook": _hook("connector_sync_error"),
        "connector": {**_CONNECTOR, "connector_status": "FAILED"},
        "data": {**_SYNC, "initial_sync": False, "display_status": "Failed"},
        "error": {
            "failed_at": "2024-07-22T09:51:02.118000+00:00",
            "message": "Authentication with BreatheHR failed",
            "detail": "401 Unauthorized: the API key for 李雷's account was revoked",
        },
    },
    "employee_data_changed": {
        "webhook": _hook("employee_data_changed", "5b3f4c2e-7d1a-4f0e-9a61-2c8e7b9d0f14"),
        "connector": _CONNECTOR,
        "data": {
            "integration_name": "breathehr",
            "category": "HRIS",
            "employee_ids": [
                "018f9a10-2b4c-7d8e-9f01-a2b3c4d5e6f7",
                "018f9a10-2b4c-7d8e-9f01-a2b3c4d5e6f8",
            ],
        },
    },
    "connector_data_modified": {
        "webhook": _hook("connector_data_modified", "5b3f4c2e-7d1a-4f0e-9a61-2c8e7b9d0f15"),
        "connector": {
            **_CONNECTOR,
            "display_name": "Personio",
            "end_user_name": "李雷",
            "end_user_email": "li.lei@angstrom-robotics.example",
        },
        "data": {
            "integration_name": "personio",
            "category": "HRIS",
            "record_ids": [
                "018f9a22-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                "018f9a22-5e6f-7a8b-9c0d-1e2f3a4b5c6e",
                "018f9a22-5e6f-7a8b-9c0d-1e2f3a4b5c6f",
            ],
        },
    },
}
