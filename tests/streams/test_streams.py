"""Pull streams over real HTTP (the app under uvicorn on loopback, httpx as the consumer): a
server-side cursor, long polling, acknowledgement, redelivery of what was not acknowledged."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from providers.client import tls_context
from tests.conftest import ADMIN
from tests.delivery.conftest import unique
from tests.gateway.helpers import SECRETS, sign, signed, tenant_key
from tests.support.servers import ThreadedServer

WAIT = "10"  # long enough for an event to settle (one second) and be read


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    server = ThreadedServer(None, name="gateway", lifespan="on")
    url = server.bind()
    server.app = create_app(replace(settings, public_url=url), run_worker=False)  # type: ignore[assignment]
    with server:
        yield url


@pytest.fixture
async def api(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=base_url, headers=ADMIN, timeout=40, verify=tls_context()
    ) as client:
        for tenant in ("acme", "globex"):
            response = await client.post(
                "/v1/connections",
                json={"provider": "breezy", "tenant": tenant, "secret": SECRETS["breezy"]},
            )
            assert response.status_code == 201, response.text
        yield client


async def ingest(
    api: httpx.AsyncClient, vendor_type: str = "candidateAdded", tenant: str = "acme"
) -> str:
    body = unique(signed("breezy", vendor_type)[0])
    response = await api.post(
        f"/ingest/breezy/{tenant}", content=body, headers=sign("breezy", body)
    )
    assert response.status_code == 202, response.text
    event_id: str = response.json()["event_id"]
    return event_id


async def create(
    api: httpx.AsyncClient, headers: dict[str, str] | None = None, **body: Any
) -> dict[str, Any]:
    response = await api.post(
        "/v1/streams", json={"name": "batch", "events": ["*"], **body}, headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def read(
    api: httpx.AsyncClient, stream_id: str, headers: dict[str, str] | None = None, **params: str
) -> dict[str, Any]:
    response = await api.get(
        f"/v1/streams/{stream_id}/events", params={"wait": WAIT, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def read_ids(api: httpx.AsyncClient, stream_id: str, count: int) -> tuple[list[str], str]:
    """Read (without acking) until ``count`` events are ready; their ids and the cursor."""
    for _ in range(20):
        page = await read(api, stream_id, limit=str(count))
        if len(page["data"]) >= count:
            return [e["id"] for e in page["data"]], page["cursor"]
        await asyncio.sleep(0.2)
    raise AssertionError(f"fewer than {count} events became readable")


async def ack(api: httpx.AsyncClient, stream_id: str, cursor: Any) -> httpx.Response:
    return await api.post(f"/v1/streams/{stream_id}/ack", json={"cursor": cursor})


async def test_read_returns_the_same_events_until_acknowledged(api: httpx.AsyncClient) -> None:
    stream = await create(api)
    sent = [await ingest(api) for _ in range(3)]
    ids, cursor = await read_ids(api, stream["id"], 3)
    assert ids == sent  # oldest first
    assert (await api.get(f"/v1/streams/{stream['id']}")).json()["lag"] == 3
    again, same_cursor = await read_ids(api, stream["id"], 3)
    assert (again, same_cursor) == (ids, cursor)
    first_two, partial = await read_ids(api, stream["id"], 2)
    assert first_two == sent[:2]
    assert (await ack(api, stream["id"], partial)).status_code == 200
    rest, cursor = await read_ids(api, stream["id"], 1)
    assert rest == sent[2:]
    acked = await ack(api, stream["id"], cursor)
    assert acked.json()["cursor"] == cursor
    empty = await read(api, stream["id"], wait="0")
    assert empty["data"] == []
    assert empty["cursor"] == cursor
    # an older cursor does not move it back
    assert (await ack(api, stream["id"], partial)).status_code == 200
    assert (await read(api, stream["id"], wait="0"))["data"] == []
    shown = (await api.get(f"/v1/streams/{stream['id']}")).json()
    assert (shown["cursor"], shown["lag"]) == (cursor, 0)


async def test_long_poll_answers_when_an_event_arrives(api: httpx.AsyncClient) -> None:
    stream = await create(api)
    waiting = asyncio.create_task(read(api, stream["id"], wait="20"))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    sent = await ingest(api)
    page = await waiting
    assert [e["id"] for e in page["data"]] == [sent]
    assert page["data"][0]["type"] == "ats.application.created"


async def test_a_consumer_killed_between_read_and_ack_loses_nothing(
    api: httpx.AsyncClient, base_url: str
) -> None:
    stream = await create(api)
    sent = [await ingest(api) for _ in range(4)]
    await read_ids(api, stream["id"], 4)  # settled and readable
    consumer = (
        "import httpx, sys, time\n"
        f"r = httpx.get({base_url!r} + '/v1/streams/{stream['id']}/events',"
        f" params={{'limit': '4', 'wait': '10'}}, headers={ADMIN!r}, timeout=30)\n"
        "print(len(r.json()['data']), flush=True)\n"
        "time.sleep(600)  # killed here, before its ack\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", consumer], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = await asyncio.to_thread(proc.stdout.readline)
        assert line.strip() == "4"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    ids, cursor = await read_ids(api, stream["id"], 4)
    assert ids == sent
    assert (await ack(api, stream["id"], cursor)).status_code == 200
    assert (await read(api, stream["id"], wait="0"))["data"] == []


async def test_filters_and_types_select_what_a_stream_reads(api: httpx.AsyncClient) -> None:
    moves = await create(api, filter={"source.event_type": "candidateStatusUpdated"})
    created_only = await create(api, events=["ats.application.created"])
    added = await ingest(api, "candidateAdded")
    moved = await ingest(api, "candidateStatusUpdated")
    await read_ids(api, created_only["id"], 1)
    page = await read(api, moves["id"])
    assert [e["id"] for e in page["data"]] == [moved]
    assert [e["id"] for e in (await read(api, created_only["id"]))["data"]] == [added]


async def test_ack_refuses_cursors_this_stream_did_not_issue(api: httpx.AsyncClient) -> None:
    stream = await create(api)
    other = await create(api)
    await ingest(api)
    _, cursor = await read_ids(api, stream["id"], 1)
    _, others = await read_ids(api, other["id"], 1)
    event_id = cursor.rpartition(".")[0]
    for bad in (others, event_id, f"{event_id}.AAAAAAAAAAAAAAAA", "", None, 7, ["x"], "z" * 5000):
        response = await ack(api, stream["id"], bad)
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["detail"] == "cursor was not issued for this stream"
    assert len((await read(api, stream["id"]))["data"]) == 1  # nothing moved


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"wait": "31"}, "wait must be 0 to 30 seconds"),
        ({"wait": "-1"}, "wait must be 0 to 30 seconds"),
        ({"wait": "nan"}, "wait must be 0 to 30 seconds"),
        ({"limit": "0"}, "limit must be 1 to 500"),
        ({"limit": "501"}, "limit must be 1 to 500"),
    ],
)
async def test_read_bounds(api: httpx.AsyncClient, params: dict[str, str], detail: str) -> None:
    stream = await create(api)
    response = await api.get(f"/v1/streams/{stream['id']}/events", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == detail
    for junk in ({"wait": "soon"}, {"limit": "many"}):
        response = await api.get(f"/v1/streams/{stream['id']}/events", params=junk)
        assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"events": ["*"]}, "name must be 1 to 200 characters"),
        ({"name": " ", "events": ["*"]}, "name must be 1 to 200 characters"),
        ({"name": "x" * 201, "events": ["*"]}, "name must be 1 to 200 characters"),
        ({"name": "n"}, "Events must be an array"),
        ({"name": "n", "events": ["nope.*"]}, "Invalid events"),
        ({"name": "n", "events": ["*"], "filter": {"a": {"$like": 1}}}, "Invalid filter: "),
        ({"name": "n", "events": ["*"], "cursor": "x"}, ""),
    ],
)
async def test_create_validation(api: httpx.AsyncClient, body: dict[str, Any], detail: str) -> None:
    response = await api.post("/v1/streams", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["detail"].startswith(detail)


async def test_tenant_keys_see_their_own_streams_and_events(
    api: httpx.AsyncClient, services: Runtime
) -> None:
    acme = await tenant_key(services, "acme")
    globex = await tenant_key(services, "globex")
    mine = await create(api, headers=acme)
    assert mine["tenants"] == ["acme"]
    response = await api.post(
        "/v1/streams", json={"name": "n", "events": ["*"], "tenants": ["globex"]}, headers=acme
    )
    assert response.status_code == 404, response.text
    globex_event = await ingest(api, tenant="globex")
    acme_event = await ingest(api, tenant="acme")
    page = await read(api, mine["id"], headers=acme)
    for _ in range(20):
        if page["data"]:
            break
        page = await read(api, mine["id"], headers=acme)
    assert [e["id"] for e in page["data"]] == [acme_event]
    assert globex_event not in str(page)
    for method, path, body in (
        ("GET", f"/v1/streams/{mine['id']}", None),
        ("GET", f"/v1/streams/{mine['id']}/events", None),
        ("POST", f"/v1/streams/{mine['id']}/ack", {"cursor": page["cursor"]}),
        ("DELETE", f"/v1/streams/{mine['id']}", None),
    ):
        response = await api.request(method, path, json=body, headers=globex)
        assert response.status_code == 404, (path, response.text)
    assert [s["id"] for s in (await api.get("/v1/streams", headers=globex)).json()["data"]] == []
    assert [s["id"] for s in (await api.get("/v1/streams", headers=acme)).json()["data"]] == [
        mine["id"]
    ]
    assert (await api.delete(f"/v1/streams/{mine['id']}", headers=acme)).json() == {"success": True}
    assert (await api.get(f"/v1/streams/{mine['id']}", headers=acme)).status_code == 404
