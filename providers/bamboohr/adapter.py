"""BambooHR (HRIS): event-based ``{type, timestamp, data}`` and legacy field-based
``{employees: [...]}`` bodies (JSON or form-encoded), signed ``X-BambooHR-Signature``.

The signature is hex HMAC-SHA256 keyed by the webhook's private key over the raw body followed by
the ``X-BambooHR-Timestamp`` header's bytes, no separator (BambooHR's security guide names the
body, the timestamp and the key; the order and encoding are what every published receiver uses).
BambooHR documents no tolerance and no timestamp format: ``check_request`` refuses a readable
timestamp further than ``max_age`` seconds from now (default one day: BambooHR retries a 5xx for
about 2.6 hours, and those retries must not be refused) and lets an unreadable one through, since
the signature already vouches for it. BambooHR sends no event id: the dedup key is the ``sha256:``
of the raw body, which BambooHR's retries repeat while the send-time header may change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from providers import (
    BODY,
    BaseAdapter,
    Header,
    NormalizationError,
    Signature,
    compact_json,
    format_timestamp,
    parse_timestamp,
    sha256_event_id,
    stale_request,
)
from providers.bamboohr.payloads import BambooBody, BambooEventData, BambooFieldEmployee
from providers.bamboohr.samples import (
    BATCH,
    FORM_ENCODED,
    ONE_WITH_FIELDS,
    SAMPLES,
    VALUE_OBJECTS,
)
from schemas import Completeness, EventData, Normalized
from schemas.events import CompanyData, EmployeeChangedData, EmployeeData
from schemas.resources import (
    Company,
    Employee,
    EmploymentStatus,
    EmploymentType,
    Location,
    Person,
)

EVENT_TYPES: dict[str, str] = {
    "employee.created": "hris.employee.created",
    "employee.updated": "hris.employee.updated",
    "employee.deleted": "hris.employee.deleted",
    # A company status change to DELETED or CANCELLED: still a change of the company's status.
    "company.deleted": "hris.company.updated",
    "company.updated": "hris.company.updated",
    # Integrations of the company enabled, disabled or re-configured; the body names the company
    # only, no integration, so it is a change to the company's set-up.
    "company-integrations.updated": "hris.company.updated",
    "employee_with_fields.created": "hris.employee.created",
    "employee_with_fields.updated": "hris.employee.updated",
    "employee_with_fields.deleted": "hris.employee.deleted",
}
"""Every ``WebhookEventType`` of BambooHR's OpenAPI spec and its canonical type."""

FIELD_ACTIONS = {
    "created": "employee_with_fields.created",
    "updated": "employee_with_fields.updated",
    "deleted": "employee_with_fields.deleted",
}
"""A field-based employee's ``action`` and the event type BambooHR subscribes it under."""

ALSO_EMITS = {kind: ["hris.employee.changed"] for kind in FIELD_ACTIONS.values()}
"""A field-based delivery batching several employees is one ``hris.employee.changed``."""

TIMESTAMP_HEADER = "x-bamboohr-timestamp"
DEFAULT_MAX_AGE = 86400
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_FIELDS = 10_000

STATUSES: dict[str, EmploymentStatus] = {"active": "active", "inactive": "inactive"}
"""The ``Status`` field: BambooHR's employee status is Active or Inactive."""
EMPLOYMENT_TYPES: dict[str, EmploymentType] = {
    "fulltime": "full_time",
    "parttime": "part_time",
    "contractor": "contractor",
    "contract": "contractor",
    "intern": "intern",
    "internship": "intern",
    "temporary": "temporary",
}
"""The ``Employment Status`` field (a company list; these are BambooHR's defaults)."""

