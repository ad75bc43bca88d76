"""The management API checks the key before it reads the body."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import ADMIN

ROUTES = [
    ("POST", "/v1/connections"),
    ("POST", "/v1/subscriptions"),
    ("PUT", "/v1/subscriptions/sub_x"),
    ("POST", "/v1/subscriptions/sub_x/replay"),
    ("POST", "/v1/events/evt_x/redeliver"),
    ("POST", "/v1/connections/con_x/secrets"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
async def test_malformed_json_without_a_key_is_401(client: Any, method: str, path: str) -> None:
    headers = {"content-type": "application/json"}
    response = await client.request(method, path, content=b"{not json", headers=headers)
    assert response.status_code == 401, response.text
    bad_key = {**headers, "Authorization": "Bearer nope"}
    response = await client.request(method, path, content=b"{not json", headers=bad_key)
    assert response.status_code == 401
    response = await client.request(
        method, path, content=b"{not json", headers={**ADMIN, **headers}
    )
    assert response.status_code == 400  # with a key, the body is read and refused


async def test_a_large_body_without_a_key_is_refused_before_it_is_sent(live: str) -> None:
    """The client announces 10 MB and sends 10 bytes: the 401 comes without waiting for more."""
    parts = urlsplit(live)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        b"POST /v1/connections HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        b'content-length: 10000000\r\n\r\n{"a": 1, '
    )
    await writer.drain()
    started = time.monotonic()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    assert status_line.startswith(b"HTTP/1.1 401"), status_line
    assert time.monotonic() - started < 10
    writer.close()
