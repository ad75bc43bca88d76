"""How ``unihook serve`` runs the app under uvicorn: with deadlines for slow clients.

uvicorn waits for a request's head for as long as the client likes (its keep-alive timeout only
runs between requests), so a client dripping its headers, or a thousand that send half of them,
hold their connections for good. ``HeadDeadlineProtocol`` gives every request head
``UNIHOOK_HEADER_TIMEOUT`` seconds from its first byte (from the connection for the first
request) and answers ``408`` after that. The body's deadline (``UNIHOOK_BODY_TIMEOUT``) is kept by
``BodyDeadline`` in the app, where the body is read.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_TIMEOUT_BODY = b'{"status_code":408,"detail":"request head not sent in time"}'
TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


def request_timeout(detail: str) -> HTTPException:
    return HTTPException(status_code=408, detail=detail, headers={"connection": "close"})


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline for each request's head."""

    head_timeout: float = 10.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._head_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False  # a request is being answered: close after it
            return
        self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def head_deadline_protocol(head_timeout: float) -> type[HeadDeadlineProtocol]:
    """The protocol class to give ``uvicorn.Config(http=...)``."""
    return type("HeadDeadline", (HeadDeadlineProtocol,), {"head_timeout": head_timeout})


class BodyDeadline(ASGIMiddleware):
    """A request's body must arrive within ``timeout`` seconds of its head, else ``408``."""

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = ("^/ingest",)  # the ingest handler keeps the deadline as it reads

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        done = False

        async def receive_in_time() -> ReceiveMessage:
            nonlocal done
            if done:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise request_timeout("request body not sent in time") from None
            done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await next_app(scope, receive_in_time, send)
