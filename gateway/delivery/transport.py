"""The delivery client's HTTP/1.1 keep-alive connections, pinned to checked addresses.

Responses are parsed by ``httptools`` (llhttp, Node's parser) from an asyncio protocol, which
costs a fraction of httpx's default transport (httpcore on anyio) per request. Pinning closes the
SSRF guard's DNS-rebinding gap: every new connection asks ``resolve`` for the address to use (the
SSRF guard checks it) and connects to exactly that address, sending the original host in ``Host``
and as the TLS server name.

One request per connection at a time; bodies by ``Content-Length``, chunked or read to close;
1xx interim answers skipped; keep-alive; TLS. At most ``MAX_HEAD_BYTES`` of status line and
headers and ``max_body`` bytes of body are kept: a longer head is a protocol error, a longer body
is cut there (and its connection closed), so no answer can grow a worker's memory. ``post`` has
no timeout of its own: the caller bounds the whole exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import cast

import httptools
import httpx

from providers.client import tls_context

Resolve = Callable[[str, int], Awaitable[str]]
Origin = tuple[str, str, int]
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADERS = 256
IDLE_SECONDS = 30.0


class ProtocolError(httpx.RemoteProtocolError):
    """The destination answered with something that is not a well-formed HTTP/1.x response."""


async def _plain_resolve(host: str, port: int) -> str:
    return host


@dataclass(frozen=True, slots=True)
class Reply:
    """A destination's answer as ``PinnedTransport.post`` returns it."""

    status: int
    headers: list[tuple[bytes, bytes]]
    content: bytes

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), decoded as Latin-1."""
        wanted = name.lower().encode("ascii")
        for key, value in self.headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None


class _Connection(asyncio.Protocol):
    """One connection and the response being read on it (``httptools`` parser callbacks)."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = time.monotonic()
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Reply] | None = None
        self._received = 0  # bytes of the current response so far
        self._head_bytes = 0
        self._head_size = 0  # of the headers parsed so far
        self._status = 0
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._body_size = 0
        self._head_done = False
        self._reusable = False

    # ---- asyncio.Protocol --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # bytes nobody asked for: the connection cannot be trusted again
            return
        self._received += len(data)
        if not self._head_done:
            self._head_bytes += len(data)  # bounds a head that never ends, even mid-header
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._finish(complete=False)
        except httptools.HttpParserError as exc:
            self._fail(ProtocolError(f"malformed response: {_reason(exc)}"))  # unless answered
            return
        if not self._head_done and self._head_bytes > MAX_HEAD_BYTES:
            self._fail(ProtocolError(f"response head larger than {MAX_HEAD_BYTES} bytes"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        if self._head_done and self._ends_at_close():
            self._finish(complete=True)  # the body was delimited by the connection closing
            return
        error = httpx.ReadError(_describe(exc) if exc else "connection closed by the destination")
        waiter.set_exception(error)

    # ---- httptools callbacks -----------------------------------------------------------------

    def on_status(self, status: bytes) -> None:
        self._status = self._parser.get_status_code()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value) + 4
        if self._head_size > MAX_HEAD_BYTES:
            self._fail(ProtocolError(f"response head larger than {MAX_HEAD_BYTES} bytes"))
        elif len(self._headers) >= MAX_HEADERS:
            self._fail(ProtocolError(f"more than {MAX_HEADERS} response headers"))
        else:
            self._headers.append((name, value))
            return
        raise httptools.HttpParserCallbackError("response head over its limits")

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        if 100 <= self._status < 200 and self._status != 101:
            self._headers = []  # 100 Continue, 103 Early Hints: the real answer follows
            self._head_bytes = self._head_size = 0
            return
        self._head_done = True

    def on_body(self, body: bytes) -> None:
        room = self.max_body - self._body_size
        if len(body) > room:
            self._body.append(body[:room])
            self._body_size += room
            self._finish(complete=False)
            raise httptools.HttpParserCallbackError("body cut")  # stop parsing: it is closed
        self._body.append(body)
        self._body_size += len(body)

    def on_message_complete(self) -> None:
        if self._head_done:
            self._reusable = self._parser.should_keep_alive()
            self._finish(complete=True)

    # ---- one exchange ------------------------------------------------------------------------

    def usable(self, now: float) -> bool:
        return (
            not self.closed
            and self.transport is not None
            and not self.transport.is_closing()
            and now - self.idle_since < IDLE_SECONDS
        )

    def send(self, data: bytes) -> asyncio.Future[Reply]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._received = self._head_bytes = self._head_size = self._status = self._body_size = 0
        self._headers, self._body = [], []
        self._head_done = self._reusable = False
        self.transport.write(data)
        return self._waiter

    @property
    def answered(self) -> bool:
        """Whether any byte of the current response arrived (a failure after that is final)."""
        return self._received > 0

    @property
    def reusable(self) -> bool:
        return self._reusable and not self.closed

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            with contextlib.suppress(Exception):
                self.transport.close()

    def _ends_at_close(self) -> bool:
        if self._status in (204, 304) or 100 <= self._status < 200:
            return False
        names = {name.lower() for name, _ in self._headers}
        return b"content-length" not in names and b"transfer-encoding" not in names

    def _finish(self, *, complete: bool) -> None:
        waiter = self._waiter
        if not complete:
            self._reusable = False
            self.close()
        if waiter is not None and not waiter.done():
            waiter.set_result(Reply(self._status, self._headers, b"".join(self._body)))

    def expire(self) -> None:
        """The exchange's deadline passed: fail it with ``TimeoutError`` and close."""
        self._fail(TimeoutError("no complete response before the deadline"))

    def _fail(self, error: Exception) -> None:
        self.close()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(error)


class PinnedTransport:
    """Keep-alive connections per origin; new connections go to the address ``resolve`` returns.

    Args:
        resolve: ``(host, port) -> address to connect to``; may raise to refuse the destination.
        max_idle_per_origin: idle connections kept per origin (more in flight are allowed; the
            dispatcher bounds concurrency per destination).
        max_idle_total: idle connections kept in all (each holds a file descriptor).
        max_body: response body bytes kept at most.
        ssl_context: for https destinations (default: httpx's, with certifi's CA bundle).
    """

    def __init__(
        self,
        *,
        resolve: Resolve | None = None,
        max_idle_per_origin: int = 8,
        max_idle_total: int = 1024,
        max_body: int = 64 * 1024,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._resolve = resolve or _plain_resolve
        self.max_idle_per_origin = max_idle_per_origin
        self.max_idle_total = max_idle_total
        self._idle_count = 0
        self._max_body = max_body
        self._ssl = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._busy: set[_Connection] = set()

    async def post(
        self,
        url: httpx.URL,
        headers: Mapping[str, str],
        body: bytes,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - one timer per request, see below
    ) -> Reply:
        """POST ``body`` with ``headers`` (plus ``host`` and ``content-length``); the answer.

        ``timeout`` bounds the whole exchange, connecting included: past it ``TimeoutError`` is
        raised and the connection closed. On a kept-alive connection it is one timer on the
        answer's future (cheaper than an ``asyncio.timeout`` scope per request)."""
        deadline = None if timeout is None else asyncio.get_running_loop().time() + timeout
        origin = origin_of(url)
        lines = [b"POST " + url.raw_path + b" HTTP/1.1", b"host: " + url.netloc]
        lines.append(b"content-length: " + str(len(body)).encode("ascii"))
        lines.extend(
            name.encode("ascii") + b": " + value.encode("latin-1")
            for name, value in headers.items()
        )
        request = b"\r\n".join(lines) + b"\r\n\r\n" + body
        conn = self._checkout(origin)
        if conn is not None:
            try:
                return await self._exchange(origin, conn, request, deadline)
            except httpx.ReadError:
                if conn.answered:
                    raise
                # the server closed an idle connection as we reused it: once more on a new one
        if deadline is None:
            conn = await self._connect(origin)
        else:
            async with asyncio.timeout_at(deadline):
                conn = await self._connect(origin)
        return await self._exchange(origin, conn, request, deadline)

    async def _exchange(
        self, origin: Origin, conn: _Connection, request: bytes, deadline: float | None
    ) -> Reply:
        self._busy.add(conn)
        waiter = conn.send(request)
        timer = (
            None if deadline is None else asyncio.get_running_loop().call_at(deadline, conn.expire)
        )
        try:
            reply = await waiter
        except BaseException:
            conn.close()
            raise
        finally:
            if timer is not None:
                timer.cancel()
            self._busy.discard(conn)
        if conn.reusable:
            self._checkin(origin, conn)
        else:
            conn.close()
        return reply

    @property
    def open_connections(self) -> int:
        """Connections open now, idle or busy."""
        return len(self._busy) + self._idle_count

    async def aclose(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        for conn in self._busy:
            conn.close()
        self._idle.clear()
        self._busy.clear()
        self._idle_count = 0

    def _checkout(self, origin: Origin) -> _Connection | None:
        conns = self._idle.get(origin)
        now = time.monotonic()
        found = None
        while conns and found is None:
            conn = conns.pop()
            self._idle_count -= 1
            if conn.usable(now):
                found = conn
            else:
                conn.close()
        if conns is not None and not conns:
            del self._idle[origin]  # origins are whatever URLs name: keep none empty
        return found

    def _checkin(self, origin: Origin, conn: _Connection) -> None:
        conns = self._idle.setdefault(origin, [])
        if len(conns) >= self.max_idle_per_origin or self._idle_count >= self.max_idle_total:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        conns.append(conn)
        self._idle_count += 1

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        address = await self._resolve(host, port)
        tls: ssl.SSLContext | None = None
        if scheme == "https":
            if self._ssl is None:
                self._ssl = tls_context()
            tls = self._ssl
        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(
                lambda: _Connection(self._max_body),
                address,
                port,
                ssl=tls,
                server_hostname=host if tls is not None else None,
            )
        except OSError as exc:
            raise httpx.ConnectError(_describe(exc)) from exc
        return conn


def origin_of(url: httpx.URL) -> Origin:
    """(scheme, host, port) of an http or https URL: what connections are pooled by."""
    origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
    if origin[0] not in {"http", "https"}:
        raise httpx.UnsupportedProtocol(f"unsupported URL scheme {origin[0]!r}")
    return origin


def _reason(exc: BaseException) -> str:
    return str(exc).removeprefix("invalid ") or type(exc).__name__


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the destination"
    return str(exc) or type(exc).__name__
