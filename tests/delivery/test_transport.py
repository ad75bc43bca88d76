"""``PinnedTransport.post``, the call every delivery makes, against raw HTTP/1.1 servers on
loopback: framing, interim answers, keep-alive, servers that misbehave, limits, pinning."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.delivery.ssrf import DestinationRefused
from gateway.delivery.transport import MAX_HEAD_BYTES, PinnedTransport, ProtocolError, Reply

# request number -> raw response bytes, None (close without answering), or a coroutine function
# that writes whatever it likes to the connection (and then closes it)
Answer = Callable[[int], "bytes | Callable[[asyncio.StreamWriter], Awaitable[None]] | None"]
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def then_close(raw: bytes) -> Callable[[asyncio.StreamWriter], Awaitable[None]]:
    """An answer after which the server closes the connection."""

    async def write(writer: asyncio.StreamWriter) -> None:
        writer.write(raw)
        await writer.drain()

    return write


class RawServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    @property
    def url(self) -> httpx.URL:
        return httpx.URL(f"http://127.0.0.1:{self.port}/hook?x=1")

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
                if callable(raw):
                    await raw(writer)
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
async def serve() -> AsyncIterator[Callable[[Answer], Awaitable[RawServer]]]:
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
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                await raw.server.wait_closed()


@pytest.fixture
async def transport() -> AsyncIterator[PinnedTransport]:
    pinned = PinnedTransport(max_body=1000)
    yield pinned
    await pinned.aclose()


async def post(transport: PinnedTransport, server: RawServer, body: bytes = b"{}") -> Reply:
    async with asyncio.timeout(5):
        return await transport.post(server.url, {"content-type": "application/json"}, body)


async def test_request_shape(serve: Any, transport: PinnedTransport) -> None:
    server = await serve(lambda n: OK)
    reply = await post(transport, server, b'{"n":1}')
    assert (reply.status, reply.content, reply.header("Content-Length")) == (200, b"ok", "2")
    request = server.requests[0]
    assert request.startswith(b"POST /hook?x=1 HTTP/1.1\r\n")
    assert f"\r\nhost: 127.0.0.1:{server.port}\r\n".encode() in request
    assert b"\r\ncontent-length: 7\r\n" in request
    assert b"\r\ncontent-type: application/json\r\n" in request
    assert request.endswith(b'\r\n\r\n{"n":1}')


async def test_framings_and_interim_answers_on_one_kept_alive_connection(
    serve: Any, transport: PinnedTransport
) -> None:
    answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nX-Final: yes\r\n\r\nok",
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"HTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nbad",
    ]
    server = await serve(lambda n: answers[n - 1])
    replies = [await post(transport, server) for _ in answers]
    assert [(r.status, r.content) for r in replies] == [
        (200, b"hello"),
        (201, b"abcde"),
        (202, b"ok"),
        (204, b""),
        (500, b"bad"),
    ]
    assert replies[2].header("x-final") == "yes"
    assert replies[2].header("link") is None  # the interim answer's headers are not the reply's
    assert server.connections == 1


async def test_no_content_length_reads_to_close_and_does_not_reuse(
    serve: Any, transport: PinnedTransport
) -> None:
    answers = [
        then_close(b"HTTP/1.1 200 OK\r\n\r\nuntil the end"),
        b"HTTP/1.0 502 Bad\r\n\r\nold",
        OK,
    ]
    server = await serve(lambda n: answers[n - 1])
    replies = [await post(transport, server) for _ in answers]
    assert [(r.status, r.content) for r in replies] == [
        (200, b"until the end"),
        (502, b"old"),
        (200, b"ok"),
    ]
    assert server.connections == 3
    assert transport.open_connections == 1


async def test_connection_close_is_honoured(serve: Any, transport: PinnedTransport) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    server = await serve(lambda n: closing)
    for _ in range(3):
        assert (await post(transport, server)).status == 200
    assert server.connections == 3


async def test_keep_alive_reuse_under_concurrency(serve: Any) -> None:
    server = await serve(lambda n: OK)
    transport = PinnedTransport(max_idle_per_origin=4)
    try:
        for _ in range(5):
            replies = await asyncio.gather(*(post(transport, server) for _ in range(4)))
            assert {r.status for r in replies} == {200}
        assert len(server.requests) == 20
        assert server.connections == 4
        assert transport.open_connections == 4
    finally:
        await transport.aclose()


async def test_a_kept_alive_connection_closed_under_us_is_retried_once(
    serve: Any, transport: PinnedTransport
) -> None:
    server = await serve(lambda n: None if n == 2 else OK)  # drops the 2nd request unanswered
    assert (await post(transport, server, b"a")).status == 200
    assert (await post(transport, server, b"b")).status == 200
    assert server.connections == 2
    assert [r.endswith(b"b") for r in server.requests] == [False, True, True]


async def test_a_fresh_connection_that_fails_is_not_retried(
    serve: Any, transport: PinnedTransport
) -> None:
    server = await serve(lambda n: None)
    with pytest.raises(httpx.ReadError):
        await post(transport, server)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "partial",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Le",
    ],
)
async def test_a_server_that_closes_mid_response(
    serve: Any, transport: PinnedTransport, partial: bytes
) -> None:
    server = await serve(lambda n: then_close(partial) if n == 2 else OK)
    assert (await post(transport, server)).status == 200
    with pytest.raises(httpx.ReadError):  # an answer had begun: not retried
        await post(transport, server)
    assert len(server.requests) == 2
    assert transport.open_connections == 0
    assert (await post(transport, server)).status == 200


async def test_a_body_larger_than_kept_is_cut_and_its_connection_closed(
    serve: Any, transport: PinnedTransport
) -> None:
    big = b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"x" * 5000
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"800\r\n" + b"y" * 2048
    answers = [big, chunked + b"\r\n0\r\n\r\n", OK]
    server = await serve(lambda n: answers[n - 1])
    first = await post(transport, server)
    second = await post(transport, server)
    assert (first.status, first.content) == (200, b"x" * 1000)
    assert (second.status, second.content) == (200, b"y" * 1000)
    assert (await post(transport, server)).content == b"ok"
    assert server.connections == 3


async def test_an_endless_body_is_cut_at_the_limit(serve: Any, transport: PinnedTransport) -> None:
    async def endless(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            for _ in range(100_000):
                writer.write(b"400\r\n" + b"z" * 1024 + b"\r\n")
                await writer.drain()

    server = await serve(lambda n: endless)
    reply = await post(transport, server)
    assert (reply.status, reply.content) == (200, b"z" * 1000)


async def test_oversized_and_endless_headers_are_protocol_errors(
    serve: Any, transport: PinnedTransport
) -> None:
    huge = b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (MAX_HEAD_BYTES + 10) + b"\r\n\r\n"
    many = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(300)) + b"\r\n"

    async def forever(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nX-Endless: ")
        with contextlib.suppress(ConnectionError):
            for _ in range(1_000_000):
                writer.write(b"a" * 1024)  # one header value that never ends
                await writer.drain()

    answers = [huge, many, forever]
    server = await serve(lambda n: answers[n - 1])
    for expected in ["larger than", "more than 256", "larger than"]:
        with pytest.raises(ProtocolError, match=expected):
            await post(transport, server)
    assert transport.open_connections == 0


async def test_a_server_that_never_answers_is_bounded_by_the_caller(
    serve: Any, transport: PinnedTransport
) -> None:
    async def trickle(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(100):
            writer.write(b"X: 1\r\n")
            await writer.drain()
            await asyncio.sleep(0.05)

    async def silent(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    for stall in (silent, trickle):
        server = await serve(lambda n, stall=stall: stall)
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):
                await transport.post(server.url, {}, b"{}")
        assert loop.time() - started < 1.5
        assert transport.open_connections == 0  # the half-answered connection is not kept


async def _bounded(call: Awaitable[Reply]) -> BaseException | Reply:
    """What ``call`` ended with, failing the test if it is still running after 10 s."""
    task = asyncio.ensure_future(call)
    done, _ = await asyncio.wait({task}, timeout=10)
    if not done:
        task.cancel()
        pytest.fail("the transport's own timeout did not end the exchange")
    return task.exception() or task.result()


async def test_its_own_timeout_bounds_fresh_and_kept_alive_exchanges(
    serve: Any, transport: PinnedTransport
) -> None:
    """``post(..., timeout=)``, the deadline every delivery runs with: on a kept-alive connection
    (a timer on the answer) and on a new one; the stalled connection is closed, not kept."""

    async def silent(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    server = await serve(lambda n: OK if n != 2 else silent)
    first = await _bounded(transport.post(server.url, {}, b"{}", timeout=5))
    assert isinstance(first, Reply)
    assert first.status == 200
    stalled = await _bounded(transport.post(server.url, {}, b"{}", timeout=0.2))  # kept alive
    assert isinstance(stalled, TimeoutError), stalled
    assert transport.open_connections == 0
    third = await _bounded(transport.post(server.url, {}, b"{}", timeout=5))
    assert isinstance(third, Reply)
    assert third.status == 200
    assert server.connections == 2  # the stalled one was not reused

    fresh = await serve(lambda n: silent)
    stalled = await _bounded(transport.post(fresh.url, {}, b"{}", timeout=0.2))
    assert isinstance(stalled, TimeoutError), stalled
    assert transport.open_connections == 1  # only the first server's idle connection


async def test_its_own_timeout_covers_resolving_and_connecting(serve: Any) -> None:
    async def stuck(host: str, port: int) -> str:
        await asyncio.sleep(30)
        return "127.0.0.1"

    pinned = PinnedTransport(resolve=stuck)
    try:
        server = await serve(lambda n: OK)
        outcome = await _bounded(pinned.post(server.url, {}, b"{}", timeout=0.2))
        assert isinstance(outcome, TimeoutError), outcome
        assert server.connections == 0
    finally:
        await pinned.aclose()


async def test_garbage_is_a_protocol_error(serve: Any, transport: PinnedTransport) -> None:
    server = await serve(lambda n: b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    with pytest.raises(ProtocolError):
        await post(transport, server)


async def test_connects_to_the_address_the_resolver_returns(serve: Any) -> None:
    server = await serve(lambda n: b"HTTP/1.1 204 No Content\r\n\r\n")
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> str:
        asked.append((host, port))
        return "127.0.0.1"

    transport = PinnedTransport(resolve=resolve)
    try:
        url = httpx.URL(f"http://hooks.customer.test:{server.port}/in")
        for _ in range(2):
            assert (await transport.post(url, {}, b"{}")).status == 204
    finally:
        await transport.aclose()
    assert asked == [("hooks.customer.test", server.port)]  # once: the connection was reused
    assert f"\r\nhost: hooks.customer.test:{server.port}\r\n".encode() in server.requests[0]


async def test_refusal_by_the_resolver_propagates() -> None:
    async def refuse(host: str, port: int) -> str:
        raise DestinationRefused("destination refused: 10.0.0.1 is a private address")

    with pytest.raises(DestinationRefused):
        await PinnedTransport(resolve=refuse).post(httpx.URL("https://internal.test/"), {}, b"")


async def test_connection_refused_is_a_connect_error(transport: PinnedTransport) -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()
    with pytest.raises(httpx.ConnectError, match="refused"):
        await transport.post(httpx.URL(f"http://127.0.0.1:{port}/"), {}, b"")


def test_works_on_uvloop() -> None:
    """Workers run on uvloop where it is installed: its transports are not asyncio's classes."""
    uvloop = pytest.importorskip("uvloop")

    async def main() -> list[int]:
        server = await asyncio.start_server(_answer_ok, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        transport = PinnedTransport()
        try:
            url = httpx.URL(f"http://127.0.0.1:{port}/")
            return [(await transport.post(url, {}, b"{}")).status for _ in range(3)]
        finally:
            await transport.aclose()
            server.close()

    assert uvloop.run(main()) == [200, 200, 200]


async def _answer_ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
        while True:
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(2)
            writer.write(OK)
    writer.close()
