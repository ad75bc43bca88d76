"""What the delivery side adds to the app: its routes and the in-process worker."""

from __future__ import annotations

from typing import Any, Protocol

from gateway.services import Services

ROUTES: list[Any] = []


class RunningWorker(Protocol):
    async def stop(self) -> None: ...


async def start_worker(services: Services) -> RunningWorker | None:
    return None
