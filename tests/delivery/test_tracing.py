"""OpenTelemetry spans: one per ingest request, one per delivery attempt linked to the ingest
span, recorded by the SDK's in-memory exporter; and none of it without the ``otel`` extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from gateway.core import tracing
from tests.delivery.conftest import ingest, settled, subscribe
from tests.delivery.receiver import Receiver, Reply
from tests.gateway.helpers import connect, sign, signed


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    assert tracing.configure(provider)
    try:
        yield exporter
    finally:
        tracing.disable()
        provider.shutdown()


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


async def test_each_attempt_links_to_its_events_ingest_span(
    spans: InMemorySpanExporter, gateway: Any
) -> None:
    await connect(gateway, "breezy")
    with Receiver(script=[Reply(500, body=b"boom")]) as receiver:
        await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)
        await receiver.wait_for(2)
        await settled(gateway, event_id)

    [ingested] = named(spans, "unihook.ingest")
    assert ingested.kind is SpanKind.SERVER
    assert attrs(ingested) == {
        "unihook.tenant": "acme",
        "unihook.provider": "breezy",
        "unihook.outcome": "accepted",
        "http.response.status_code": 202,
        "unihook.event_id": event_id,
        "unihook.receipt_id": attrs(ingested)["unihook.receipt_id"],
    }
    assert attrs(ingested)["unihook.receipt_id"].startswith("rcp_")

    attempts = sorted(named(spans, "unihook.delivery"), key=_attempt_number)
    assert [_attempt_number(s) for s in attempts] == [1, 2]
    first, second = attempts
    for span in attempts:
        assert span.kind is SpanKind.CLIENT
        assert span.parent is None  # a trace of its own, linked rather than nested
        assert span.context.trace_id != ingested.context.trace_id
        [link] = span.links
        assert link.context.trace_id == ingested.context.trace_id
        assert link.context.span_id == ingested.context.span_id
        assert attrs(span)["unihook.event_id"] == event_id
        assert attrs(span)["unihook.delivery_id"].startswith("dlv_")
    assert attrs(first)["unihook.outcome"] == "retry"
    assert attrs(first)["http.response.status_code"] == 500
    assert first.status.status_code is StatusCode.ERROR
    assert attrs(second)["unihook.outcome"] == "succeeded"
    assert attrs(second)["http.response.status_code"] == 200
    assert second.status.status_code is StatusCode.UNSET
    assert attrs(first)["unihook.delivery_id"] == attrs(second)["unihook.delivery_id"]


async def test_refused_and_duplicate_requests_are_spans_too(
    spans: InMemorySpanExporter, gateway: Any
) -> None:
    await connect(gateway, "breezy")
    body, _ = signed("breezy", "candidateAdded")
    headers = sign("breezy", body)
    assert (
        await gateway.post("/ingest/breezy/acme", content=body, headers=headers)
    ).status_code == 202
    again = await gateway.post("/ingest/breezy/acme", content=body, headers=headers)
    assert again.status_code == 200
    forged = sign("breezy", body, "not-the-secret")
    tampered = await gateway.post("/ingest/breezy/acme", content=body, headers=forged)
    assert tampered.status_code == 401
    assert (await gateway.post("/ingest/nobody", content=body)).status_code == 404
    outcomes = [
        (attrs(s).get("unihook.outcome"), attrs(s).get("http.response.status_code"))
        for s in named(spans, "unihook.ingest")
    ]
    assert outcomes == [
        ("accepted", 202),
        ("duplicate", 200),
        ("unauthorized", 401),
        ("not_found", 404),
    ]
    duplicate = named(spans, "unihook.ingest")[1]
    assert attrs(duplicate)["unihook.event_id"] == again.json()["event_id"]


async def test_an_event_stored_untraced_is_delivered_with_an_unlinked_span(
    gateway: Any,
) -> None:
    await connect(gateway, "breezy")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with Receiver() as receiver:
        await subscribe(gateway, receiver.url)
        event_id = await ingest(gateway)  # tracing off: no traceparent kept
        tracing.configure(provider)
        try:
            await receiver.wait_for(1)
            await settled(gateway, event_id)
        finally:
            tracing.disable()
    [attempt] = named(exporter, "unihook.delivery")
    assert attempt.links == ()
    assert named(exporter, "unihook.ingest") == []


def _attempt_number(span: ReadableSpan) -> int:
    return int(attrs(span)["unihook.attempt"])


def test_without_the_extra_nothing_imports_opentelemetry() -> None:
    """With ``opentelemetry`` unimportable, the gateway ingests as usual and records nothing."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["opentelemetry"] = None  # what a missing package looks like to import
        from gateway.core import tracing
        assert tracing.configure() is False
        assert tracing.enabled() is False
        with tracing.ingest_span("acme", "breezy") as span:
            assert span is None
        with tracing.delivery_span("00-" + "1" * 32 + "-" + "2" * 16 + "-01", delivery_id="d",
                                   event_id="e", subscription_id="s", attempt=1) as span:
            assert span is None
        import gateway.http.app, gateway.delivery.dispatcher, gateway.cli.main
        loaded = [m for m in sys.modules if m.startswith("opentelemetry") and sys.modules[m]]
        assert loaded == [], loaded
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_an_otlp_endpoint_turns_on_the_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    assert tracing._otlp_provider({}) is None
    assert tracing._otlp_provider({"OTEL_EXPORTER_OTLP_ENDPOINT": ""}) is None
    monkeypatch.setattr(tracing._trace, "set_tracer_provider", lambda provider: None)
    provider = tracing._otlp_provider({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert isinstance(provider, TracerProvider)
    try:
        processors = provider._active_span_processor._span_processors
        assert [type(p.span_exporter) for p in processors] == [OTLPSpanExporter]
        assert provider.resource.attributes["service.name"] == "unihook"
    finally:
        provider.shutdown()


@pytest.mark.parametrize(
    "stored",
    [None, "", "garbage", "00-" + "0" * 32 + "-" + "1" * 16 + "-01", "01-" + "a" * 32 + "-b" * 8],
)
def test_a_missing_or_malformed_traceparent_means_no_link(
    spans: InMemorySpanExporter, stored: str | None
) -> None:
    with tracing.delivery_span(
        stored, delivery_id="dlv_1", event_id="evt_1", subscription_id="sub_1", attempt=1
    ) as span:
        assert span is not None
    [finished] = named(spans, "unihook.delivery")
    assert finished.links == ()


def test_a_traceparent_round_trips(spans: InMemorySpanExporter) -> None:
    with tracing.ingest_span("acme", "breezy") as span:
        parent = tracing.traceparent(span)
    assert parent is not None
    with tracing.delivery_span(
        parent, delivery_id="dlv_1", event_id="evt_1", subscription_id="sub_1", attempt=1
    ):
        pass
    [ingested] = named(spans, "unihook.ingest")
    [link] = named(spans, "unihook.delivery")[0].links
    assert (link.context.trace_id, link.context.span_id) == (
        ingested.context.trace_id,
        ingested.context.span_id,
    )
    ids = f"{ingested.context.trace_id:032x}-{ingested.context.span_id:016x}"
    flags = int(ingested.context.trace_flags)
    assert flags & 1  # sampled
    assert parent == f"00-{ids}-{flags:02x}"
