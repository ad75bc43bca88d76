"""Remote's webhook body: flat and thin, ``{event_type, company_id, <resource>_id...}``.

There is no ``data`` wrapper, no event id and no time in the body: each event type carries its
own id fields (``employment_id``, ``timeoff_id``, ``payslip_id``, ``offboarding_request_id``…),
and ``company_id`` names the company. The signed send time is the ``X-Remote-Timestamp``
header.
"""

from __future__ import annotations

import msgspec


class RemoteNotification(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Every id a Remote notification may carry; unknown fields are ignored."""

    event_type: str
    company_id: str | None = None
    employment_id: str | None = None
    timeoff_id: str | None = None
    payslip_id: str | None = None
    offboarding_request_id: str | None = None
    contract_amendment_request_id: str | None = None
    contract_document_id: str | None = None
    custom_field_id: str | None = None
    employment_agreement_id: str | None = None


class RemoteCountry(msgspec.Struct):
    code: str | None = None
    name: str | None = None


class RemoteEmploymentRecord(msgspec.Struct, kw_only=True):
    """``GET /v1/employments/{id}``'s ``data.employment``, the fields mapped."""

    id: str
    full_name: str | None = None
    personal_email: str | None = None
    work_email: str | None = None
    job_title: str | None = None
    country: RemoteCountry | None = None
    type: str | None = None
    """``employee``, ``contractor``, ``global_payroll_employee``..."""
    status: str | None = None
    """``created``, ``invited``, ``initiated``, ``pending``, ``review``, ``active``, ``probation``,
    ``offboarding_initiated``, ``offboarded``, ``archived``..."""
    provisional_start_date: str | None = None


class RemoteTimeOffRecord(msgspec.Struct, kw_only=True):
    """``GET /v1/timeoff/{id}``'s ``data.timeoff``, the fields mapped."""

    id: str
    employment_id: str | None = None
    timeoff_type: str | None = None
    status: str | None = None
    """``requested``, ``approved``, ``declined``, ``cancelled``, ``cancel_requested``, ``taken``."""
    start_date: str | None = None
    end_date: str | None = None
