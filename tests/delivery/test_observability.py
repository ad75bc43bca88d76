"""Observability of real processes: ``unihook worker --metrics-port`` serves /metrics, and a
gateway with ``OTEL_EXPORTER_OTLP_ENDPOINT`` set exports its spans to an OTLP/HTTP collector."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.conftest import ADMIN
from tests.delivery.conftest import eventually, ingest, subscribe
from tests.delivery.receiver import Receiver
from tests.delivery.test_processes import UNIHOOK, Setup, stop
from tests.delivery.test_processes import api as api_fixture
from tests.delivery.test_processes import setup as setup_fixture
from tests.gateway.helpers import connect, sign, signed
from tests.gateway.test_live import ADMIN as LIVE_ADMIN
from tests.gateway.test_live import Gateway, free_port
from tests.support.servers import ReceivedRequest, ThreadedServer
from tests.support.servers import Receiver as Recorder

api = api_fixture
setup = setup_fixture


def _sample(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{name}{{{wanted}}} (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else None


async def test_a_standalone_worker_serves_its_delivery_metrics(setup: Setup, api: Any) -> None:
    port = free_port()
    await connect(api, "breezy")
    # one client for every poll and scrape (a new one reads the CA bundle again)
    with Receiver() as receiver, httpx.Client(timeout=5) as http:
        await subscribe(api, receiver.url, headers=ADMIN)
        worker = subprocess.Popen(
            [*UNIHOOK, "worker", "--metrics-port", str(port)],
            env=setup.env,
            cwd=setup.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"

            async def up() -> bool:
                try:
                    return http.get(f"{base}/healthz", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(up, timeout=30)
            before = http.get(f"{base}/metrics").text
            # both outcomes are exported from the start, at zero (no series appears mid-way)
            assert _sample(before, "unihook_delivery_attempts_total", outcome="success") == 0.0
            assert _sample(before, "unihook_delivery_attempts_total", outcome="failure") == 0.0
            await ingest(api)
            await ingest(api)
            await receiver.wait_for(2, timeout=30)

            async def counted() -> float | None:
                text = http.get(f"{base}/metrics").text
                return _sample(text, "unihook_delivery_attempts_total", outcome="success")

            assert await eventually(counted, timeout=10) == 2.0
            scrape = http.get(f"{base}/metrics")
            assert scrape.headers["content-type"].startswith("text/plain")
            assert "unihook_delivery_latency_seconds_count" in scrape.text
            assert http.get(f"{base}/healthz").json() == {"status": "ok"}
            assert http.get(f"{base}/v1/events").status_code == 404
        finally:
            out = stop(worker)
    assert f"http://127.0.0.1:{port}/metrics" in out


def test_a_taken_metrics_port_is_a_clear_error(setup: Setup) -> None:
    with ThreadedServer(Recorder()) as taken:
        port = taken.port
        done = subprocess.run(
            [*UNIHOOK, "worker", "--metrics-port", str(port)],
            env=setup.env,
            cwd=setup.cwd,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"cannot serve metrics on 127.0.0.1:{port}" in done.stderr


def _spans(requests: list[ReceivedRequest]) -> list[Any]:
    spans = []
    for request in requests:
        assert request.path == "/v1/traces"
        assert request.headers["content-type"] == "application/x-protobuf"
        export = ExportTraceServiceRequest()
        export.ParseFromString(request.body)
        for resource in export.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}
            assert service["service.name"] == "unihook"
            for scope in resource.scope_spans:
                spans.extend(scope.spans)
    return spans


def _attributes(span: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in span.attributes:
        kind = a.value.WhichOneof("value")
        out[a.key] = getattr(a.value, kind)
    return out


@pytest.mark.slow
def test_serve_exports_linked_spans_over_otlp(tmp_path: Path) -> None:
    collector = Recorder(status=200, body=b"")
    with ThreadedServer(collector) as otlp, Receiver() as receiver:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("UNIHOOK_", "OTEL_"))}
        env.update(
            UNIHOOK_ADMIN_TOKEN=LIVE_ADMIN,
            UNIHOOK_ALLOW_INSECURE_DESTINATIONS="1",
            OTEL_EXPORTER_OTLP_ENDPOINT=otlp.base_url,
            OTEL_BSP_SCHEDULE_DELAY="100",
            NO_COLOR="1",
        )
        gateway = Gateway(tmp_path, port, env)
        gateway.start()
        try:
            auth = {"Authorization": f"Bearer {LIVE_ADMIN}"}
            secret = "whsec_" + "A" * 32
            body = {"provider": "breezy", "tenant": "acme", "secret": secret}
            assert httpx.post(f"{gateway.url}/v1/connections", json=body, headers=auth).is_success
            sub = {"url": receiver.url, "events": ["*"]}
            assert httpx.post(f"{gateway.url}/v1/subscriptions", json=sub, headers=auth).is_success
            sample, _ = signed("breezy", "candidateAdded")
            sent = httpx.post(
                f"{gateway.url}/ingest/breezy/acme",
                content=sample,
                headers=sign("breezy", sample, secret),
            )
            assert sent.status_code == 202, sent.text
            event_id = sent.json()["event_id"]
            deadline = time.monotonic() + 20
            while len({s.name for s in _spans(collector.requests)}) < 2:
                assert time.monotonic() < deadline, "no spans exported"
                time.sleep(0.1)
        finally:
            banner = gateway.stop()
    assert "tracing       on (OpenTelemetry)" in banner
    by_name = {s.name: s for s in _spans(collector.requests)}
    ingested, delivered = by_name["unihook.ingest"], by_name["unihook.delivery"]
    assert _attributes(ingested)["unihook.event_id"] == event_id
    assert _attributes(ingested)["unihook.outcome"] == "accepted"
    assert _attributes(delivered)["unihook.event_id"] == event_id
    assert _attributes(delivered)["unihook.outcome"] == "succeeded"
    [link] = delivered.links
    assert link.trace_id == ingested.trace_id
    assert link.span_id == ingested.span_id
