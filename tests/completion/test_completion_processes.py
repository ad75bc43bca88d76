"""A ``unihook worker`` process killed with SIGKILL in the middle of a fetch from the vendor loses
nothing: another worker completes the event once the lease lapses, and it is delivered full."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.http.app import create_app
from gateway.runtime import Runtime
from tests.completion.test_completion import (
    ACCOUNT,
    API_KEY,
    CONTACT,
    OPPORTUNITY,
    POSTING,
    STAGE_FROM,
    STAGE_TO,
    connect_lever,
    stage_change,
)
from tests.conftest import ADMIN
from tests.delivery.conftest import subscribe
from tests.delivery.receiver import Receiver
from tests.delivery.test_processes import Setup, stop
from tests.providers.lever.lever_sim import LeverSim, lever_sim, lever_sim_server

__all__ = ["lever_sim", "lever_sim_server"]  # the simulator's fixtures, used by name


@pytest.fixture
def setup(tmp_path: Path, lever_sim: LeverSim) -> Setup:
    made = Setup(tmp_path)
    made.env["UNIHOOK_PROVIDER_LEVER_API_URL"] = lever_sim.api_url
    return made


@pytest.fixture
async def api(setup: Setup) -> AsyncIterator[AsyncTestClient[Any]]:
    """The API on the test's database, with no worker: workers are separate processes."""
    services = Runtime.build(setup.settings())
    await services.migrate()
    app = create_app(runtime=services, run_worker=False, migrate=False)
    try:
        async with AsyncTestClient(app=app) as client:
            yield client
    finally:
        await services.close()


@pytest.mark.slow
async def test_sigkill_mid_fetch_loses_nothing(setup: Setup, api: Any, lever_sim: LeverSim) -> None:
    lever_sim.add_api_key(ACCOUNT, API_KEY)
    lever_sim.add_opportunity(
        ACCOUNT,
        OPPORTUNITY,
        name="Ada Lovelace",
        emails=["ada@example.com"],
        contact=CONTACT,
        stage=STAGE_TO,
        postings=(POSTING,),
    )
    lever_sim.add_posting(ACCOUNT, POSTING, "Staff Engineer")
    lever_sim.add_stage(ACCOUNT, STAGE_FROM, "Phone screen")
    lever_sim.add_stage(ACCOUNT, STAGE_TO, "On-site")
    lever_sim.latency = 5.0  # every answer takes this long: the first worker dies waiting
    await connect_lever(api, complete=True, credentials={"api_key": API_KEY})
    with Receiver() as receiver:
        await subscribe(api, receiver.url, headers=ADMIN)
        event_id = await stage_change(api)
        first = setup.worker()
        try:
            deadline = time.monotonic() + 30
            while not setup.query("SELECT count(*) FROM completions WHERE lease_owner IS NOT NULL")[
                0
            ][0]:
                assert time.monotonic() < deadline, "the first worker never claimed the event"
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)  # its request is now with the (slow) vendor
            assert not lever_sim.calls  # nothing answered yet: it is mid-fetch
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first, signal.SIGKILL)
        assert setup.query("SELECT status FROM completions") == [("pending",)]
        assert not receiver.received()
        lever_sim.latency = 0.0
        second = setup.worker()
        try:
            (delivery,) = await receiver.wait_for(1, timeout=40)
        finally:
            output = stop(second)
    event = json.loads(delivery.body)
    assert event["id"] == event_id
    assert event["completeness"] == "full"
    assert event["data"]["application"]["candidate"]["name"] == "Ada Lovelace"
    assert second.returncode == 0, output
    assert setup.query("SELECT status, lease_owner FROM completions") == [("completed", None)]


def test_connect_command_takes_complete_and_credentials(setup: Setup) -> None:
    made = setup.cli(
        "connect",
        "lever",
        "acme",
        "--secret",
        "s",
        "--complete",
        "--credential",
        f"api_key={API_KEY}",
    )
    assert made.returncode == 0, made.stderr
    shown = json.loads(made.stdout)
    assert shown["complete"] is True
    assert shown["has_credentials"] is True
    assert API_KEY not in made.stdout + made.stderr
    assert setup.query("SELECT complete FROM connections") == [(1,)]
    refused = setup.cli("connect", "lever", "beta", "--secret", "s", "--credential", "api_key=K")
    assert refused.returncode == 2
    assert "--credential takes KEY=VALUE, with --complete" in refused.stderr
    unknown = setup.cli(
        "connect", "lever", "gamma", "--secret", "s", "--complete", "--credential", "token=K"
    )
    assert unknown.returncode == 1
    assert "token" in unknown.stderr
