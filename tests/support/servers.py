"""Real HTTP servers on loopback for tests: any ASGI app under uvicorn, a recording receiver, and
the base the vendor simulators share (serving, request parsing, answers a test injects)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import uvicorn

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ThreadedServer:
    """Serve an ASGI app with uvicorn on ``127.0.0.1:<free port>`` in a background thread.

    Pass ``lifespan="on"`` for apps that set themselves up in their lifespan (the gateway). An app
    that must know its own URL (``UNIHOOK_PUBLIC_URL``) can be built after ``bind()``::

        server = ThreadedServer(None, lifespan="on")
        server.app = create_app(replace(settings, public_url=server.bind()))
        with server: ...
    """

    def __init__(
        self,
        app: ASGIApp | None,
        *,
        name: str = "test-server",
        lifespan: Literal["auto", "on", "off"] = "off",
    ) -> None:
        self.app = app
        self.name = name
        self.lifespan = lifespan
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def bind(self) -> str:
        """Reserve the free loopback port now (``start`` does it otherwise); returns the URL."""
        if self._socket is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            # Accepted sockets inherit it: without it uvicorn's two writes per response meet the
            # client's delayed ACK and every request takes ~40 ms.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.bind(("127.0.0.1", 0))
            self._socket = sock
            self.port = sock.getsockname()[1]
        return self.base_url

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError(f"{self.name} is not bound to a port yet")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        if self._server is not None:
            raise RuntimeError(f"{self.name} is already running")
        if self.app is None:
            raise RuntimeError(f"{self.name} has no app to serve")
        self.bind()
        sock = self._socket
        assert sock is not None
        config = uvicorn.Config(
            self.app,
            log_config=None,  # leave the process's logging configuration alone
            log_level="warning",
            access_log=False,
            lifespan=self.lifespan,
            ws="none",
            http="h11",
            loop="asyncio",
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=self.name, daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if not server.started:
            self.stop()
            raise RuntimeError(f"{self.name} did not start (see the uvicorn error above)")

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server, self._thread, self._socket = None, None, None
        self.port = None

    def __enter__(self) -> ThreadedServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    headers: Sequence[tuple[str, str]] = (),
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode("latin-1")),
                (b"content-length", str(len(body)).encode()),
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class SimRequest:
    """One request to a vendor simulator: header names lower-cased, path without the query."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json_body(self) -> Any:
        """The body as JSON for a simulator's call log (the bytes when it is not JSON)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return self.body


async def read_request(scope: Scope, receive: Receive) -> SimRequest:
    body = await read_body(receive)
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    path = scope.get("raw_path", scope["path"].encode()).decode("latin-1").split("?", 1)[0]
    return SimRequest(scope["method"], path, headers, body)


@dataclass(frozen=True)
class Injected:
    """An answer a test asked a simulator to give instead of its own."""

    status_code: int
    body: bytes
    content_type: str
    delay: float


class Simulator:
    """Base for vendor simulators: serves itself (an ASGI app) on loopback in a thread, and answers
    the next API requests as a test asks with ``fail_next``."""

    def __init__(self, name: str) -> None:
        self._injected: list[Injected] = []
        self._injected_lock = threading.Lock()
        self._server = ThreadedServer(self, name=name)

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def start(self) -> None:
        """Serve on a free loopback port in a background thread; returns once it accepts."""
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Any:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError

    def fail_next(
        self,
        status_code: int,
        body: bytes | str | Mapping[str, Any] = b"",
        *,
        content_type: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next API request with this instead (after ``delay`` seconds).

        ``body`` may be a mapping (sent as JSON), text or bytes, so tests can exercise error
        bodies the vendor's docs do not show.
        """
        if isinstance(body, Mapping):
            raw, default_type = json.dumps(body).encode(), "application/json"
        elif isinstance(body, str):
            raw, default_type = body.encode(), "text/plain; charset=utf-8"
        else:
            raw, default_type = body, "application/octet-stream"
        with self._injected_lock:
            self._injected.append(Injected(status_code, raw, content_type or default_type, delay))

    def forget_injected(self) -> None:
        with self._injected_lock:
            self._injected.clear()

    async def injected_answer(self) -> Injected | None:
        """The next answer a test asked for, once its delay has passed; ``None`` if there is none."""
        with self._injected_lock:
            injected = self._injected.pop(0) if self._injected else None
        if injected is not None and injected.delay:
            await asyncio.sleep(injected.delay)
        return injected


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An ASGI app that records every request and answers ``status`` with ``body``.

    ``check`` may decide the status per request instead (e.g. verify a signature: 200 or 401).
    """

    status: int = 200
    body: bytes = b'{"ok": true}'
    check: Callable[[ReceivedRequest], int] | None = None
    requests: list[ReceivedRequest] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = ReceivedRequest(scope["method"], scope["path"], headers, body)
        self.requests.append(request)
        status = self.check(request) if self.check is not None else self.status
        await respond(send, status, self.body, "application/json")
