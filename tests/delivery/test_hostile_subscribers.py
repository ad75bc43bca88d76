"""Destinations that misbehave: each becomes a recorded failed attempt, never a lost send."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import update

from gateway.runtime import Runtime
from gateway.storage.models import Subscription
from tests.conftest import ADMIN
from tests.delivery.conftest import ingest, settled, subscribe
from tests.gateway.helpers import connect


@pytest.mark.parametrize(
    "url",
    [
        "https://a..b/x",
        f"https://{'a' * 64}.example.com/x",
        f"https://{'a.' * 127}com/x",
        "https://.example.com/x",
    ],
)
async def test_a_host_that_cannot_be_a_dns_name_is_refused_at_creation(
    gateway: Any, url: str
) -> None:
    body = {"url": url, "events": ["*"]}
    response = await gateway.post("/v1/subscriptions", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == "Invalid URL format"
    made = await gateway.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    response = await gateway.put(
        f"/v1/subscriptions/{made.json()['id']}", json={"url": url}, headers=ADMIN
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid URL format"


async def test_an_exception_in_a_send_is_a_recorded_failed_attempt(
    gateway: Any, services: Runtime
) -> None:
    await connect(gateway, "breezy")
    sub = await subscribe(gateway, "https://hooks.example.com/x")
    async with services.sessions() as session, session.begin():  # as stored before the check
        await session.execute(
            update(Subscription).where(Subscription.id == sub["id"]).values(url="https://a..b/x")
        )
    event_id = await ingest(gateway)
    [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 3  # the first try and the two retries of FAST
    assert all(a["error"] for a in delivery["attempts"])
    assert all(a["status_code"] is None for a in delivery["attempts"])


class HostileSubscriber:
    """A subscriber on loopback that misbehaves in one way, counting what the gateway read."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sent = 0
        self.connections = 0
        self._server: asyncio.AbstractServer | None = None
        self.url = ""

    async def __aenter__(self) -> HostileSubscriber:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await reader.readuntil(b"\r\n\r\n")
            if self.behaviour.startswith("429, retry-after "):
                value = self.behaviour.removeprefix("429, retry-after ").encode("latin-1")
                await self._write(
                    writer,
                    b"HTTP/1.1 429 Too Many Requests\r\nretry-after: %s\r\n"
                    b"content-length: 0\r\n\r\n" % value,
                )
            elif self.behaviour == "silent":
                await asyncio.sleep(3600)
            elif self.behaviour == "headers forever":
                await self._write(writer, b"HTTP/1.1 200 OK\r\n")
                while True:
                    await self._write(writer, b"x-more: %d\r\n" % self.sent)
                    await asyncio.sleep(0.001)
            else:
                status = b"200 OK" if self.behaviour == "10 MB, 200" else b"500 Oops"
                size = 10 * 1024 * 1024
                await self._write(
                    writer, b"HTTP/1.1 %s\r\ncontent-length: %d\r\n\r\n" % (status, size)
                )
                chunk = b"x" * 65536
                for _ in range(size // len(chunk)):
                    await self._write(writer, chunk)
                await asyncio.sleep(3600)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += len(data)


@pytest.mark.parametrize("overrides", [{"delivery_timeout": 2.0, "retry_schedule": (0.2,)}])
@pytest.mark.parametrize("behaviour", ["silent", "headers forever", "10 MB, 500", "10 MB, 200"])
async def test_a_hostile_subscriber_is_a_recorded_attempt_within_the_timeout(
    gateway: Any, behaviour: str
) -> None:
    await connect(gateway, "breezy")
    async with HostileSubscriber(behaviour) as subscriber:
        await subscribe(gateway, subscriber.url)
        event_id = await ingest(gateway)
        [delivery] = await settled(gateway, event_id)
    attempts = delivery["attempts"]
    if behaviour == "10 MB, 200":  # any 2xx is a success, however long the body after it
        assert delivery["status"] == "succeeded"
        assert [a["status_code"] for a in attempts] == [200]
    else:
        assert delivery["status"] == "failed"
        assert len(attempts) == 2  # the first try and the one retry, each recorded
        assert all(a["error"] or a["status_code"] == 500 for a in attempts)
    for attempt in attempts:
        assert attempt["latency_ms"] <= 2000 + 500  # UNIHOOK_DELIVERY_TIMEOUT, and a margin
        assert len(attempt.get("response_snippet") or "") <= 1024
    # the gateway stopped reading: at most a bounded part of the 10 MB (plus socket buffers)
    assert subscriber.sent < 8 * 1024 * 1024 * len(attempts), subscriber.sent


@pytest.mark.parametrize("overrides", [{"retry_schedule": (0.2,)}])
@pytest.mark.parametrize(
    "retry_after", ["99999999999999999999 Jan 2020 00:00:00 GMT", "\u00b2", "1e400"]
)
async def test_a_retry_after_the_gateway_cannot_read_is_a_recorded_failed_attempt(
    gateway: Any, retry_after: str
) -> None:
    await connect(gateway, "breezy")
    async with HostileSubscriber(f"429, retry-after {retry_after}") as subscriber:
        await subscribe(gateway, subscriber.url)
        event_id = await ingest(gateway)
        [delivery] = await settled(gateway, event_id)
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempts"]] == [429, 429]


@pytest.fixture
def quick_forgetting(monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway.delivery import dispatcher

    monkeypatch.setattr(dispatcher, "GAUGE_SECONDS", 0.1)
    monkeypatch.setattr(dispatcher, "IDLE_DESTINATION_SECONDS", 3600.0)


async def test_an_idle_destination_is_forgotten(gateway: Any, quick_forgetting: None) -> None:
    from tests.delivery.conftest import eventually
    from tests.delivery.receiver import Receiver

    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        [delivery] = await settled(gateway, await ingest(gateway))
        assert delivery["status"] == "succeeded"
    label = f'destination="http://127.0.0.1:{receiver.port}"'

    async def series() -> list[str]:
        text = (await gateway.get("/metrics")).text
        return [line for line in text.splitlines() if label in line]

    assert await eventually(series)  # exported while the destination is remembered
    deleted = await gateway.delete(f"/v1/subscriptions/{sub['id']}", headers=ADMIN)
    assert deleted.status_code in (200, 204)
    from gateway.delivery import dispatcher

    dispatcher.IDLE_DESTINATION_SECONDS = 0.0  # undone by the fixture's monkeypatch

    async def forgotten() -> bool:
        return not await series()

    assert await eventually(forgotten)
