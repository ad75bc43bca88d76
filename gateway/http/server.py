"""How ``unihook serve`` runs the app under uvicorn: with deadlines for slow clients and limits
on request heads.

uvicorn waits for a request's head for as long as the client likes (its keep-alive timeout only
runs between requests), so a client dripping its headers, or a thousand that send half of them,
hold their connections for good. ``HeadDeadlineProtocol`` gives every request head
``UNIHOOK_HEADER_TIMEOUT`` seconds from its first byte (from the connection for the first
request) and answers ``408`` after that. The body's deadline (``UNIHOOK_BODY_TIMEOUT``) is kept by
``BodyDeadline`` in the app, where the body is read.

Neither uvicorn nor httptools bounds a head's size: httptools keeps a header's value in memory
until its end arrives, so one 50 MB header was answered ``200`` and twenty of them held half a
gigabyte. ``HeadDeadlineProtocol`` counts a head's bytes as they are read and its fields as they
are parsed, and past ``UNIHOOK_MAX_HEADER_BYTES`` or ``UNIHOOK_MAX_HEADERS`` stops reading and
answers ``431`` (memory held: the limit and one socket read).

A console form post that carries no console cookie at all (neither a session nor the sign-in
page's pre-session cookie) can only be refused (``gateway.http.console.web.checked_form``), so
``HeadDeadlineProtocol`` refuses it ``403`` as soon as its head is parsed, from bytes made once,
without reading its body: a flood of anonymous posts then costs the gateway a parse and a write
each, not a trip through the app and an error page. Posts with a cookie still go to the app,
which checks it.

Both refusals are answered ``REFUSAL_DELAY`` (one) second later, then the connection is closed;
nothing more is read meanwhile. A client sending such requests in a loop then waits on each of
its connections instead of looping as fast as the gateway refuses, and other clients keep the
event loop: answered at once, twenty connections of 20 MB heads held a tenant's ingest p99 at
2.4 times idle on 2 cores, the gateway's share of the attack the same however cheap a refusal.
"""

from __future__ import annotations

import asyncio
import time

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.http.console import SECURITY_HEADERS, console_refusal_page
from gateway.http.console.session import SESSION_COOKIE
from gateway.http.console.web import ANONYMOUS_POST_DETAIL, BASE

REFUSAL_DELAY = 1.0
"""Seconds before a request refused from its head (too large, an anonymous console post) is
answered and its connection closed; its bytes are not read meanwhile."""

_TIMEOUT_BODY = b'{"status_code":408,"detail":"request head not sent in time"}'
TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TIMEOUT_BODY), _TIMEOUT_BODY)
)


_TOO_LARGE_BODY = b'{"status_code":431,"detail":"request head too large"}'
TOO_LARGE_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_LARGE_BODY), _TOO_LARGE_BODY)
)


def _anonymous_post_response() -> bytes:
    body = console_refusal_page(403, ANONYMOUS_POST_DETAIL)
    head = [
        b"HTTP/1.1 403 Forbidden",
        b"content-type: text/html; charset=utf-8",
        b"content-length: %d" % len(body),
        b"connection: close",
        *(f"{name}: {value}".encode() for name, value in SECURITY_HEADERS.items()),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def is_anonymous_console_post(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]
) -> bool:
    """A ``POST`` under the console's path with no console cookie (``unihook_console...``,
    which the session and pre-session cookies, ``__Host-`` or not, all contain)."""
    if method != b"POST":
        return False
    path = target.partition(b"?")[0]
    if path != CONSOLE_PATH and not path.startswith(CONSOLE_PATH + b"/"):
        return False
    return not any(name == b"cookie" and COOKIE_MARK in value for name, value in headers)


CONSOLE_PATH = BASE.encode()
COOKIE_MARK = SESSION_COOKIE.encode()  # the pre-session cookie's name begins with it too
ANONYMOUS_POST_RESPONSE = _anonymous_post_response()


