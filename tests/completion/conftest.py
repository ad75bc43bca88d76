"""What the completion tests share: a local subscriber and a worker's loops in this process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.core.clock import utcnow
from gateway.delivery.dispatcher import Dispatcher
from gateway.runtime import Runtime
from gateway.services.completion import CompletionWorker
from tests.delivery.receiver import Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@contextlib.asynccontextmanager
async def worker(services: Runtime) -> AsyncIterator[None]:
    """A worker's two loops in this process: completion, then delivery."""
    dispatcher = Dispatcher(services, now=utcnow)
    completion = CompletionWorker(services, now=utcnow, owner=dispatcher.owner)
    await dispatcher.start()
    await completion.start()
    try:
        yield
    finally:
        await completion.stop()
        await dispatcher.stop()
