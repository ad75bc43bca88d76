"""The delivery transport against raw HTTP/1.1 answers: framing, keep-alive, pinning, limits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from gateway.delivery.ssrf import DestinationRefused
from gateway.delivery.transport import PinnedTransport

Answer = Callable[[int], bytes | None]  # request number -> raw response (None: close)


class RawServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                self.requests.append(head + await reader.readexactly(length))
                raw = self.answer(len(self.requests))
                if raw is None:
                    break
                writer.write(raw)
                await writer.drain()
                if raw.startswith(b"HTTP/1.0") or b"connection: close" in raw.lower():
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Answer], Any]]:
    servers: list[RawServer] = []

    async def start(answer: Answer) -> RawServer:
        raw = RawServer(answer)
        raw.server = await asyncio.start_server(raw.handle, "127.0.0.1", 0)
        raw.port = raw.server.sockets[0].getsockname()[1]
        servers.append(raw)
        return raw

    yield start
    for raw in servers:
        assert raw.server is not None
        raw.server.close()
        await raw.server.wait_closed()


async def post(transport: PinnedTransport, url: str, body: bytes = b"{}") -> httpx.Response:
    async with httpx.AsyncClient(transport=transport, timeout=5) as client:
        return await client.post(url, content=body, headers={"content-type": "application/json"})


async def test_content_length_chunked_and_close_delimited(serve: Any) -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.0 500 Oops\r\n\r\nuntil close",
    ]
    raw = await serve(lambda n: answers[n - 1] if n <= len(answers) else None)
    transport = PinnedTransport()
    async with httpx.AsyncClient(transport=transport, timeout=5) as client:
        url = f"http://127.0.0.1:{raw.port}/x"
        results = [await client.post(url, content=b'{"n":1}') for _ in answers]
    assert [(r.status_code, r.content) for r in results] == [
        (200, b"hello"),
        (201, b"abcde"),
        (202, b"ok"),
        (500, b"until close"),
    ]
    assert raw.connections == 1  # keep-alive until the server closed
    first = raw.requests[0]
    assert first.startswith(b"POST /x HTTP/1.1\r\n")
    assert b"\r\ncontent-length: 7\r\n" in first.lower()
    assert first.endswith(b'{"n":1}')


async def test_a_kept_alive_connection_closed_under_us_is_retried_once(serve: Any) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    # the second request meets a server that drops the idle connection without answering
    raw = await serve(lambda n: None if n == 2 else ok)
    transport = PinnedTransport()
    async with httpx.AsyncClient(transport=transport, timeout=5) as client:
        url = f"http://127.0.0.1:{raw.port}/"
        assert (await client.post(url, content=b"a")).status_code == 200
        assert (await client.post(url, content=b"b")).status_code == 200
    assert raw.connections == 2
    assert [r.endswith(b"b") for r in raw.requests] == [False, True, True]


async def test_a_fresh_connection_that_fails_is_not_retried(serve: Any) -> None:
    raw = await serve(lambda n: None)
    with pytest.raises(httpx.ReadError):
        await post(PinnedTransport(), f"http://127.0.0.1:{raw.port}/")
    assert len(raw.requests) == 1


async def test_long_bodies_are_cut(serve: Any) -> None:
    big = b"x" * 5000
    raw = await serve(lambda n: b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big)
    response = await post(PinnedTransport(max_body=100), f"http://127.0.0.1:{raw.port}/")
    assert response.content == b"x" * 100


async def test_garbage_is_a_protocol_error(serve: Any) -> None:
    raw = await serve(lambda n: b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(httpx.RemoteProtocolError):
        await post(PinnedTransport(), f"http://127.0.0.1:{raw.port}/")


async def test_connects_to_the_address_the_resolver_returns(serve: Any) -> None:
    raw = await serve(lambda n: b"HTTP/1.1 204 No Content\r\n\r\n")
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> str:
        asked.append((host, port))
        return "127.0.0.1"

    response = await post(
        PinnedTransport(resolve=resolve), f"http://hooks.customer.test:{raw.port}/in"
    )
    assert response.status_code == 204
    assert asked == [("hooks.customer.test", raw.port)]
    assert b"\r\nhost: hooks.customer.test:" in raw.requests[0].lower()


async def test_refusal_by_the_resolver_propagates() -> None:
    async def refuse(host: str, port: int) -> str:
        raise DestinationRefused("destination refused: 10.0.0.1 is a private address")

    with pytest.raises(DestinationRefused):
        await post(PinnedTransport(resolve=refuse), "https://internal.test/")


async def test_read_timeout(serve: Any) -> None:
    raw = await serve(lambda n: b"")  # never answers
    async with httpx.AsyncClient(transport=PinnedTransport(), timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(f"http://127.0.0.1:{raw.port}/", content=b"{}")
