"""A local Kombo: the read API's employee, candidate, application and job lists over real HTTP on
loopback.

From Kombo's API reference and its SDKs (generated from its OpenAPI): ``Authorization: Bearer
<API key>`` and ``X-Integration-Id`` on every call; a list answers ``{"status": "success", "data":
{"next", "results"}}``, takes ``cursor``, ``page_size`` (at most 250) and ``updated_after``, and
leaves deleted records out unless ``include_deleted=true``; errors are ``{"status": "error",
"error": {"code", "title", "message", "log_url"}}`` with codes such as
``PLATFORM.AUTHENTICATION_INVALID``, ``PLATFORM.INTEGRATION_NOT_FOUND`` and
``PLATFORM.RATE_LIMIT_EXCEEDED``.

Where the docs are silent the simulator chooses: a missing or wrong key is ``401``, a missing
``X-Integration-Id`` ``400``, an integration the key's environment does not have ``404``, a rate
limit ``429`` with ``Retry-After`` in seconds; ``updated_after`` keeps records whose
``changed_at`` is strictly later; the cursor is the offset of the next page (opaque to clients);
the default page size is 100.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime
from typing import Any

from providers.testing import Reject, SimRequest, VendorSimulator, route, simulator_fixtures

API_KEY = "kombo-api-key-3f9c2e"
HRIS = "personio:CBNMt7dSNCzBdnRTx87dev4E"
ATS = "greenhouse:8Yh3TqWv2KcNxLmB5rDs7ZpJ"
EMPLOYEE = "26vafvWSRmbhNcxJYqjCzuJg"
MANAGER = "8Xi6iZrwusZqJmDGXs49GBmJ"
CANDIDATE = "25kH3hkpPPJf6Ft8WHpkNyPw"
APPLICATION = "H6PqtXBoVbZK2dB2KNpaAiRn"
JOB = "4Ah8z6hNykH2rpDyMyNa5Xrm"
STAGE = "5eYDCK2YBHcpaQdCnDDwKpdH"
MAX_PAGE_SIZE = 250
DEFAULT_PAGE_SIZE = 100
LISTS = ("/hris/employees", "/ats/candidates", "/ats/applications", "/ats/jobs")


def employee(
    employee_id: str,
    first: str,
    last: str,
    changed_at: str,
    *,
    status: str = "ACTIVE",
    manager: bool = True,
) -> dict[str, Any]:
    """An employee as Kombo's ``GET /hris/employees`` answers one."""
    return {
        "id": employee_id,
        "remote_id": "859",
        "employee_number": "1042",
        "first_name": first,
        "last_name": last,
        "display_full_name": f"{first} {last}",
        "job_title": "Engineer",
        "work_email": f"{first.lower()}@example.com",
        "personal_email": f"{first.lower()}@home.example",
        "mobile_phone_number": "+49 30 1234567",
        "employment_status": status,
        "employment_type": "FULL_TIME",
        "start_date": "2024-03-01T00:00:00.000Z",
        "termination_date": "2025-01-31T00:00:00.000Z" if status == "INACTIVE" else None,
        "manager_id": MANAGER if manager else None,
        "manager": {
            "id": MANAGER,
            "first_name": "Grace",
            "last_name": "Hopper",
            "display_full_name": "Grace Hopper",
            "work_email": "grace@example.com",
        }
        if manager
        else None,
        "groups": [{"id": "g1", "remote_id": "1", "name": "R&D", "type": "DEPARTMENT"}],
        "work_location": {"id": "wl1", "remote_id": "1", "name": "Berlin", "type": "OFFICE"},
        "custom_fields": {},
        "employments": [],
        "time_off_balances": [],
        "changed_at": changed_at,
        "remote_deleted_at": None,
    }


def _candidate(changed_at: str) -> dict[str, Any]:
    return {
        "id": CANDIDATE,
        "remote_id": "32",
        "first_name": "Frank",
        "last_name": "Doe",
        "company": "Acme Inc.",
        "title": "Head of Marketing",
        "email_addresses": [{"email_address": "frank.doe@example.com", "type": "PRIVATE"}],
        "phone_numbers": [{"phone_number": "+1-541-754-3010", "type": "HOME"}],
        "tags": [{"id": "t1", "remote_id": "1", "name": "Wants to relocate"}],
        "applications": [{"id": APPLICATION, "job": {"id": JOB, "name": "Staff Engineer"}}],
        "changed_at": changed_at,
        "remote_deleted_at": None,
    }


def _application(changed_at: str) -> dict[str, Any]:
    return {
        "id": APPLICATION,
        "remote_id": "32:12",
        "outcome": "PENDING",
        "rejection_reason_name": None,
        "current_stage_id": STAGE,
        "job_id": JOB,
        "candidate_id": CANDIDATE,
        "candidate": {
            "id": CANDIDATE,
            "remote_id": "32",
            "first_name": "Frank",
            "last_name": "Doe",
            "email_addresses": [{"email_address": "frank.doe@example.com", "type": "PRIVATE"}],
            "tags": [],
        },
        "current_stage": {"id": STAGE, "remote_id": "7", "name": "On-site", "index": 2},
        "job": {"id": JOB, "remote_id": "12", "name": "Staff Engineer"},
        "interviews": [],
        "offers": [],
        "changed_at": changed_at,
        "remote_deleted_at": None,
    }


