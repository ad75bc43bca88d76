"""The delivery side of the command line: ``worker``, ``subscribe``, ``deliveries``,
``recover``, ``demo``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Coroutine
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from gateway.cli.database import open_runtime, with_runtime
from gateway.cli.output import paint, table
from gateway.core.clock import utcnow
from gateway.core.settings import Settings

if TYPE_CHECKING:
    from gateway.runtime import Runtime

T = TypeVar("T")
STATUS_STYLE = {"succeeded": "green", "failed": "red", "pending": "yellow"}


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop when it is installed (as ``unihook serve`` does), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def add_parsers(subparsers: Any) -> None:
    """Register ``worker``, ``subscribe``, ``deliveries``, ``recover`` and ``demo`` on the
    ``unihook`` CLI."""
    p = subparsers.add_parser("worker", help="run a delivery worker (no API server)")
    p.add_argument(
        "--metrics-port", type=int, metavar="P", help="serve /metrics and /healthz on this port"
    )
    p.add_argument(
        "--metrics-host",
        help="address for --metrics-port (default UNIHOOK_HOST or 127.0.0.1)",
    )
    p.set_defaults(handler=run_worker)

    p = subparsers.add_parser("subscribe", help="subscribe a URL to events (prints the secret)")
    p.add_argument("url", help="where to POST events (https://; http:// needs the insecure flag)")
    p.add_argument(
        "--event",
        "-e",
        dest="events",
        action="extend",
        nargs="+",
        required=True,
        metavar="PATTERN",
        help="event type, prefix glob (ats.*) or * (repeatable)",
    )
    p.add_argument("--tenant", dest="tenants", action="extend", nargs="+", metavar="T")
    p.add_argument("--provider", dest="providers", action="extend", nargs="+", metavar="P")
    p.add_argument("--include-raw", action="store_true", help="add the vendor payload as raw")
    p.add_argument("--description")
    p.add_argument(
        "--filter",
        metavar="JSON",
        help='payload filter over the canonical event, e.g. \'{"data.application.stage.name": '
        '{"$in": ["Offer", "Hired"]}}\'',
    )
    p.add_argument(
        "--format",
        choices=("standard", "cloudevents"),
        default="standard",
        help="cloudevents: CloudEvents 1.0 binary-mode headers beside the signed canonical body",
    )
    p.set_defaults(handler=run_subscribe)

    p = subparsers.add_parser("deliveries", help="what was delivered, what failed, why, when next")
    p.add_argument("--status", choices=["pending", "succeeded", "failed"])
    p.add_argument("--subscription", help="only this subscription id")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=run_deliveries)

    p = subparsers.add_parser(
        "recover", help="redeliver a subscription's failed deliveries of a time window"
    )
    p.add_argument("subscription", help="the subscription id")
    p.add_argument(
        "--since", required=True, help="events received from this time (RFC 3339 or unix seconds)"
    )
    p.add_argument("--until", help="and before this time (default: now)")
    p.set_defaults(handler=run_recover)

    p = subparsers.add_parser(
        "demo", help="a gateway, a subscriber and one signed event from each vendor, end to end"
    )
    p.add_argument("--keep", action="store_true", help="keep the demo's temporary directory")
    p.set_defaults(handler=run_demo)


# ---- worker ---------------------------------------------------------------------------------


def run_worker(args: argparse.Namespace) -> int:
    from gateway.core import tracing
    from gateway.core.metrics import start_metrics_server
    from gateway.delivery.dispatcher import Dispatcher
    from gateway.services.completion import CompletionWorker
    from gateway.services.provisioning import renewal_loop

    settings = Settings.from_env()
    metrics_host = settings.host if args.metrics_host is None else args.metrics_host
    tracing.configure()

    async def main() -> None:
        runtime = open_runtime(settings)
        try:
            await runtime.migrate()
            dispatcher = Dispatcher(runtime, now=utcnow)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print(
                paint("unihook worker", "bold"),
                dispatcher.owner,
                paint(
                    f"(concurrency {dispatcher.concurrency}, "
                    f"up to {dispatcher.ceiling} per destination, "
                    f"lease {settings.lease_seconds}s)",
                    "dim",
                ),
                flush=True,
            )
            if metrics is not None:
                url = f"http://{metrics_host}:{metrics.server_port}/metrics"
                print("  metrics", paint(url, "cyan"), flush=True)
            from gateway.http.app import settle_heap
            from gateway.services.maintenance import Maintenance

            settle_heap()
            maintenance = Maintenance(runtime, now=utcnow)
            maintenance.start()
            completion = CompletionWorker(runtime, now=utcnow, owner=dispatcher.owner)
            await completion.start()
            renewal = asyncio.create_task(renewal_loop(runtime), name="unihook-vendor-renewal")
            try:
                await dispatcher.run(stop)
            finally:
                renewal.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewal
                await completion.stop()
                await maintenance.stop()
        finally:
            await runtime.close()

    metrics = None
    if args.metrics_port is not None:
        try:
            metrics = start_metrics_server(metrics_host, args.metrics_port)
        except OSError as exc:
            where = f"{metrics_host}:{args.metrics_port}"
            print(
                paint(f"error: cannot serve metrics on {where}: {exc}", "red", sys.stderr),
                file=sys.stderr,
            )
            return 1
    try:
        run_async(main())
    finally:
        if metrics is not None:
            metrics.shutdown()
    return 0


# ---- recover --------------------------------------------------------------------------------


def run_recover(args: argparse.Namespace) -> int:
    """``POST /v1/subscriptions/{id}/recover`` from the command line, as the admin."""
    from gateway.services.access import ADMIN
    from gateway.services.errors import ServiceError
    from gateway.services.subscriptions import recover
    from schemas.api import ReplayRequest

    async def go(runtime: Runtime) -> int:
        data = ReplayRequest(since=args.since, until=args.until)
        return (await recover(runtime, ADMIN, args.subscription, data)).enqueued

    try:
        enqueued = run_async(with_runtime(go))
    except ServiceError as exc:
        print(paint(f"error: {exc.detail}", "red", sys.stderr), file=sys.stderr)
        return 1
    print(f"queued {enqueued} failed deliver{'y' if enqueued == 1 else 'ies'} again")
    return 0


# ---- subscribe ------------------------------------------------------------------------------


def run_subscribe(args: argparse.Namespace) -> int:
    import msgspec

    from gateway.services.access import ADMIN
    from gateway.services.errors import ServiceError
    from gateway.services.subscriptions import create_subscription
    from schemas.api import SubscriptionCreate

    payload_filter = None
    if args.filter is not None:
        try:
            payload_filter = msgspec.json.decode(args.filter)
        except msgspec.DecodeError as exc:
            print(paint(f"error: --filter is not JSON: {exc}", "red", sys.stderr), file=sys.stderr)
            return 2
    data = SubscriptionCreate(
        filter=payload_filter,
        format=args.format,
        url=args.url,
        events=args.events,
        tenants=args.tenants,
        providers=args.providers,
        include_raw=args.include_raw,
        description=args.description,
    )

    async def go(runtime: Runtime) -> Any:
        return await create_subscription(runtime, ADMIN, data)

    try:
        out = run_async(with_runtime(go))
    except ServiceError as exc:
        print(paint(f"error: {exc.detail}", "red", sys.stderr), file=sys.stderr)
        return 1
    print(msgspec.json.format(msgspec.json.encode(out), indent=2).decode())
    print(
        paint("# the secret is shown once; subscribers verify webhook-signature with it", "dim"),
        file=sys.stderr,
    )
    return 0


# ---- deliveries -----------------------------------------------------------------------------


def run_deliveries(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from gateway.storage.models import Delivery, Event, Subscription

    async def go(runtime: Runtime) -> list[Any]:
        query = (
            select(Delivery, Event.type, Subscription.url)
            .join(Event, Event.id == Delivery.event_id)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .order_by(Delivery.id.desc())
            .limit(max(1, args.limit))
        )
        if args.status:
            query = query.where(Delivery.status == args.status)
        if args.subscription:
            query = query.where(Delivery.subscription_id == args.subscription)
        async with runtime.sessions() as session:
            return list((await session.execute(query)).all())

    rows = run_async(with_runtime(go))
    now = utcnow()
    cells = [
        [
            d.id,
            d.status,
            event_type,
            url,
            str(d.attempts),
            _last_result(d.last_status_code, d.last_error),
            _when(d.next_attempt_at, now) if d.status == "pending" else "-",
        ]
        for d, event_type, url in rows
    ]
    table(
        ["delivery", "status", "event type", "subscription url", "attempts", "last result", "next"],
        cells,
        row_style=lambda row: STATUS_STYLE.get(row[1]),
    )
    if not rows:
        print(paint("no deliveries", "dim"))
    return 0


def _last_result(code: int | None, error: str | None) -> str:
    if error:
        return error if len(error) <= 70 else error[:67] + "..."
    if code is not None:
        return f"HTTP {code}"
    return "-"


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    seconds = int((moment - now).total_seconds())
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return f"in {seconds}s"
    if seconds < 3600:
        return f"in {seconds // 60}m {seconds % 60}s"
    if seconds < 86400:
        return f"in {seconds // 3600}h {seconds % 3600 // 60}m"
    return f"in {seconds // 86400}d {seconds % 86400 // 3600}h"


# ---- demo -----------------------------------------------------------------------------------


def run_demo(args: argparse.Namespace) -> int:
    from gateway.cli.demo import demo

    with contextlib.suppress(KeyboardInterrupt):
        return run_async(demo(keep=args.keep))
    return 130
