"""BambooHR's provisioner against the simulator: what it asks BambooHR for, what it keeps, and a
provisioned webhook delivering to a running gateway."""

from __future__ import annotations

import json
from typing import Any

import httpx
import msgspec
import pytest

from gateway.core.settings import Settings
from providers import ProvisioningError, VendorState
from providers.bamboohr import SAMPLES
from providers.bamboohr.provisioner import BambooHRProvision, BambooHRProvisioner
from tests.conftest import ADMIN
from tests.providers.bamboohr.bamboohr_sim import BambooHRSim
from tests.providers.ingest_helpers import running_gateway
from tests.providers.provisioning_helpers import provision_context

provisioner = BambooHRProvisioner()
KEY = "bhr-acme-api-key-4f7e2a9c"
INGEST = "https://hooks.acme.test/ingest/bamboohr/acme"


async def run(sim: BambooHRSim, call: Any) -> Any:
    async with httpx.AsyncClient(timeout=10) as http:
        ctx = provision_context(http, sim.api_url_template, INGEST)
        return await call(ctx)


def request(**extra: Any) -> BambooHRProvision:
    return msgspec.convert({"company_domain": "acme", "api_key": KEY, **extra}, BambooHRProvision)


async def test_provision_makes_one_webhook_and_keeps_its_private_key(
    bamboohr_sim: BambooHRSim,
) -> None:
    bamboohr_sim.add_key("acme", KEY)
    result = await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request()))
    [webhook] = bamboohr_sim.webhooks()
    assert webhook.url == INGEST
    assert webhook.format == "json"
    assert webhook.events == ["employee.created", "employee.updated", "employee.deleted"]
    # Without monitor_fields, every field BambooHR lists as monitorable for this user.
    assert webhook.monitor_fields == [
        "firstName",
        "lastName",
        "jobTitle",
        "department",
        "employmentHistoryStatus",
        "status",
    ]
    assert list(result.secrets) == [webhook.private_key]
    assert result.state["webhook_id"] == str(webhook.id)
    assert result.credentials == {"api_key": KEY}
    assert result.summary.endpoint_id == str(webhook.id)


async def test_a_field_the_user_may_not_see_is_refused(bamboohr_sim: BambooHRSim) -> None:
    bamboohr_sim.add_key("acme", KEY, iter(["firstName"]))
    with pytest.raises(ProvisioningError) as caught:
        await run(
            bamboohr_sim,
            lambda ctx: provisioner.provision(ctx, request(monitor_fields=["firstName", "ssn"])),
        )
    assert caught.value.kind == "auth"
    assert "ssn" in caught.value.message
    assert bamboohr_sim.webhooks() == []


@pytest.mark.parametrize(
    "extra",
    [
        {"events": ["employee.created", "employee_with_fields.updated"]},
        {"events": ["employee.hired"]},
        {"events": []},
        {"company_domain": "evil.example/x"},
        {"monitor_fields": []},
    ],
)
async def test_invalid_requests_are_refused_before_calling_bamboohr(
    bamboohr_sim: BambooHRSim, extra: dict[str, Any]
) -> None:
    bamboohr_sim.add_key("acme", KEY)
    with pytest.raises(ProvisioningError) as caught:
        await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request(**extra)))
    assert caught.value.kind == "invalid"
    assert bamboohr_sim.webhooks() == []


async def test_update_replaces_the_events_and_keeps_the_private_key(
    bamboohr_sim: BambooHRSim,
) -> None:
    bamboohr_sim.add_key("acme", KEY)
    result = await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request()))
    vendor = VendorState(result.state, result.credentials)
    state, summary = await run(
        bamboohr_sim,
        lambda ctx: provisioner.update(
            ctx, vendor, events=["employee.deleted", "company.updated"], description=None
        ),
    )
    [webhook] = bamboohr_sim.webhooks()
    assert webhook.events == ["employee.deleted", "company.updated"]
    assert webhook.private_key == result.secrets[0]
    assert state["events"] == ["employee.deleted", "company.updated"]
    assert summary.stats is not None
    assert summary.stats["events"] == state["events"]


async def test_health_reports_a_webhook_deleted_at_bamboohr(bamboohr_sim: BambooHRSim) -> None:
    bamboohr_sim.add_key("acme", KEY)
    result = await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request()))
    vendor = VendorState(result.state, result.credentials)
    assert (await run(bamboohr_sim, lambda ctx: provisioner.health(ctx, vendor))).error is None
    bamboohr_sim.reset()
    bamboohr_sim.add_key("acme", KEY)
    seen = await run(bamboohr_sim, lambda ctx: provisioner.health(ctx, vendor))
    assert seen.status == "missing"
    assert seen.error


async def test_a_provisioned_webhook_delivers_to_the_running_gateway(
    settings: Settings, bamboohr_sim: BambooHRSim
) -> None:
    """The gateway provisions through the simulator; the simulator then delivers over real
    HTTP, signed with the private key BambooHR chose, and a retry is a duplicate."""
    bamboohr_sim.add_key("acme", KEY)
    bamboohr_sim.require_https = False  # the gateway under test listens on plain HTTP
    env = {"UNIHOOK_PROVIDER_BAMBOOHR_API_URL": bamboohr_sim.api_url_template}
    with running_gateway(settings, provider_env=env) as public:
        async with httpx.AsyncClient(base_url=public, headers=ADMIN, timeout=15) as api:
            created = await api.post(
                "/v1/connections",
                json={
                    "provider": "bamboohr",
                    "tenant": "acme",
                    "provision": {"company_domain": "acme", "api_key": KEY},
                },
            )
            assert created.status_code == 201, created.text
            assert KEY not in created.text
            [webhook] = bamboohr_sim.webhooks()
            assert webhook.private_key not in created.text
            assert webhook.url == created.json()["ingest_url"]

            body = json.dumps(SAMPLES["employee.updated"]).encode()
            first = await bamboohr_sim.deliver(webhook.id, body)
            assert [a.status_code for a in first] == [202]
            again = await bamboohr_sim.deliver(webhook.id, body)
            assert [a.status_code for a in again] == [200]
            events = (await api.get("/v1/events", params={"provider": "bamboohr"})).json()["data"]
            assert [e["type"] for e in events] == ["hris.employee.updated"]

            deleted = await api.delete(f"/v1/connections/{created.json()['id']}")
            assert deleted.status_code in (200, 204), deleted.text
            assert bamboohr_sim.webhooks() == []


async def test_bamboohrs_error_text_reaches_the_operator_without_the_api_key(
    bamboohr_sim: BambooHRSim,
) -> None:
    bamboohr_sim.add_key("acme", KEY)
    bamboohr_sim.fail_next(400, {"error": {"message": f"Provided JSON is bad (key {KEY})"}})
    with pytest.raises(ProvisioningError) as caught:
        await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request()))
    assert caught.value.kind == "rejected"
    assert "Provided JSON is bad" in caught.value.message
    assert KEY not in caught.value.message
    assert KEY not in repr(caught.value)


async def test_a_rate_limited_bamboohr_is_a_quota_error(bamboohr_sim: BambooHRSim) -> None:
    bamboohr_sim.add_key("acme", KEY)
    bamboohr_sim.fail_next(429, {"error": {"code": 429, "message": "Over rate limit"}})
    with pytest.raises(ProvisioningError) as caught:
        await run(bamboohr_sim, lambda ctx: provisioner.provision(ctx, request()))
    assert caught.value.kind == "quota"
    assert bamboohr_sim.webhooks() == []
