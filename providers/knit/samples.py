"""Realistic Knit payloads: one per event type (``SAMPLES``) and the record kinds and bodies its
docs show (``VARIANTS``, ``"<event type>:<variant>"``).

Sources: Knit's sync guides (the envelope, the ATS application examples verbatim, the employee
``record.deleted`` and ``sync.events.processed`` examples) and its employee data model (the
``profile`` / ``orgStructure`` / ``contactInfo`` / ``locations`` keys). The integration events'
fields are modelled on the ``integrationDetails`` Knit's UI component reports.
"""

from __future__ import annotations

from typing import Any

SYNC_JOB = "sj_rJWQawZYVS8IqgtXkSJ8BQ"
SYNC_RUN = "sn_NHXHC2Hn6oOaLrCfsaqGOM"
EMPLOYEE_ID = "omLAR353IjXZ4Mt"


def _record(
    event_type: str,
    event_id: str,
    data: Any,
    data_type: str,
    record_id: str,
    sync_type: str = "delta_sync",
) -> dict[str, Any]:
    return {
        "eventId": event_id,
        "eventType": event_type,
        "eventData": data,
        "syncType": sync_type,
        "syncDataType": data_type,
        "syncJobId": SYNC_JOB,
        "syncRunId": SYNC_RUN,
        "recordId": record_id,
    }


_EMPLOYEE: dict[str, Any] = {
    "profile": {
        "id": EMPLOYEE_ID,
        "firstName": "Zoë",
        "lastName": "Ångström",
        "employeeNumber": "E-1042",
        "workEmail": "zoe.angstrom@angstrom-robotics.example",
        "startDate": "2025-02-03",
        "terminationDate": None,
        "employmentStatus": "ACTIVE",
        "employmentType": "FULL_TIME",
    },
    "orgStructure": {
        "designation": "Robotics Engineer",
        "department": "R&D",
        "manager": {
            "id": "Lw3XKp9sQe2Rt7Y",
            "firstName": "李",
            "lastName": "雷",
            "workEmail": "li.lei@angstrom-robotics.example",
        },
    },
    "locations": {
        "workAddress": {
            "addressLine1": "Drottninggatan 1",
            "city": "Stockholm",
            "state": "Stockholm County",
            "country": "SE",
        }
    },
    "dependents": [],
    "contactInfo": {
        "personalEmails": ["zoe@example.se"],
        "phones": [{"type": "PERSONAL", "number": "+46 70 123 45 67"}],
    },
    "bankAccounts": [],
}

_INTEGRATION = {
    "integrationId": "aW50ZWdyYXRpb25fOTg3NjU",
    "appId": "bamboohr",
    "categoryId": "HRIS",
    "originOrgId": "acme",
    "originOrgName": "Ångström Robotics AB",
    "originUserEmail": "zoe.angstrom@angstrom-robotics.example",
    "originUserName": "Zoë Ångström",
}

