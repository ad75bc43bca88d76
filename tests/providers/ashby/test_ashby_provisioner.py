"""Ashby's provisioner against the local Ashby (``tests/providers/ashby/ashby_sim.py``) over real HTTP.

The ingest side is a real loopback receiver standing in for the gateway's ingest URL: it answers
Ashby's pings ``404`` (no connection yet) or checks their signature like the gateway does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from providers import (
    ProvisionContext,
    ProvisioningError,
    ProvisionResult,
    VendorState,
)
from providers.ashby.client import UNLISTED_TYPES, WEBHOOK_TYPES
from providers.ashby.provisioner import AshbyProvision, AshbyProvisioner
from providers.registry import default_registry
from providers.testing import basic_user
from tests.providers.ashby.ashby_sim import READ, WRITE, AshbySim
from tests.providers.provisioning_helpers import provision_context
from tests.support.servers import ReceivedRequest, Receiver, ThreadedServer

KEY = "ashby-api-key-4f1e"


class Ingest:
    """A stand-in for the gateway's ingest URL: ``404`` until ``connected``, then it verifies."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.receiver = Receiver(check=self._check)
        self.server = ThreadedServer(self.receiver, name="ashby-ingest")

    def _check(self, request: ReceivedRequest) -> int:
        if self.token is None:
            return 404
        digest = hmac.new(self.token.encode(), request.body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(request.headers.get("ashby-signature", ""), "sha256=" + digest)
        return 202 if ok else 401

    @property
    def url(self) -> str:
        return self.server.base_url + "/ingest/ashby/acme"


@pytest.fixture(scope="module")
def ingest_server() -> Iterator[Ingest]:
    ingest = Ingest()
    with ingest.server:
        yield ingest


@pytest.fixture
def ingest(ingest_server: Ingest) -> Ingest:
    ingest_server.token = None
    ingest_server.receiver.requests.clear()
    return ingest_server


@pytest.fixture
def sim(ashby_sim: AshbySim) -> AshbySim:
    ashby_sim.add_key(KEY)
    return ashby_sim


@pytest.fixture
async def ctx(sim: AshbySim, ingest: Ingest) -> AsyncIterator[ProvisionContext]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield provision_context(http, sim.base_url, ingest.url)


PROVISIONER = AshbyProvisioner()


def vendor_of(result: ProvisionResult) -> VendorState:
    return VendorState(state=result.state, credentials=result.credentials)


def test_the_adapter_carries_the_provisioner() -> None:
    provisioner = default_registry().get("ashby").provisioner
    assert isinstance(provisioner, AshbyProvisioner)
    assert provisioner.request_type is AshbyProvision
    assert {"health", "update", "pause", "resume"} <= provisioner.capabilities


async def test_one_webhook_per_type_signed_with_a_fresh_random_token(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    (token,) = result.secrets
    assert len(token) == 64
    assert int(token, 16) >= 0
    made = sim.webhooks()
    # The reference's 17 types; the 4 it does not list are tried and refused by this Ashby.
    assert sorted(w.webhook_type for w in made) == sorted(WEBHOOK_TYPES)
    assert result.summary.stats is not None
    assert result.summary.stats["not_subscribed"] == list(UNLISTED_TYPES)
    assert {w.request_url for w in made} == {ingest.url}
    assert {w.secret_token for w in made} == {token}
    assert result.credentials == {"api_key": KEY, "secret_token": token}
    creates = [c for c in sim.calls if c.path == "/webhook.create"]
    assert {basic_user(c.authorization or "") for c in creates} == {KEY}  # the key as the user
    assert result.summary.endpoint_id == ",".join(w.id for w in made)
    again = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    assert again.secrets[0] != token


async def test_unlisted_types_are_created_where_ashby_accepts_them(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    sim.extra_types = UNLISTED_TYPES
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    assert len(sim.webhooks()) == len(WEBHOOK_TYPES) + len(UNLISTED_TYPES)
    assert result.summary.stats is not None
    assert "not_subscribed" not in result.summary.stats


async def test_an_unlisted_type_asked_for_explicitly_must_be_accepted(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(
            ctx, AshbyProvision(api_key=KEY, events=["applicationSubmit", "jobCreate"])
        )
    assert caught.value.kind == "rejected"
    assert "jobCreate" in caught.value.message
    assert sim.webhooks() == []  # the applicationSubmit webhook was deleted again


async def test_pings_before_the_connection_exists_leave_webhooks_disabled_until_activated(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    request = AshbyProvision(api_key=KEY, events=["applicationSubmit", "candidateHire"])
    result = await PROVISIONER.provision(ctx, request)
    assert [p.status_code for p in sim.pings] == [404, 404]
    assert [w.enabled for w in sim.webhooks()] == [False, False]
    assert result.summary.enabled is False
    assert result.summary.status == "disabled"

    ingest.token = result.secrets[0]  # the connection is committed with its secret
    activated = await PROVISIONER.activate(ctx, vendor_of(result))
    assert activated is not None
    assert activated.enabled is True
    assert [w.enabled for w in sim.webhooks()] == [True, True]
    assert [p.status_code for p in sim.pings[2:]] == [202, 202]  # signed with the token
    assert await PROVISIONER.activate(ctx, VendorState(state={"webhooks": []})) is None


async def test_pings_that_verify_leave_webhooks_enabled(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the connection there first, nothing would be left to activate."""
    token = "f" * 64
    ingest.token = token
    monkeypatch.setattr("providers.ashby.provisioner.new_token", lambda: token)
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["offerCreate"]))
    assert result.summary.enabled is True
    assert await PROVISIONER.activate(ctx, vendor_of(result)) is None


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "at least one"),
        (["ping"], "Invalid events: ping"),
        (["candidateAdded"], "Invalid events: candidateAdded"),
        (["ats.application.created"], "ats.application.created is applicationSubmit at Ashby"),
        (["offerCreate", "offerCreate"], "twice"),
    ],
)
async def test_invalid_events_are_refused_before_ashby_is_called(
    ctx: ProvisionContext, sim: AshbySim, events: list[str], message: str
) -> None:
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=events))
    assert caught.value.kind == "invalid"
    assert message in caught.value.message
    assert sim.calls == []


async def test_empty_key_is_invalid(ctx: ProvisionContext, sim: AshbySim) -> None:
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key="  "))
    assert caught.value.kind == "invalid"
    assert sim.calls == []


@pytest.mark.parametrize("case", ["unknown", "deactivated", "read-only"])
async def test_refused_keys_are_auth_errors_and_nothing_is_made(
    ctx: ProvisionContext, sim: AshbySim, case: str
) -> None:
    key = KEY
    if case == "unknown":
        key = "not-a-key"
    elif case == "deactivated":
        sim.deactivate_key(KEY)
    else:
        sim.add_key("read-only", permissions=(READ,))
        key = "read-only"
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=key))
    assert caught.value.kind == "auth"
    assert caught.value.status_code == 403
    if case == "read-only":
        assert "missing_endpoint_permission" in caught.value.message or "permission" in (
            caught.value.message
        )
    assert key not in caught.value.message
    assert sim.webhooks() == []


async def test_a_refusal_half_way_deletes_what_was_made(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    sim.reject_duplicates = True
    sim.add_key("other", permissions=(READ, WRITE))
    async with httpx.AsyncClient() as http:  # someone already has a candidateHire webhook here
        answer = await http.post(
            f"{sim.base_url}/webhook.create",
            json={"webhookType": "candidateHire", "requestUrl": ingest.url, "secretToken": "x"},
            auth=("other", ""),
        )
    assert answer.json()["success"] is True
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    assert caught.value.kind == "rejected"
    assert "already exists" in caught.value.message
    assert caught.value.leftover is None
    assert [w.webhook_type for w in sim.webhooks()] == ["candidateHire"]  # only the other one
    deleted = [c.body["webhookId"] for c in sim.calls if c.path == "/webhook.delete"]
    assert len(deleted) == WEBHOOK_TYPES.index("candidateHire")


async def test_rate_limit_is_quota_and_undeletable_webhooks_are_reported(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    sim.rate_limit = 3
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    assert caught.value.kind == "quota"
    assert caught.value.status_code == 429
    left = sim.webhooks()
    assert len(left) == 3
    assert caught.value.leftover is not None
    assert caught.value.leftover.state == {"webhooks": [{"id": w.id} for w in left]}
    assert caught.value.leftover.credentials == {"api_key": KEY}
    assert "3 could not be deleted" in caught.value.message
    retry = [c for c in sim.calls if c.status_code == 429]
    assert retry  # Ashby answered 429 to the creation and to the clean-up


async def test_server_errors_and_no_answer_are_unreachable(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    sim.fail_next(503, b"upstream unavailable")
    with pytest.raises(ProvisioningError) as caught:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    assert caught.value.kind == "unreachable"
    assert "upstream unavailable" in caught.value.message
    async with httpx.AsyncClient() as http:
        gone = provision_context(http, "http://127.0.0.1:9", "http://127.0.0.1:9/ingest/ashby/acme")
        with pytest.raises(ProvisioningError) as nobody:
            await PROVISIONER.provision(gone, AshbyProvision(api_key=KEY))
    assert nobody.value.kind == "unreachable"


async def test_an_unreadable_create_answer_deletes_the_webhook_it_names(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    sim.fail_next(200, {"success": True, "results": {"id": "wh-unreadable", "enabled": "yes"}})
    with pytest.raises(ProvisioningError):
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY))
    deletes = [c.body for c in sim.calls if c.path == "/webhook.delete"]
    assert deletes == [{"webhookId": "wh-unreadable"}]


async def test_ashby_error_shapes_are_read(ctx: ProvisionContext, sim: AshbySim) -> None:
    """``errorInfo`` (current) and the deprecated ``errors`` array alone."""
    sim.fail_next(200, {"success": False, "errors": ["invalid_webhook_type"]})
    with pytest.raises(ProvisioningError) as old:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["offerCreate"]))
    assert old.value.kind == "rejected"
    assert "invalid_webhook_type" in old.value.message
    sim.fail_next(
        200,
        {
            "success": False,
            "errors": ["invalid_input"],
            "errorInfo": {
                "code": "invalid_input",
                "message": "Request payload is malformed",
                "requestId": "01JSJ8FDK5ZN4XQBZP7DBKK7ZC",
            },
        },
    )
    with pytest.raises(ProvisioningError) as new:
        await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["offerCreate"]))
    assert "Request payload is malformed" in new.value.message
    assert "01JSJ8FDK5ZN4XQBZP7DBKK7ZC" in new.value.message


async def test_deprovision_deletes_every_webhook_and_tolerates_gone_ones(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    result = await PROVISIONER.provision(
        ctx, AshbyProvision(api_key=KEY, events=["offerCreate", "offerUpdate", "offerDelete"])
    )
    sim.remove(sim.webhooks()[1].id)  # deleted in Ashby's UI meanwhile
    await PROVISIONER.deprovision(ctx, vendor_of(result))
    assert sim.webhooks() == []
    await PROVISIONER.deprovision(ctx, vendor_of(result))  # again: all gone is fine


async def test_deprovision_with_a_refused_key_or_no_key(
    ctx: ProvisionContext, sim: AshbySim
) -> None:
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["offerUpdate"]))
    sim.deactivate_key(KEY)
    with pytest.raises(ProvisioningError) as refused:
        await PROVISIONER.deprovision(ctx, vendor_of(result))
    assert refused.value.kind == "auth"
    with pytest.raises(ProvisioningError) as none:
        await PROVISIONER.deprovision(ctx, VendorState(state=result.state, credentials=None))
    assert none.value.kind == "auth"
    assert "UNIHOOK_FORGET_VENDOR_TOKENS" in none.value.message
    assert len(sim.webhooks()) == 1


async def test_health_reads_each_webhook(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    result = await PROVISIONER.provision(
        ctx, AshbyProvision(api_key=KEY, events=["applicationSubmit", "applicationUpdate"])
    )
    ingest.token = result.secrets[0]
    vendor = vendor_of(result)
    await PROVISIONER.activate(ctx, vendor)
    healthy = await PROVISIONER.health(ctx, vendor)
    assert (healthy.status, healthy.enabled, healthy.error) == ("active", True, None)
    first, second = sim.webhooks()
    sim.set_enabled(first.id, False)
    disabled = await PROVISIONER.health(ctx, vendor)
    assert disabled.status == "disabled"
    assert disabled.enabled is False
    assert disabled.stats is not None
    assert [w["enabled"] for w in disabled.stats["webhooks"]] == [False, True]
    sim.remove(second.id)
    degraded = await PROVISIONER.health(ctx, vendor)
    assert degraded.status == "degraded"
    assert degraded.stats is not None
    assert degraded.stats["missing"] == ["applicationUpdate"]
    sim.remove(first.id)
    assert (await PROVISIONER.health(ctx, vendor)).status == "missing"
    info = [c for c in sim.calls if c.path == "/webhook.info"]
    assert all("secretToken" not in (c.answer or {}).get("results", {}) for c in info)


async def test_pause_and_resume(ctx: ProvisionContext, sim: AshbySim, ingest: Ingest) -> None:
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["surveySubmit"]))
    ingest.token = result.secrets[0]
    vendor = vendor_of(result)
    paused = await PROVISIONER.pause(ctx, vendor)
    assert paused.enabled is False
    assert [w.enabled for w in sim.webhooks()] == [False]
    pings = len(sim.pings)
    resumed = await PROVISIONER.resume(ctx, vendor)
    assert resumed.enabled is True
    assert [w.enabled for w in sim.webhooks()] == [True]
    assert len(sim.pings) == pings + 1  # enabling pings again


async def test_update_adds_and_removes_types(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    result = await PROVISIONER.provision(
        ctx, AshbyProvision(api_key=KEY, events=["offerCreate", "offerUpdate"])
    )
    state, view = await PROVISIONER.update(
        ctx, vendor_of(result), events=["offerUpdate", "candidateHire"], description=None
    )
    assert sorted(w.webhook_type for w in sim.webhooks()) == ["candidateHire", "offerUpdate"]
    assert [w["type"] for w in state["webhooks"]] == ["offerUpdate", "candidateHire"]
    assert {w.secret_token for w in sim.webhooks()} == set(result.secrets)
    assert view.endpoint_id == ",".join(w["id"] for w in state["webhooks"])
    with pytest.raises(ProvisioningError) as no_description:
        await PROVISIONER.update(ctx, vendor_of(result), events=None, description="x")
    assert no_description.value.kind == "invalid"


async def test_simulated_deliveries_are_signed_and_retried_as_ashby_does(
    ctx: ProvisionContext, sim: AshbySim, ingest: Ingest
) -> None:
    sim.extra_types = UNLISTED_TYPES
    result = await PROVISIONER.provision(ctx, AshbyProvision(api_key=KEY, events=["jobCreate"]))
    ingest.token = result.secrets[0]
    await PROVISIONER.activate(ctx, vendor_of(result))
    (ok,) = await sim.deliver("jobCreate")
    assert ok.ok
    assert [a.status_code for a in ok.attempts] == [202]
    assert json.loads(ok.body)["action"] == "jobCreate"
    ingest.token = "another-token"  # unihook now answers 401: Ashby gives up at once
    (refused,) = await sim.deliver("jobCreate")
    assert [a.status_code for a in refused.attempts] == [401]


def test_basic_auth_header_shape() -> None:
    """The key as the user name and an empty password, as Ashby's docs show (``-u KEY:``)."""
    from providers.ashby.client import AshbyClient

    client = AshbyClient(httpx.AsyncClient(), "k3y")
    assert client._headers["authorization"] == "Basic " + base64.b64encode(b"k3y:").decode()
    assert "k3y" not in repr(client)


async def test_the_simulator_answers_as_ashby_s_docs_say(sim: AshbySim, ingest: Ingest) -> None:
    """Auth by status, other refusals as 200 with ``success: false``, no token from info."""
    sim.add_key("theirs", organization="globex")
    async with httpx.AsyncClient(base_url=sim.base_url) as http:
        no_key = await http.post("/webhook.info", json={"webhookId": "x"})
        assert no_key.status_code == 401
        assert no_key.json()["success"] is False
        assert (await http.get("/webhook.info", auth=(KEY, ""))).status_code == 405
        assert (await http.post("/webhook.list", json={}, auth=(KEY, ""))).status_code == 404
        bad = await http.post("/webhook.create", content=b"{", auth=(KEY, ""))
        assert bad.status_code == 200
        assert bad.json()["errorInfo"]["code"] == "invalid_input"
        made = await http.post(
            "/webhook.create",
            json={"webhookType": "offerCreate", "requestUrl": ingest.url, "secretToken": "t"},
            auth=(KEY, ""),
        )
        webhook = made.json()["results"]
        assert webhook["secretToken"] == "t"
        mine = await http.post("/webhook.info", json={"webhookId": webhook["id"]}, auth=(KEY, ""))
        assert "secretToken" not in mine.json()["results"]
        other = await http.post(
            "/webhook.info", json={"webhookId": webhook["id"]}, auth=("theirs", "")
        )
        assert other.json()["errorInfo"]["code"] == "webhook_not_found"
        nothing = await http.post(
            "/webhook.update", json={"webhookId": webhook["id"]}, auth=(KEY, "")
        )
        assert nothing.json()["errorInfo"]["code"] == "invalid_input"
