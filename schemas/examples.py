"""Illustrative adapter outputs for canonical types no built-in adapter emits yet.

``docs/events.md`` shows one of these where it has no adapter sample to normalise, so every type
is documented with the shape subscribers will receive; an adapter's own sample replaces it there
once one maps to the type. The values are invented, the shapes are the published ones.
"""

from __future__ import annotations

from schemas.events import (
    BackgroundCheckData,
    CompanyData,
    Completeness,
    ConnectionData,
    DataChangedData,
    DocumentData,
    EmployeeData,
    EmploymentData,
    EventData,
    PayrollData,
    PayslipData,
    TimeOffData,
)
from schemas.normalized import Normalized
from schemas.resources import (
    BackgroundCheck,
    Company,
    ConnectionIssue,
    Connector,
    Document,
    Employee,
    Employment,
    EndUser,
    Location,
    Money,
    Pay,
    Payroll,
    PayrollStatus,
    Payslip,
    Person,
    TimeOff,
    TimeOffStatus,
)

TIMESTAMP = "2025-01-15T10:30:00Z"

_COMPANY = Company(id="co_8841", name="Acme GmbH")
_MANAGER = Person(id="e_1002", name="Grace Hopper")
_CONNECTOR = Connector(
    id="la_5f2c",
    name="Personio",
    integration="personio",
    categories=["hris"],
    org_name="Acme GmbH",
    status="COMPLETE",
    end_user=EndUser(id="acme-42", name="Acme GmbH", email="it@acme.example"),
)
_EMPLOYEE = Employee(
    id="e_1001",
    name="Ada Lovelace",
    first_name="Ada",
    last_name="Lovelace",
    email="ada@acme.example",
    work_email="ada@acme.example",
    personal_email="ada.l@mail.example",
    phone="+49 30 1234567",
    job_title="Software Engineer",
    department="Engineering",
    manager=_MANAGER,
    location=Location(name="Berlin HQ", city="Berlin", country="DE"),
    status="Active",
    employment_status="active",
    raw_status="Active",
    employment_type="full_time",
    start_date="2025-02-01",
    employee_number="1001",
)
_EMPLOYMENT = Employment(
    id="emp_77",
    employee_id="e_1001",
    job_title="Software Engineer",
    department="Engineering",
    manager=_MANAGER,
    employment_type="full_time",
    status="active",
    raw_status="ACTIVE",
    start_date="2025-02-01",
    pay=Pay(amount=85000, currency="EUR", period="year"),
)
_TIME_OFF = TimeOff(
    id="to_3301",
    employee_id="e_1001",
    type="Paid vacation",
    policy_id="pol_9",
    status="pending",
    approval_status="requested",
    raw_status="pending",
    start="2025-03-10",
    end="2025-03-14",
    amount=5,
    unit="days",
)
_PAYROLL = Payroll(
    id="pr_c02f",
    status="submitted",
    raw_status="submitted",
    run_type="regular",
    period_start="2025-01-01",
    period_end="2025-01-31",
    pay_date="2025-01-31",
)


def _example(
    event_type: str, vendor_type: str, data: EventData, completeness: Completeness = "full"
) -> Normalized:
    return Normalized(
        type=event_type,
        timestamp=TIMESTAMP,
        event_id=f"example-{event_type}",
        event_type=vendor_type,
        completeness=completeness,
        data=data,
    )


def _employee_ref() -> Employee:
    return Employee(id=_EMPLOYEE.id)


def _time_off_in(status: str, approval: TimeOffStatus) -> TimeOff:
    return TimeOff(
        id=_TIME_OFF.id,
        employee_id=_TIME_OFF.employee_id,
        type=_TIME_OFF.type,
        status=status,
        approval_status=approval,
        raw_status=status,
        start=_TIME_OFF.start,
        end=_TIME_OFF.end,
        amount=_TIME_OFF.amount,
        unit=_TIME_OFF.unit,
    )


def _payroll_in(status: PayrollStatus) -> Payroll:
    return Payroll(
        id=_PAYROLL.id,
        status=status,
        raw_status=status,
        run_type=_PAYROLL.run_type,
        period_start=_PAYROLL.period_start,
        period_end=_PAYROLL.period_end,
        pay_date=_PAYROLL.pay_date,
    )


