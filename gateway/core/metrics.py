"""Prometheus metrics (``GET /metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

INGEST_REQUESTS = Counter(
    "unihook_ingest_requests_total",
    "Vendor webhook requests by provider and outcome",
    ["provider", "outcome"],
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
