"""Realistic Kombo payloads, one per vendor event type (``send-test``, docs, golden files).

Shapes and values follow Kombo's webhook guide and API reference (docs/vendors/kombo.md); the
``:doc`` variants are Kombo's published examples, verbatim.
"""

from __future__ import annotations

from typing import Any

from providers._json import compact_json

INTEGRATION_ID = "personio:CBNMt7dSNCzBdnRTx87dev4E"
END_USER = {
    "organization_name": "Ångström Robotics AB",
    "creator_email": "zoe.angstrom@angstrom-robotics.example",
    "origin_id": "36123",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "data-changed": {
        "id": "FhghqjnCi9WuAoLT8Z75CFcs",
        "type": "data-changed",
        "data": {
            "integration_id": INTEGRATION_ID,
            "integration_tool": "personio",
            "integration_category": "HRIS",
            "changed_models": [{"name": "hris_employees"}, {"name": "hris_employments"}],
        },
    },
    "sync-finished": {
        "id": "5gjAtURLPbnTiwgkaBfiA3WJ",
        "type": "sync-finished",
        "data": {
            "sync_id": "B89SCXXho7Yw8PGo8AKJxLn4",
            "sync_state": "SUCCEEDED",
            "sync_started_at": "2025-01-15T12:00:00.000Z",
            "sync_ended_at": "2025-01-15T12:30:00.000Z",
            "sync_duration_seconds": 1800,
            "integration_id": INTEGRATION_ID,
            "integration_tool": "personio",
            "integration_category": "HRIS",
            "end_user": END_USER,
            "log_url": "https://app.kombo.dev/env/production/logs/C3xUo6XAsB2sbKC7M1gyXaRX",
        },
    },
    "integration-created": {
        "id": "8mT2qLwYz4RkVbN6cXhJ3fPa",
        "type": "integration-created",
        "data": {
            "id": INTEGRATION_ID,
            "tool": "personio",
            "category": "HRIS",
            "end_user": END_USER,
        },
    },
    "integration-deleted": {
        "id": "3pQx7NwR9tLmZcV2bKsY6hDe",
        "type": "integration-deleted",
        "data": {
            "id": INTEGRATION_ID,
            "tool": "personio",
            "category": "HRIS",
            "end_user": END_USER,
            "deleted_at": "2025-02-03T08:15:42.118Z",
        },
    },
    "integration-state-changed": {
        "id": "7dHs2KfWq9XcMbT4nLzR8vPy",
        "type": "integration-state-changed",
        "data": {
            "integration_tool": "personio",
            "integration_id": INTEGRATION_ID,
            "integration_category": "HRIS",
            "end_user": END_USER,
            "qa_status": "PASSED",
            "setup_status": "COMPLETED",
            "state": "INVALID",
            "updated_at": "2025-01-20T16:45:00.000Z",
        },
    },
    "connection-flow-failed": {
        "id": "Vq3nT8xKbR2wLmY5cZ9hFs4J",
        "type": "connection-flow-failed",
        "data": {
            "integration_tool": "greenhouse",
            "integration_category": "ATS",
            "end_user": {
                "organization_name": "Compañía Ñandú S.L.",
                "creator_email": "li.lei@nandu.example",
                "origin_id": "org_8842",
            },
            "log_url": "https://app.kombo.dev/env/production/logs/9sKdW3xNfQ2vRb7TmY4cLh8P",
        },
    },
}

# Kombo's own examples, verbatim: the guide's LMS data-changed (its category has no canonical
# type: unmapped) and the API reference's sync-finished with its placeholders.
DATA_CHANGED_LMS_DOC: dict[str, Any] = {
    "id": "udcUMbfv9YkHqPY3uGiCpWsz",
    "type": "data-changed",
    "data": {
        "integration_id": "sandbox:7C9M5sXAQx2cNMpVHLojrFpL",
        "integration_tool": "sandbox",
        "integration_category": "LMS",
        "changed_models": [{"name": "lms_course_revisions"}, {"name": "lms_courses"}],
    },
}
SYNC_FINISHED_API_REFERENCE: dict[str, Any] = {
    "id": "<string>",
    "type": "sync-finished",
    "data": {
        "sync_id": "<string>",
        "sync_state": "<string>",
        "sync_started_at": "2023-11-07T05:31:56Z",
        "sync_ended_at": "2023-11-07T05:31:56Z",
        "sync_duration_seconds": 1,
        "integration_id": "<string>",
        "integration_tool": "<string>",
        "integration_category": "HRIS",
        "end_user": {
            "organization_name": "<string>",
            "creator_email": "jsmith@example.com",
            "origin_id": "<string>",
        },
        "log_url": "<string>",
    },
}
ATS_CHANGED: dict[str, Any] = {
    "id": "Jc4VbX8nQ2sWmT6yRkL9hDzF",
    "type": "data-changed",
    "data": {
        "integration_id": "greenhouse:8Yh3TqWv2KcNxLmB5rDs7ZpJ",
        "integration_tool": "greenhouse",
        "integration_category": "ATS",
        "changed_models": [
            {"name": "ats_candidates"},
            {"name": "ats_applications"},
            {"name": "ats_join_candidates_tags"},
        ],
    },
}
SYNC_FAILED: dict[str, Any] = {
    **SAMPLES["sync-finished"],
    "id": "Rt6YwP3kLz9XcV2nMbQ8sJhD",
    "data": {**SAMPLES["sync-finished"]["data"], "sync_state": "AUTHENTICATION_FAILED"},
}
PARTIAL: dict[str, Any] = {
    **SAMPLES["sync-finished"],
    "id": "Gn4KsW8qTz2VbX6mLcR9yHpD",
    "data": {**SAMPLES["sync-finished"]["data"], "sync_state": "PARTIALLY_FAILED"},
}

VARIANTS: dict[str, bytes] = {
    "data-changed:ats": compact_json(ATS_CHANGED),
    "data-changed:lms_doc": compact_json(DATA_CHANGED_LMS_DOC),
    "sync-finished:failed": compact_json(SYNC_FAILED),
    "sync-finished:partially_failed": compact_json(PARTIAL),
    "sync-finished:api_reference": compact_json(SYNC_FINISHED_API_REFERENCE),
}