EXAMPLES: dict[str, Normalized] = {
    example.type: example
    for example in (
        _example(
            "hris.employee.deleted", "employee.deleted", EmployeeData(employee=_employee_ref())
        ),
        _example(
            "hris.employee.started",
            "employment.started",
            EmployeeData(employee=_employee_ref(), employment=Employment(id=_EMPLOYMENT.id)),
            "reference",
        ),
        _example(
            "hris.employee.terminated",
            "employee.terminated",
            EmployeeData(
                employee=Employee(
                    id=_EMPLOYEE.id,
                    name=_EMPLOYEE.name,
                    status="Terminated",
                    employment_status="terminated",
                    raw_status="Terminated",
                    termination_date="2025-06-30",
                ),
                company=_COMPANY,
            ),
        ),
        _example(
            "hris.employment.created",
            "Employment.added",
            EmploymentData(employment=_EMPLOYMENT, employee=_EMPLOYEE, connector=_CONNECTOR),
        ),
        _example(
            "hris.employment.updated",
            "employment.updated",
            EmploymentData(employment=_EMPLOYMENT, employee=_employee_ref()),
        ),
        _example(
            "hris.employment.deleted",
            "employment.deleted",
            EmploymentData(employment=Employment(id=_EMPLOYMENT.id), employee=_employee_ref()),
            "reference",
        ),
        _example(
            "hris.time_off.requested",
            "timeoff.request.requested",
            TimeOffData(
                time_off=_TIME_OFF, employee=Employee(id=_EMPLOYEE.id, name=_EMPLOYEE.name)
            ),
        ),
        _example(
            "hris.time_off.approved",
            "timeoff.request.approved",
            TimeOffData(
                time_off=_time_off_in("approved", "approved"),
                employee=_employee_ref(),
                actor=_MANAGER,
            ),
        ),
        _example(
            "hris.time_off.declined",
            "timeoff.request.declined",
            TimeOffData(
                time_off=_time_off_in("declined", "declined"),
                employee=_employee_ref(),
                actor=_MANAGER,
            ),
        ),
        _example(
            "hris.time_off.cancelled",
            "timeoff.request.canceled",
            TimeOffData(time_off=TimeOff(id=_TIME_OFF.id), employee=_employee_ref()),
            "reference",
        ),
        _example(
            "hris.payroll.created",
            "payroll.created",
            PayrollData(payroll=_payroll_in("draft"), company=_COMPANY),
        ),
        _example(
            "hris.payroll.updated",
            "payroll.updated",
            PayrollData(payroll=Payroll(id=_PAYROLL.id), company=Company(id=_COMPANY.id)),
            "reference",
        ),
        _example(
            "hris.payroll.submitted",
            "payroll.submitted",
            PayrollData(payroll=_PAYROLL, company=_COMPANY),
        ),
        _example(
            "hris.payroll.paid",
            "payroll.paid",
            PayrollData(payroll=_payroll_in("paid"), company=_COMPANY),
        ),
        _example(
            "hris.payroll.cancelled",
            "payroll.cancelled",
            PayrollData(payroll=_payroll_in("cancelled"), company=_COMPANY),
        ),
        _example(
            "hris.payslip.released",
            "payslip.released",
            PayslipData(
                payslip=Payslip(
                    id="ps_5521",
                    employee_id=_EMPLOYEE.id,
                    employment_id=_EMPLOYMENT.id,
                    payroll_id=_PAYROLL.id,
                    period_start="2025-01-01",
                    period_end="2025-01-31",
                    pay_date="2025-01-31",
                    gross_pay=Money(amount=7083.33, currency="EUR"),
                    net_pay=Money(amount=4350.12, currency="EUR"),
                ),
                company=Company(id=_COMPANY.id),
            ),
        ),
        _example(
            "hris.company.created",
            "company.provisioned",
            CompanyData(company=_COMPANY),
        ),
        _example(
            "hris.company.updated",
            "company.updated",
            CompanyData(company=_COMPANY, connector=_CONNECTOR),
        ),
        _example(
            "hris.background_check.completed",
            "bgcheck.result.available",
            BackgroundCheckData(
                background_check=BackgroundCheck(
                    id="d1f5e39c-fcfd-4f08-b5fa-66ce7112ffef",
                    employment_id=_EMPLOYMENT.id,
                    name="Softcheck",
                    status="COMPLETE",
                    result="clear",
                    raw_result="CLEARED",
                    created_at="2024-09-05T08:28:24.394Z",
                    completed_at="2024-09-05T08:32:51.658Z",
                ),
                employment=Employment(id=_EMPLOYMENT.id),
                company=Company(id=_COMPANY.id),
            ),
            "partial",
        ),
        _example(
            "hris.document.available",
            "tax.document.available",
            DocumentData(
                document=Document(
                    id="doc_5521", employee_id=_EMPLOYEE.id, type="W-2", name="W-2 2024", year=2024
                ),
                employee=_employee_ref(),
                company=Company(id=_COMPANY.id),
            ),
            "reference",
        ),
        _example(
            "ats.data.changed",
            "data-changed",
            DataChangedData(
                record_ids=[],
                models=["ats_applications", "ats_candidates"],
                connector=Connector(
                    id="greenhouse:8ZxQ", integration="greenhouse", categories=["ats"]
                ),
            ),
            "reference",
        ),
        _example(
            "connection.created", "LinkedAccount.linked", ConnectionData(connector=_CONNECTOR)
        ),
        _example(
            "connection.updated",
            "Issue.created",
            ConnectionData(
                connector=Connector(id=_CONNECTOR.id, integration="personio", status="INCOMPLETE"),
                issue=ConnectionIssue(
                    id="iss_41",
                    status="open",
                    raw_status="ONGOING",
                    message="Missing permissions to read employments",
                ),
            ),
        ),
        _example(
            "connection.deleted",
            "LinkedAccount.deleted",
            ConnectionData(connector=Connector(id=_CONNECTOR.id, integration="personio")),
        ),
    )
}