SAMPLES: dict[str, dict[str, Any]] = {
    "record.new": _record(
        "record.new",
        "ev_4hT9qWmZr2bXc7LkPn3sVa",
        _EMPLOYEE,
        "employee",
        EMPLOYEE_ID,
        "initial_sync",
    ),
    "record.modified": _record(
        "record.modified",
        "ev_8kD2xNfJ5tQw1YhRz6cMbE",
        {
            **_EMPLOYEE,
            "orgStructure": {**_EMPLOYEE["orgStructure"], "designation": "Staff Engineer"},
        },
        "employee",
        EMPLOYEE_ID,
    ),
    # Knit's employee sync guide, with its redacted e-mail address filled in.
    "record.deleted": _record(
        "record.deleted",
        "ev_jLPn5iJNhvhDBh91xtb8kc",
        {"employeeId": EMPLOYEE_ID, "workEmail": "zoe.angstrom@angstrom-robotics.example"},
        "employee",
        EMPLOYEE_ID,
    ),
    "sync.events.processed": {
        "eventId": "ev_UFrXyD8d5yneJ6UnfxAoJ7",
        "eventData": {"status": "processed", "processed": 200, "emitted": 2},
        "eventType": "sync.events.processed",
        "syncType": "delta_sync",
        "syncDataType": "employee",
        "syncJobId": SYNC_JOB,
        "syncRunId": SYNC_RUN,
    },
    "sync.events.allConsumed": {
        "eventId": "ev_9pQ3wErT6yUi2OpAs5DfGh",
        "eventData": {"status": "allConsumed", "processed": 200, "emitted": 2},
        "eventType": "sync.events.allConsumed",
        "syncType": "delta_sync",
        "syncDataType": "employee",
        "syncJobId": SYNC_JOB,
        "syncRunId": SYNC_RUN,
    },
    "app.integration.activate": {
        "eventId": "ev_2sXc4VbN7mQw9ErT1yUiOp",
        "eventType": "app.integration.activate",
        "eventData": {**_INTEGRATION, "status": "ACTIVE", "validationErrors": []},
    },
    "bot.installed": {
        "eventId": "ev_5gHj8KlZx1CvB4nM7qWeRt",
        "eventType": "bot.installed",
        "eventData": {**_INTEGRATION, "appId": "slack", "categoryId": "COMMUNICATION"},
    },
    "bot.uninstalled": {
        "eventId": "ev_6hJk9LzX2cVb5Nm8QwEr1T",
        "eventType": "bot.uninstalled",
        "eventData": {**_INTEGRATION, "appId": "slack", "categoryId": "COMMUNICATION"},
    },
}

_APPLICATION_DOC: dict[str, Any] = {
    "info": {},
    "currentStage": {},
    "interviews": [],
    "rejection": {},
    "offers": [],
    "attachments": [],
}

VARIANTS: dict[str, dict[str, Any]] = {
    # Knit's "Syncing Applications" guide, verbatim.
    "record.new:ats_applications_doc": {
        "eventId": "e_123sadasdasda",
        "eventType": "record.new",
        "eventData": _APPLICATION_DOC,
        "syncType": "initial_sync",
        "syncDataType": "ats_applications",
        "syncJobId": "sj_asda32424",
        "syncRunId": "sr_jhhkk80869",
        "recordId": "123",
    },
    "record.modified:ats_applications": _record(
        "record.modified",
        "ev_Tq7Wm2Xc9Vb4Nz1Kp5Lr8S",
        {
            "info": {
                "id": "app_5821",
                "candidateId": "cand_9912",
                "jobId": "job_311",
                "sourceType": "REFERRAL",
            },
            "currentStage": {"id": "stg_4", "name": "Onsite interview"},
            "interviews": [],
            "rejection": {},
            "offers": [],
            "attachments": [],
        },
        "ats_applications",
        "app_5821",
    ),
    "record.deleted:ats_applications": _record(
        "record.deleted",
        "ev_jLPn5iJNhvhDBh91xtb8kd",
        {"applicationId": "app_5821", "candidateId": "cand_9912", "jobId": "job_311"},
        "ats_applications",
        "app_5821",
    ),
    "record.new:ats_jobs": _record(
        "record.new",
        "ev_Yh3Gf6Ds9Aq2Wz5Xc8Vb1N",
        {
            "info": {
                "id": "job_311",
                "title": "Robotics Engineer",
                "status": "OPEN",
                "departments": [{"id": "dep_7", "name": "R&D"}],
            }
        },
        "ats_jobs",
        "job_311",
    ),
    "record.modified:ats_candidates": _record(
        "record.modified",
        "ev_Pl0Ok9Ij8Uh7Yg6Tf5Rd4E",
        {
            "info": {
                "id": "cand_9912",
                "firstName": "José",
                "lastName": "Álvarez",
                "emails": ["jose.alvarez@example.es"],
                "phones": ["+34 600 123 456"],
            }
        },
        "ats_candidates",
        "cand_9912",
    ),
}
