"""A real HTTP/1.1 subscriber on 127.0.0.1 for delivery tests, in a thread of its own.

It records every request and answers what it is told: a fixed status, a script of answers
(500, 503 with Retry-After, 410, 301, ...) and then a default, optionally after a delay.
Running on its own event loop, it answers even while the test's loop is blocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"ok":true}'
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    at: float  # time.monotonic() when the request was complete
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 410: "Gone"}


class Receiver:
    """``with Receiver() as r:`` serves at ``r.url`` until the block ends."""

    def __init__(
        self,
        default: Reply | None = None,
        script: list[Reply] | None = None,
        decide: Callable[[Received], Reply] | None = None,
    ) -> None:
        self.default = default or Reply()
        self.script = list(script or [])
        self.decide = decide
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self) -> Receiver:
        ready = threading.Event()
        sock = socket.socket()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def start() -> None:
                self._server = await asyncio.start_server(self._handle, sock=sock)

            loop.run_until_complete(start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._thread = threading.Thread(target=run, name=f"receiver-{self.port}", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _next_reply(self, request: Received) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self.script:
                return self.script.pop(0)
        if self.decide is not None:
            return self.decide(request)
        return self.default

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head[:-4].decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                reply = self._next_reply(Received(time.monotonic(), method, path, headers, body))
                if reply.delay:
                    await asyncio.sleep(reply.delay)
                reason = REASONS.get(reply.status, "Whatever")
                out = [f"HTTP/1.1 {reply.status} {reason}", f"content-length: {len(reply.body)}"]
                out += [f"{k}: {v}" for k, v in reply.headers.items()]
                writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + reply.body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    # ---- for tests ----------------------------------------------------------------------------

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait (on the test's loop) until ``count`` requests have arrived."""
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"receiver got {len(self.requests)} requests, expected {count}"
                )
            await asyncio.sleep(0.01)
        return self.received()


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
