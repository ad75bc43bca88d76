"""Prometheus metrics (``GET /metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
