"""Request heads against ``unihook serve`` as a process: a head past ``UNIHOOK_MAX_HEADER_BYTES``
or with more than ``UNIHOOK_MAX_HEADERS`` fields is ``431`` and its connection closed, as the
bytes arrive, before the rest of it is read; heads within both limits are served. A console form
post with no console cookie is ``403`` from its head, its body never read."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Iterator

import pytest

from gateway.http.server import REFUSAL_DELAY, is_anonymous_console_post
from tests.gateway.test_live import ADMIN, Gateway, free_port

pytestmark = pytest.mark.slow

MAX_HEADER_BYTES = 16384
MAX_HEADERS = 30


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIHOOK_")}
    env.update(
        UNIHOOK_ADMIN_TOKEN=ADMIN,
        UNIHOOK_MAX_HEADER_BYTES=str(MAX_HEADER_BYTES),
        UNIHOOK_MAX_HEADERS=str(MAX_HEADERS),
        NO_COLOR="1",
    )
    gw = Gateway(tmp_path_factory.mktemp("heads"), free_port(), env)
    gw.start("--no-worker")
    try:
        yield gw
    finally:
        gw.stop()


async def _exchange(gateway: Gateway, head: bytes, then: bytes = b"") -> tuple[bytes, int]:
    """Send ``head`` then ``then`` in 64 KB pieces (stopping when the server closes); returns
    the answer and how many bytes of ``then`` were taken before the server stopped reading."""
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    sent = 0
    try:
        writer.write(head)
        await writer.drain()
        while sent < len(then):
            try:
                writer.write(then[sent : sent + 65536])
                await asyncio.wait_for(writer.drain(), timeout=2)
            except (ConnectionError, TimeoutError):
                break
            sent += 65536
        try:
            answer = await asyncio.wait_for(reader.read(), timeout=10)
        except ConnectionError:  # closed with our unread bytes in its buffer: a reset
            answer = b""
    finally:
        writer.close()
    return answer, sent


def _request(*headers: str) -> bytes:
    lines = ["GET /healthz HTTP/1.1", "host: 127.0.0.1", *headers, "connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_heads_within_the_limits_are_served(gateway: Gateway) -> None:
    fields = [f"x-field-{n}: {'v' * 100}" for n in range(MAX_HEADERS - 3)]
    answer, _ = await _exchange(gateway, _request(*fields))
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


async def test_a_head_larger_than_the_limit_is_431(gateway: Gateway) -> None:
    answer, _ = await _exchange(gateway, _request(f"x-big: {'v' * MAX_HEADER_BYTES}"))
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"connection: close" in answer.lower()


async def test_too_many_header_fields_is_431(gateway: Gateway) -> None:
    answer, _ = await _exchange(gateway, _request(*[f"x-{n}: 1" for n in range(MAX_HEADERS + 1)]))
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


async def test_a_50_mb_header_is_refused_as_it_arrives(gateway: Gateway) -> None:
    start = b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-huge: "
    answer, taken = await _exchange(gateway, start, b"v" * (50 * 1024 * 1024))
    # the 431 is written before the close, but a close with unread bytes resets the connection
    # and the client may lose it: what matters is that the server stopped reading
    assert answer.startswith(b"HTTP/1.1 431") or answer == b"", answer[:200]
    assert taken < 10 * 1024 * 1024, taken
    served, _ = await _exchange(gateway, _request())
    assert served.startswith(b"HTTP/1.1 200")


async def test_requests_after_a_large_head_in_one_read_are_served(gateway: Gateway) -> None:
    """A read longer than what is left of the limit is parsed in parts: heads near the limit,
    a body and the next request in the same read are all taken as they are."""
    pad = f"x-pad: {'v' * (MAX_HEADER_BYTES - 2048)}"
    body = b"b" * (MAX_HEADER_BYTES // 2)
    with_body = (
        f"POST /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {len(body)}\r\n{pad}\r\n\r\n"
    ).encode() + body
    keep = ("\r\n".join(["GET /healthz HTTP/1.1", "host: 127.0.0.1", pad]) + "\r\n\r\n").encode()
    answer, _ = await _exchange(gateway, keep + with_body + _request(pad))
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)  # the answers follow each other
    assert statuses == [b"200", b"405", b"200"], answer[:400]


def _console_post(path: str, *headers: str, length: int = 20) -> bytes:
    lines = [
        f"POST {path} HTTP/1.1",
        "host: 127.0.0.1",
        "content-type: application/x-www-form-urlencoded",
        f"content-length: {length}",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def test_an_anonymous_console_post_is_403_from_its_head(gateway: Gateway) -> None:
    """No console cookie: refused once the head is parsed, the body never awaited (none is
    sent here, and the answer still comes), with the console's security headers, no sooner than
    the refusal delay (a client posting in a loop waits on it)."""
    started = time.monotonic()
    answer, _ = await _exchange(gateway, _console_post("/console/login", length=1024 * 1024))
    assert time.monotonic() - started >= REFUSAL_DELAY
    head = answer.split(b"\r\n\r\n", 1)[0].lower()
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert b"connection: close" in head
    assert b"frame-ancestors 'none'" in head
    assert b"x-content-type-options: nosniff" in head
    assert b"missing or invalid CSRF token" in answer


async def test_a_megabyte_anonymous_console_form_is_not_read(gateway: Gateway) -> None:
    answer, taken = await _exchange(
        gateway, _console_post("/console/login", length=50 * 1024 * 1024), b"a" * (50 * 1024 * 1024)
    )
    assert answer.startswith(b"HTTP/1.1 403") or answer == b"", answer[:200]
    assert taken < 10 * 1024 * 1024, taken


async def test_a_console_post_with_a_cookie_is_judged_by_the_console(gateway: Gateway) -> None:
    """A cookie, even a forged one, takes the post to the console, which checks it: still
    refused, by the same rule; and a page with no form is served as ever."""
    forged = _console_post("/console/login", "cookie: unihook_console_csrf=forged", length=0)
    answer, _ = await _exchange(gateway, forged)
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert b"missing or invalid CSRF token" in answer
    page, _ = await _exchange(gateway, _request().replace(b"/healthz", b"/console/"))
    assert page.startswith(b"HTTP/1.1 200"), page[:200]


@pytest.mark.parametrize(
    ("method", "target", "cookie", "anonymous"),
    [
        (b"POST", b"/console/login", None, True),
        (b"POST", b"/console", None, True),
        (b"POST", b"/console/subscriptions/sub_1/pause?x=1", None, True),
        (b"POST", b"/console/login", b"unihook_console_csrf=abc", False),
        (b"POST", b"/console/login", b"theme=dark; __Host-unihook_console=abc", False),
        (b"GET", b"/console/login", None, False),
        (b"POST", b"/consoles", None, False),
        (b"POST", b"/ingest/breezy/acme", None, False),
    ],
)
def test_which_posts_are_anonymous_console_posts(
    method: bytes, target: bytes, cookie: bytes | None, anonymous: bool
) -> None:
    headers = [(b"host", b"127.0.0.1")] + ([(b"cookie", cookie)] if cookie else [])
    assert is_anonymous_console_post(method, target, headers) is anonymous
