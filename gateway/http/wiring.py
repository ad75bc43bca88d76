"""What the delivery side adds to the app: its routes and the in-process worker."""

from __future__ import annotations

from typing import Any, Protocol

from gateway.http.deliveries import event_deliveries, redeliver_event
from gateway.http.subscriptions import SubscriptionController
from gateway.runtime import Runtime

ROUTES: list[Any] = [SubscriptionController, event_deliveries, redeliver_event]


class RunningWorker(Protocol):
    async def stop(self) -> None: ...


async def start_worker(services: Runtime) -> RunningWorker | None:
    """Start this process's dispatcher (``unihook serve`` without ``--no-worker``)."""
    from gateway.delivery.dispatcher import Dispatcher

    dispatcher = Dispatcher(services)
    await dispatcher.start()
    return dispatcher
