"""Real HTTP servers on loopback for tests: any ASGI app under uvicorn (the kit's
``LoopbackServer``) and a recording receiver. The vendor simulators' base is the kit's
``providers.testing.VendorSimulator``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from providers._loopback import LoopbackServer, Receive, Scope, Send, read_body, respond

ThreadedServer = LoopbackServer
"""Serve an ASGI app with uvicorn on ``127.0.0.1:<free port>`` in a background thread.

An app that must know its own URL (``UNIHOOK_PUBLIC_URL``) can be built after ``bind()``::

    server = ThreadedServer(None, lifespan="on")
    server.app = create_app(replace(settings, public_url=server.bind()))
    with server: ...
"""


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
