"""The gateway served for real: uvicorn on loopback, so requests run side by side and a client
can hold a connection half-sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from tests.support.servers import ThreadedServer


@pytest.fixture
def live(settings: Settings, services: Runtime) -> Iterator[str]:
    """The gateway under uvicorn on loopback: requests really run side by side."""
    server = ThreadedServer(None, lifespan="on", name="gateway")
    url = server.bind()
    server.app = create_app(replace(settings, public_url=url), run_worker=False, migrate=False)
    with server:
        yield url
