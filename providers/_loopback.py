"""A real HTTP server on loopback for tests: an ASGI app served by uvicorn in a thread on
``127.0.0.1:<free port>`` (``LoopbackServer``), the two ASGI helpers a hand-written app needs
(``read_body``, ``respond``), and the loopback checks a simulator's own deliveries pass. Public
through ``providers.testing``; it imports nothing of the gateway and opens nothing until ``start``.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class LoopbackServer:
    """Serve an ASGI app with uvicorn on ``127.0.0.1:<free port>`` in a background thread.

    Pass ``lifespan="on"`` for apps that set themselves up in their lifespan. An app that must
    know its own URL can be built after ``bind()``, which reserves the port.
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
        self._server: Any = None
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
        import uvicorn  # here, so loading the conformance kit does not load a web server

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

    def __enter__(self) -> LoopbackServer:
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


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address: where a simulator may deliver over plain HTTP."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_only(url: str) -> str:
    """``url`` when it points at this machine: a simulator's own deliveries go nowhere else."""
    if not is_loopback(urlsplit(url).hostname or ""):
        raise RuntimeError("the simulator delivers to loopback only")
    return url