def request_timeout(detail: str) -> HTTPException:
    return HTTPException(status_code=408, detail=detail, headers={"connection": "close"})


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline and size limits for each request's head."""

    head_timeout: float = 10.0
    max_head_bytes: int = 64 * 1024
    max_headers: int = 100

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._timer: asyncio.TimerHandle | None = None  # the head's deadline, or a refusal's
        self._refused = False
        self._reading_head = True
        self._head_read = 0  # bytes read while a head was incomplete (an upper bound of its size)
        self._head_size = 0  # the parsed head's size: request target, names and values
        self._head_fields = 0
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._reading_head and len(data) > self.max_head_bytes - self._head_read:
            self._feed_in_parts(memoryview(data))  # it may take the head past its limit
            return
        if self._reading_head:
            self._head_read += len(data)  # still within the limit
        self._feed(data)

    def _feed_in_parts(self, data: memoryview) -> None:
        """Feed a read longer than what is left of the head's limit (a read can be 256 KB) in
        parts no longer than that, so an oversized head costs the parser the limit's bytes, not
        the whole read's; once a head ends, the rest is its body or the next request."""
        while data and not self._refused and not self.transport.is_closing():
            if not self._reading_head:
                self._feed(data)
                return
            room = self.max_head_bytes - self._head_read + 1
            part, data = data[:room], data[room:]
            self._head_read += len(part)  # before feeding: a request ending in it resets it
            self._feed(part)
            if self._reading_head and not self._refused and self._head_read > self.max_head_bytes:
                self._refuse_head()  # the head is still incomplete past the limit: read no more

    def _feed(self, data: bytes | memoryview) -> None:
        super().data_received(data)  # type: ignore[arg-type]  # httptools takes any buffer

    def on_message_begin(self) -> None:
        if self._refused:
            return
        self._head_size = 0
        self._head_fields = 0
        super().on_message_begin()
        if self._timer is None:
            self._arm()

    def on_url(self, url: bytes) -> None:
        if self._refused:
            return
        self._head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refused:
            return
        self._head_size += len(name) + len(value) + 4  # ": " and CRLF
        self._head_fields += 1
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._disarm()
        self._reading_head = False
        if self._head_size > self.max_head_bytes or self._head_fields > self.max_headers:
            self._refuse_head()
            return
        if is_anonymous_console_post(self.parser.get_method(), self.url, self.headers):
            self._refuse(ANONYMOUS_POST_RESPONSE)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._reading_head = True
        self._head_read = 0
        super().on_message_complete()

    def _refuse_head(self) -> None:
        """``431`` and close, unless a response is under way (then only close after it)."""
        self._refuse(TOO_LARGE_RESPONSE)

    def _refuse(self, response: bytes) -> None:
        """Read no more, and answer ``response`` and close after ``REFUSAL_DELAY`` seconds; if an
        earlier request's response is under way, only close after it. The delay is what keeps a
        client sending such requests in a loop from taking the event loop's time: each of its
        connections then waits, not the gateway (a refusal answered at once only let it loop
        faster, and the gateway's share of the attack stayed the same)."""
        self._refused = True
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False
            return
        self.transport.pause_reading()
        self._answer_at(time.monotonic() + REFUSAL_DELAY, response)

    def _answer_at(self, deadline: float, response: bytes) -> None:
        self._timer = self.loop.call_later(
            deadline - time.monotonic(), self._answer_and_close, deadline, response
        )

    def _answer_and_close(self, deadline: float, response: bytes) -> None:
        # uvloop's timers count whole milliseconds from a clock read at the start of the loop's
        # turn, so one can fire a little before its delay has passed: wait out the rest.
        if time.monotonic() < deadline:
            self._answer_at(deadline, response)
            return
        self._timer = None
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _head_timed_out(self) -> None:
        self._timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.keep_alive = False  # a request is being answered: close after it
            return
        self.transport.write(TIMEOUT_RESPONSE)
        self.transport.close()


def head_deadline_protocol(
    head_timeout: float, *, max_head_bytes: int = 64 * 1024, max_headers: int = 100
) -> type[HeadDeadlineProtocol]:
    """The protocol class to give ``uvicorn.Config(http=...)``."""
    limits = {
        "head_timeout": head_timeout,
        "max_head_bytes": max_head_bytes,
        "max_headers": max_headers,
    }
    return type("HeadDeadline", (HeadDeadlineProtocol,), limits)


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
