"""One Remote notification per event type, as its docs show them: the ``event_type``, the
``company_id`` and the ids the type names (the ``employment.onboarding.completed`` and
``payslip.released`` bodies of Remote's webhook guide; the ``offboarding.*`` bodies of its API
reference)."""

from __future__ import annotations

from typing import Any

COMPANY = "acme-inc"
EMPLOYMENT = "b0f8c2d4-1111-2222-3333-444455556666"


def _body(event_type: str, **ids: str) -> dict[str, Any]:
    return {"event_type": event_type, "company_id": COMPANY, **ids}


def _employment(event_type: str) -> dict[str, Any]:
    return _body(event_type, employment_id=EMPLOYMENT)


def _timeoff(event_type: str) -> dict[str, Any]:
    return _body(
        event_type, employment_id=EMPLOYMENT, timeoff_id="7c1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
    )


def _offboarding(event_type: str) -> dict[str, Any]:
    return _body(
        event_type,
        employment_id=EMPLOYMENT,
        offboarding_request_id="0073fcb5-b669-4e4a-b963-2a47744e75a1",
    )


def _amendment(event_type: str) -> dict[str, Any]:
    return _body(
        event_type,
        employment_id=EMPLOYMENT,
        contract_amendment_request_id="5d2c9e1f-3a4b-4c5d-9e6f-708192a3b4c5",
    )


EMPLOYMENT_TYPES = (
    "employment.onboarding.started",
    "employment.onboarding.completed",
    "employment.onboarding.cancelled",
    "employment.onboarding_task.completed",
    "employment.account.updated",
    "employment.administrative_details.updated",
    "employment.details.updated",
    "employment.personal_information.updated",
    "employment.work_email.updated",
    "employment.start_date.changed",
    "employment.user_status.activated",
    "employment.user_status.deactivated",
    "employment.user_status.initiated",
    "employment.user_status.invited",
    "employment.eor_hiring.proof_of_payment_accepted",
    "employment.no_longer_eligible_for_onboarding_cancellation",
    "employment.probation_completion_letter.submitted",
    "employment.probation_completion_letter.completed",
    "employment.probation_completion_letter.cancelled",
    "employment.probation_period_extension.submitted",
    "employment.probation_period_extension.completed",
    "employment.probation_period_extension.cancelled",
    "employment.probation.period_ending_reminder_sent",
    "employment_company_structure_node.updated",
    "employment_contract.active_contract_updated",
    "employment_contract.adjusted_during_onboarding",
)
TIMEOFF_TYPES = (
    "timeoff.requested",
    "timeoff.approved",
    "timeoff.declined",
    "timeoff.canceled",
    "timeoff.cancellation_requested",
    "timeoff.date_changed",
    "timeoff.updated",
    "timeoff.started",
    "timeoff.taken",
)
OFFBOARDING_TYPES = (
    "offboarding.submitted",
    "offboarding.review_started",
    "offboarding.submitted_to_payroll",
    "offboarding.completed",
    "offboarding.done",
    "offboarding.deleted",
)
AMENDMENT_TYPES = (
    "contract_amendment.submitted",
    "contract_amendment.review_started",
    "contract_amendment.done",
    "contract_amendment.canceled",
    "contract_amendment.deleted",
)
COMPANY_TYPES = (
    "company.activated",
    "company.archived",
    "company.eor_hiring.additional_information_required",
    "company.eor_hiring.reserve_payment_requested",
    "company.eor_hiring.no_reserve_payment_requested",
    "company.eor_hiring.referred",
    "company.eor_hiring.verification_completed",
)

SAMPLES: dict[str, dict[str, Any]] = {
    **{name: _employment(name) for name in EMPLOYMENT_TYPES},
    "employment.employment_agreement.available": _body(
        "employment.employment_agreement.available",
        employment_id=EMPLOYMENT,
        employment_agreement_id="e4a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b",
    ),
    "contract_document.status_changed": _body(
        "contract_document.status_changed",
        employment_id=EMPLOYMENT,
        contract_document_id="c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f",
    ),
    "custom_field.value_updated": _body(
        "custom_field.value_updated",
        employment_id=EMPLOYMENT,
        custom_field_id="f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
    ),
    **{name: _timeoff(name) for name in TIMEOFF_TYPES},
    **{name: _offboarding(name) for name in OFFBOARDING_TYPES},
    **{name: _amendment(name) for name in AMENDMENT_TYPES},
    **{name: _body(name) for name in COMPANY_TYPES},
    "payslip.released": _body(
        "payslip.released",
        employment_id=EMPLOYMENT,
        payslip_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    ),
}

VARIANTS: dict[str, dict[str, Any]] = {
    # The API reference's offboarding bodies carry no company_id.
    "offboarding.completed:no_company": {
        "employment_id": "2614f814-b08e-4c8e-8c4d-ddbcc4692d99",
        "event_type": "offboarding.completed",
        "offboarding_request_id": "0073fcb5-b669-4e4a-b963-2a47744e75a1",
    },
}
