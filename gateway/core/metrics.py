"""Prometheus metrics (``GET /metrics``), and their own HTTP server for a standalone worker."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import Counter, Gauge, Histogram, make_wsgi_app

INGEST_REQUESTS = Counter(
    "unihook_ingest_requests_total",
    "Vendor webhook requests by provider and outcome",
    ["provider", "outcome"],
)
INGEST_UNVERIFIED = Counter(
    "unihook_ingest_unverified_total",
    "Requests to a connection whose signature did not verify, kept to re-verify, by provider",
    ["provider"],
)
INGEST_DROPPED_FIELDS = Counter(
    "unihook_ingest_dropped_fields_total",
    "Optional vendor fields left out of an event because their type was wrong",
    ["provider", "field"],
)
INGEST_BATCH = Histogram(
    "unihook_ingest_commit_batch_size",
    "Requests committed together by one group commit",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
)
DELIVERY_ATTEMPTS = Counter(
    "unihook_delivery_attempts_total",
    "Delivery attempts to subscribers by outcome",
    ["outcome"],
)
DELIVERY_LATENCY = Histogram(
    "unihook_delivery_latency_seconds",
    "Subscriber response time per delivery attempt",
)
COMPLETIONS = Counter(
    "unihook_completions_total",
    "Thin events completed from the vendor's API, by provider and outcome (completed, "
    "not_found, timeout)",
    ["provider", "outcome"],
)
COMPLETION_FAILURES = Counter(
    "unihook_completion_failures_total",
    "Failed fetches of thin events' records (each retried until the timeout), by provider and "
    "kind (rate_limited, unreachable, auth, rejected, not_found, error)",
    ["provider", "kind"],
)
COMPLETION_LATENCY = Histogram(
    "unihook_completion_latency_seconds",
    "From an event's commit until it was completed or released, by provider",
    ["provider"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800),
)
RETENTION_LAG = Gauge(
    "unihook_retention_lag_seconds",
    "How far retention is behind: the age past its tenant's cutoff of the oldest event still "
    "stored (0: nothing is overdue)",
)
DELIVERY_IN_FLIGHT = Gauge(
    "unihook_delivery_in_flight",
    "Deliveries this process is sending now",
)
DELIVERY_CONCURRENCY = Gauge(
    "unihook_delivery_concurrency",
    "Requests this process allows in flight to a destination (adapts to how it answers)",
    ["destination"],
)
DELIVERY_RATE_LIMITED = Gauge(
    "unihook_delivery_rate_limited",
    "Deliveries this process holds back for a subscription's rate limit",
    ["subscription"],
)
DELIVERY_ORDERING_HELD = Gauge(
    "unihook_delivery_ordering_held",
    "Pending deliveries waiting for an earlier one of their subject (ordering: resource)",
    ["subscription"],
)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not worth a log line each."""


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _worker_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == "/metrics":
        return _PROMETHEUS(environ, start_response)  # type: ignore[no-any-return]
    if path == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status":"ok"}']
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found: /metrics and /healthz only\n"]


_PROMETHEUS = make_wsgi_app()


def start_metrics_server(host: str, port: int) -> WSGIServer:
    """``/metrics`` and ``/healthz`` over HTTP for a process with no other server (a standalone
    ``unihook worker``), answered from a thread so a busy event loop cannot delay a scrape.
    ``shutdown()`` stops it."""
    server = make_server(host, port, _worker_app, _ThreadingServer, _QuietHandler)
    threading.Thread(target=server.serve_forever, name="unihook-metrics", daemon=True).start()
    return server
