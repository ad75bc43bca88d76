"""Small defects, each a line or two: site-local destinations, unix-second query times, and a
500 that says which request it was."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from gateway.delivery import ssrf
from gateway.runtime import Runtime
from tests.conftest import ADMIN


@pytest.mark.parametrize("address", ["fec0::1", "fed0::1", "feff:ffff::1"])
def test_site_local_ipv6_is_refused(address: str) -> None:
    with pytest.raises(ssrf.DestinationRefused, match="site-local"):
        ssrf.check_address(address)


async def test_since_is_always_unix_seconds(client: Any) -> None:
    # 2e11 seconds is the year 8307: an event listed since then is none; read as milliseconds
    # (1976) it would list everything
    from tests.gateway.helpers import connect, signed

    await connect(client, "breezy")
    body, headers = signed("breezy", "candidateAdded")
    assert (await client.post("/ingest/breezy/acme", content=body, headers=headers)).status_code
    listed = await client.get("/v1/events", params={"since": "200000000000"}, headers=ADMIN)
    assert listed.status_code == 200
    assert listed.json()["data"] == []
    everything = await client.get("/v1/events", params={"since": "200000000"}, headers=ADMIN)
    assert len(everything.json()["data"]) == 1


@pytest.mark.parametrize("value", ["1e300", "-1e300", "nan", "inf", "99999999999999999999"])
async def test_since_out_of_range_is_400(client: Any, value: str) -> None:
    response = await client.get("/v1/events", params={"since": value}, headers=ADMIN)
    assert response.status_code == 400, response.text


async def test_a_500_is_logged_with_the_request_id_it_answers_with(
    client: Any, services: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    async def broken(*_args: Any) -> None:
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(services, "connection", broken)
    with caplog.at_level(logging.ERROR):
        response = await client.post("/ingest/breezy/acme", content=b"{}")
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "Internal Server Error"
    assert "fire" not in response.text  # the cause is for the log, not for the client
    request_id = body["request_id"]
    assert request_id.startswith("req_")
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
