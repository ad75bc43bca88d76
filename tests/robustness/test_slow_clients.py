"""Slow clients against ``unihook serve`` as a process: every request has deadlines for its head
and its body (408), and the gateway keeps answering while a thousand connections hang."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.gateway.test_live import ADMIN, Gateway, free_port

# one worker runs the module, so the module-scoped gateway starts once
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("slow-clients")]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """One process for the module: each test opens connections of its own and the server drops
    each at its deadline, so no test leaves anything that another one reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_HEADER_TIMEOUT="2",
        UNIHOOK_BODY_TIMEOUT="2",
        NO_COLOR="1",
    )
    gw = Gateway(tmp_path_factory.mktemp("slow-clients"), free_port(), env)
    gw.start("--no-worker")
    try:
        gw.cli("connect", "breezy", "acme", "--secret", "s")
        yield gw
    finally:
        gw.stop()


async def _open(gateway: Gateway) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", gateway.port)


async def _answer(reader: asyncio.StreamReader, within: float) -> tuple[bytes, float]:
    started = time.monotonic()
    head = await asyncio.wait_for(reader.read(4096), timeout=within)
    return head, time.monotonic() - started


@pytest.mark.parametrize(
    "path",
    ["/ingest/breezy/acme", "/ingest/acme", "/v1/connections", "/v1/subscriptions"],
)
async def test_a_dripping_body_is_408(gateway: Gateway, path: str) -> None:
    reader, writer = await _open(gateway)
    writer.write(
        f"POST {path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {ADMIN}\r\n"
        "x-hook-signature: 00\r\ncontent-type: application/json\r\n"
        "content-length: 1000\r\n\r\n{".encode()
    )

    async def drip() -> None:
        for _ in range(20):
            await asyncio.sleep(0.5)
            writer.write(b" ")
            await writer.drain()

    dripping = asyncio.create_task(drip())
    try:
        head, waited = await _answer(reader, within=10)
    finally:
        dripping.cancel()
        writer.close()
    assert head.startswith(b"HTTP/1.1 408"), head
    assert waited < 6


async def test_headers_sent_a_byte_at_a_time_are_408(gateway: Gateway) -> None:
    reader, writer = await _open(gateway)
    request = b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: " + b"a" * 100

    async def drip() -> None:
        for byte in request:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.2)

    dripping = asyncio.create_task(drip())
    try:
        head, waited = await _answer(reader, within=10)
    finally:
        dripping.cancel()
        writer.close()
    assert head.startswith(b"HTTP/1.1 408"), head
    assert waited < 5


async def test_healthz_answers_while_a_thousand_requests_hang(gateway: Gateway) -> None:
    hanging = []
    for n in range(1000):
        reader, writer = await _open(gateway)
        writer.write(b"POST /ingest/breezy/acme HTTP/1.1\r\nhost: x\r\n" if n % 2 else b"")
        hanging.append((reader, writer))
    try:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=5) as client:
            for _ in range(5):
                assert (await client.get("/healthz")).status_code == 200
        # the server drops every one of them at its head deadline
        answers = await asyncio.gather(
            *(asyncio.wait_for(r.read(4096), timeout=15) for r, _ in hanging)
        )
        assert all(a == b"" or a.startswith(b"HTTP/1.1 408") for a in answers)
        async with httpx.AsyncClient(base_url=gateway.url, timeout=5) as client:
            assert (await client.get("/healthz")).status_code == 200
    finally:
        for _, writer in hanging:
            writer.close()