_FIELD_NAMES: dict[str, str] = {
    "firstname": "first_name",
    "lastname": "last_name",
    "employee": "employee_number",
    "employeenumber": "employee_number",
    "jobtitle": "job_title",
    "department": "department",
    "hiredate": "start_date",
    "terminationdate": "termination_date",
    "workemail": "work_email",
    "homeemail": "personal_email",
    "mobilephone": "phone",
    "workphone": "work_phone",
    "location": "location",
    "status": "status",
    "employmentstatus": "employment_type",
    "reportingto": "manager",
    "supervisor": "manager",
}
"""Field display names (``First Name``, ``Employee #``) and API aliases (``firstName``), with
case and punctuation folded, and the ``Employee`` attribute each fills."""

_FORM_KEY = re.compile(r"employees\[([^\]]*)\]\[([^\]]*)\](?:\[(\d+)\])?")
_NON_ALNUM = re.compile(r"[^0-9a-z]")


# ---- field-based bodies -----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A field value as text: a string, a number, or ``{"value": ...}`` around one."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _id(value: str | int | None) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    return str(value) or None


def _date(value: str | None) -> str | None:
    """A BambooHR date (``YYYY-MM-DD``; ``0000-00-00`` is its "no date") or None."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def _employee(e: BambooFieldEmployee) -> Employee:
    found: dict[str, str] = {}
    for name, value in (e.fields or {}).items():
        attribute = _FIELD_NAMES.get(_NON_ALNUM.sub("", name.lower()))
        text = _text(value)
        if attribute is not None and text is not None:
            found.setdefault(attribute, text)
    first, last = found.get("first_name"), found.get("last_name")
    status = found.get("status")
    kind = found.get("employment_type")
    manager = found.get("manager")
    return Employee(
        id=_id(e.id),
        name=f"{first} {last}" if first and last else None,
        first_name=first,
        last_name=last,
        email=found.get("work_email") or found.get("personal_email"),
        work_email=found.get("work_email"),
        personal_email=found.get("personal_email"),
        phone=found.get("phone") or found.get("work_phone"),
        job_title=found.get("job_title"),
        department=found.get("department"),
        manager=Person(name=manager) if manager else None,
        location=Location(name=found["location"]) if "location" in found else None,
        employment_status=(STATUSES.get(status.lower(), "unknown") if status is not None else None),
        raw_status=status,
        employment_type=(
            EMPLOYMENT_TYPES.get(_NON_ALNUM.sub("", kind.lower()), "unknown")
            if kind is not None
            else None
        ),
        start_date=_date(found.get("start_date")),
        termination_date=_date(found.get("termination_date")),
        employee_number=found.get("employee_number"),
    )


def form_to_batch(raw_body: bytes) -> dict[str, Any]:
    """A form-encoded field-based body as the JSON it stands for: ``employees[<id>][<field>]``
    is a field's value, ``employees[<id>][changedFields][<n>]`` a changed field's name."""
    try:
        text = raw_body.decode("utf-8")
    except UnicodeDecodeError:
        raise NormalizationError("bamboohr", "form body is not UTF-8") from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise NormalizationError("bamboohr", "form body has too many fields") from None
    employees: dict[str, dict[str, Any]] = {}
    for key, value in pairs:
        match = _FORM_KEY.fullmatch(key)
        if match is None:
            continue
        employee_id, name, index = match.groups()
        record = employees.setdefault(employee_id, {"id": employee_id, "fields": {}})
        if index is not None and name == "changedFields":
            record.setdefault("changedFields", []).append(value)
        elif name in ("action", "timestamp"):
            record[name] = value
        else:
            record["fields"][name] = value
    if not employees:
        raise NormalizationError("bamboohr", "form body names no employees")
    return {"employees": list(employees.values())}


def is_form(raw_body: bytes) -> bool:
    return raw_body.lstrip()[:10] == b"employees["


# ---- the adapter ----------------------------------------------------------------------------


class BambooHRAdapter(BaseAdapter):
    name = "bamboohr"
    display_name = "BambooHR"
    category = "hris"
    signature = Signature(
        header="X-BambooHR-Signature",
        signed=(BODY, Header(TIMESTAMP_HEADER)),
        timestamp_header=TIMESTAMP_HEADER,
    )
    event_types = EVENT_TYPES
    also_emits = ALSO_EMITS
    kept_headers = ("company-domain",)
    """The company's domain, sent when the webhook was created with ``includeCompanyDomain``."""

    def check_request(
        self,
        raw_body: bytes,
        headers: Mapping[str, str],
        *,
        now: datetime,
        settings: Mapping[str, str],
    ) -> str | None:
        sent = parse_timestamp(_epoch_or_text(headers.get(TIMESTAMP_HEADER, "")))
        if sent is None:
            return None
        return stale_request(
            datetime.fromisoformat(sent.replace("Z", "+00:00")).timestamp(),
            now=now,
            settings=settings,
            default_max_age=DEFAULT_MAX_AGE,
            what="X-BambooHR-Timestamp",
        )

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        if is_form(raw_body):
            return {"content-type": FORM_CONTENT_TYPE}
        return super().request_headers(raw_body)

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        event_id = sha256_event_id(raw_body)
        body = compact_json(form_to_batch(raw_body)) if is_form(raw_body) else raw_body
        found: BambooBody = self.decode(body, BambooBody)
        if found.type is None and found.employees is not None:
            return self._field_based(body, found.employees, event_id, received_at)
        if not found.type:
            raise NormalizationError(self.name, "payload has neither type nor employees")
        when = parse_timestamp(found.timestamp) or format_timestamp(received_at)
        if found.type not in EVENT_TYPES or found.type in FIELD_ACTIONS.values():
            return self.unmapped(body, found.type, event_id, when)
        data, completeness = _event_data(found.type, found.data or BambooEventData())
        return self.parts(
            vendor_type=found.type,
            event_id=event_id,
            timestamp=when,
            completeness=completeness,
            data=data,
        )

    def _field_based(
        self,
        body: bytes,
        employees: list[BambooFieldEmployee],
        event_id: str,
        received_at: datetime,
    ) -> Normalized:
        """A field-based delivery (``body`` is JSON: a form post is converted first)."""
        if not employees:
            raise NormalizationError(self.name, "field-based payload names no employees")
        first = employees[0]
        vendor_type = FIELD_ACTIONS.get((first.action or "updated").lower())
        when = parse_timestamp(first.timestamp) or format_timestamp(received_at)
        if vendor_type is None:
            return self.unmapped(body, f"employee_with_fields.{first.action}", event_id, when)
        if len(employees) > 1:
            ids = [i for i in (_id(e.id) for e in employees) if i is not None]
            return Normalized(
                type="hris.employee.changed",
                timestamp=when,
                event_id=event_id,
                event_type=vendor_type,
                completeness="reference",
                data=EmployeeChangedData(employee_ids=ids),
                signature_scope=self.signature_scope,
            )
        employee = _employee(first)
        completeness: Completeness = "partial" if first.fields else "reference"
        return self.parts(
            vendor_type=vendor_type,
            event_id=event_id,
            timestamp=when,
            completeness=completeness,
            data=EmployeeData(employee=employee),
        )

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        return SAMPLES

    def sample_variants(self) -> dict[str, bytes]:
        return {
            "employee_with_fields.updated:form-encoded": FORM_ENCODED,
            "employee_with_fields.updated:value-objects": compact_json(VALUE_OBJECTS),
            "employee_with_fields.updated:record": compact_json(ONE_WITH_FIELDS),
            "employee_with_fields.updated:batch": compact_json(BATCH),
        }


def _epoch_or_text(value: str) -> object:
    """The timestamp header as unix seconds (what receivers capture) or, failing that, text."""
    text = value.strip()
    if text.isascii() and text.isdigit() and len(text) <= 16:
        return int(text)
    return text


def _event_data(vendor_type: str, d: BambooEventData) -> tuple[EventData, Completeness]:
    company = Company(id=_id(d.company_id)) if _id(d.company_id) is not None else None
    if vendor_type.startswith("employee."):
        employee = Employee(id=_id(d.employee_id))
        return EmployeeData(employee=employee, company=company), "reference"
    return CompanyData(company=company or Company()), "reference"