def _job(changed_at: str) -> dict[str, Any]:
    return {
        "id": JOB,
        "remote_id": "12",
        "name": "Staff Engineer",
        "status": "OPEN",
        "employment_type": "FULL_TIME",
        "department": "Platform",
        "location": {"city": "Berlin", "state": "Berlin", "country": "DE", "raw": "Berlin, DE"},
        "stages": [],
        "changed_at": changed_at,
        "remote_deleted_at": None,
    }


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class KomboSim(VendorSimulator):
    name = "kombo-sim"

    def __init__(self) -> None:
        self.records: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self.rate_limited: int | None = None
        """Seconds of ``Retry-After`` every call is answered ``429`` with, while set."""
        self.reads: list[tuple[str, str, dict[str, str]]] = []
        """Every list read answered: its integration, path and query."""
        super().__init__()

    def reset_state(self) -> None:
        self.rate_limited = None
        self.reads = []
        self.records = {
            HRIS: {
                "/hris/employees": [
                    employee(EMPLOYEE, "Ada", "Lovelace", "2025-12-31T12:00:00.000Z"),
                    employee(
                        "7yKe1nvzPgL1Jc4RhF5tQAaB",
                        "Alan",
                        "Turing",
                        "2025-06-01T08:00:00.000Z",
                        status="INACTIVE",
                        manager=False,
                    ),
                ],
            },
            ATS: {
                "/ats/candidates": [_candidate("2025-12-31T11:00:00.000Z")],
                "/ats/applications": [_application("2025-12-31T11:00:00.000Z")],
                "/ats/jobs": [_job("2025-12-31T10:00:00.000Z")],
            },
        }

    def changed_now(self) -> None:
        """Every record changed just now (the gateway's look-back counts from the real clock)."""
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self.lock:
            for lists in self.records.values():
                for records in lists.values():
                    for record in records:
                        record["changed_at"] = now

    def add_employees(self, count: int, changed_at: str) -> None:
        """``count`` more employees of the HRIS integration, changed at ``changed_at``."""
        found = self.records[HRIS]["/hris/employees"]
        found.extend(
            employee(f"bulk{n:05d}", "Bulk", f"Person{n}", changed_at, manager=False)
            for n in range(count)
        )

    def reject_body(self, reject: Reject) -> Any:
        return {
            "status": "error",
            "error": {
                "code": reject.code,
                "title": None,
                "message": reject.message,
                "log_url": None,
            },
        }

    def answer_headers(self, request: SimRequest, status: int) -> list[tuple[str, str]]:
        if status == 429 and self.rate_limited is not None:
            return [("retry-after", str(self.rate_limited))]
        return []

    def authenticate(self, request: SimRequest, auth: Any) -> Any:
        if self.rate_limited is not None:
            raise Reject(429, "Rate limit exceeded.", "PLATFORM.RATE_LIMIT_EXCEEDED")
        given = request.headers.get("authorization", "").strip()
        if not secrets.compare_digest(given.encode(), f"Bearer {API_KEY}".encode()):
            raise Reject(401, "The API key is invalid.", "PLATFORM.AUTHENTICATION_INVALID")
        integration = request.headers.get("x-integration-id", "").strip()
        if not integration:
            raise Reject(400, "The X-Integration-Id header is missing.", "PLATFORM.INPUT_INVALID")
        if integration not in self.records:
            raise Reject(
                404, "No integration with this id exists.", "PLATFORM.INTEGRATION_NOT_FOUND"
            )
        return integration

    def _list(self, request: SimRequest, path: str) -> tuple[int, Any]:
        self.reads.append((request.principal, path, dict(request.query)))
        found = list(self.records[request.principal].get(path, []))
        if request.query.get("include_deleted") != "true":
            found = [r for r in found if not r.get("remote_deleted_at")]
        if after := request.query.get("updated_after"):
            try:
                since = _moment(after)
            except ValueError:
                raise Reject(400, "Invalid updated_after.", "PLATFORM.INPUT_INVALID") from None
            found = [r for r in found if _moment(r["changed_at"]) > since]
        try:
            size = int(request.query.get("page_size", DEFAULT_PAGE_SIZE))
            start = int(base64.urlsafe_b64decode(request.query.get("cursor", "") + "==") or 0)
        except ValueError:
            raise Reject(400, "Invalid page_size or cursor.", "PLATFORM.INPUT_INVALID") from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise Reject(400, "page_size must be 1 to 250.", "PLATFORM.INPUT_INVALID")
        page = found[start : start + size]
        more = start + size < len(found)
        cursor = base64.urlsafe_b64encode(str(start + size).encode()).decode() if more else None
        return 200, {"status": "success", "data": {"next": cursor, "results": page}}

    @route("GET", "/hris/employees")
    def employees(self, request: SimRequest) -> tuple[int, Any]:
        return self._list(request, "/hris/employees")

    @route("GET", "/ats/candidates")
    def candidates(self, request: SimRequest) -> tuple[int, Any]:
        return self._list(request, "/ats/candidates")

    @route("GET", "/ats/applications")
    def applications(self, request: SimRequest) -> tuple[int, Any]:
        return self._list(request, "/ats/applications")

    @route("GET", "/ats/jobs")
    def jobs(self, request: SimRequest) -> tuple[int, Any]:
        return self._list(request, "/ats/jobs")


kombo_sim_server, kombo_sim = simulator_fixtures(KomboSim, "kombo_sim")
