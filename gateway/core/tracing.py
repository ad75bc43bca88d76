"""OpenTelemetry spans for ingest and delivery (the ``otel`` extra), and nothing without it.

One ``unihook.ingest`` span per vendor request and one ``unihook.delivery`` span per delivery
attempt. An accepted event keeps its ingest span's W3C ``traceparent`` (``events.trace_parent``),
so each of its delivery attempts links back to the request that brought it. Until ``configure``
finds a tracer provider every helper here returns at once, and without the extra installed
nothing imports OpenTelemetry at all.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from gateway import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span, SpanContext, Tracer, TracerProvider

try:
    from opentelemetry import context as _context
    from opentelemetry import trace as _trace
except ImportError:  # the otel extra is not installed
    _trace = None  # type: ignore[assignment]

_NOOP: AbstractContextManager[None] = contextlib.nullcontext()
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
_tracer: Tracer | None = None


def configure(provider: TracerProvider | None = None) -> bool:
    """Start tracing: with ``provider``; else exporting over OTLP/HTTP when
    ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set; else with an SDK provider installed globally (by
    ``opentelemetry-instrument``, say). Returns whether spans are now recorded."""
    global _tracer
    if _trace is None:
        return False
    if provider is None:
        provider = _global_sdk_provider() or _otlp_provider(os.environ)
    _tracer = provider.get_tracer("unihook", __version__) if provider is not None else None
    return _tracer is not None


def disable() -> None:
    """Stop recording spans (the provider, and its exporter, stay the caller's)."""
    global _tracer
    _tracer = None


def enabled() -> bool:
    return _tracer is not None


def _global_sdk_provider() -> TracerProvider | None:
    try:
        from opentelemetry.sdk.trace import TracerProvider as SdkProvider
    except ImportError:
        return None
    assert _trace is not None
    found = _trace.get_tracer_provider()
    return found if isinstance(found, SdkProvider) else None


def _otlp_provider(env: Mapping[str, str]) -> TracerProvider | None:
    if not any(env.get(f"OTEL_EXPORTER_OTLP_{kind}ENDPOINT") for kind in ("", "TRACES_")):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider as SdkProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    defaults = {"service.version": __version__}
    if not env.get("OTEL_SERVICE_NAME"):
        defaults["service.name"] = "unihook"
    provider = SdkProvider(resource=Resource.create(defaults))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    assert _trace is not None
    _trace.set_tracer_provider(provider)
    return provider


# ---- ingest --------------------------------------------------------------------------------


def ingest_span(tenant: str, provider: str | None) -> AbstractContextManager[Span | None]:
    """The span of one vendor request (``None`` inside while tracing is off)."""
    if _tracer is None:
        return _NOOP
    attributes: dict[str, Any] = {"unihook.tenant": tenant}
    if provider is not None:
        attributes["unihook.provider"] = provider
    return _tracer.start_as_current_span(
        "unihook.ingest",
        kind=_trace.SpanKind.SERVER,
        attributes=attributes,
        record_exception=False,
        set_status_on_exception=False,
    )


def ingest_provider(span: Span | None, provider: str) -> None:
    """The provider, once told by the request's headers."""
    if span is not None:
        span.set_attribute("unihook.provider", provider)


def ingest_outcome(
    span: Span | None,
    outcome: str,
    status_code: int,
    *,
    event_id: str | None = None,
    receipt_id: str | None = None,
) -> None:
    """How the request ended: accepted, duplicate, quarantined, or the refusal's reason."""
    if span is None:
        return
    span.set_attribute("unihook.outcome", outcome)
    span.set_attribute("http.response.status_code", status_code)
    if event_id is not None:
        span.set_attribute("unihook.event_id", event_id)
    if receipt_id is not None:
        span.set_attribute("unihook.receipt_id", receipt_id)
    if status_code >= 500:
        span.set_status(_trace.StatusCode.ERROR)


def traceparent(span: Span | None) -> str | None:
    """The span's W3C ``traceparent``, kept with the event its request stored."""
    if span is None:
        return None
    ctx = span.get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


# ---- delivery ------------------------------------------------------------------------------


def delivery_span(
    trace_parent: str | None,
    *,
    delivery_id: str,
    event_id: str,
    subscription_id: str,
    attempt: int,
) -> AbstractContextManager[Span | None]:
    """The span of one delivery attempt: a trace of its own, linked to the event's ingest span."""
    if _tracer is None:
        return _NOOP
    links = []
    linked = _span_context(trace_parent)
    if linked is not None:
        links.append(_trace.Link(linked))
    return _tracer.start_as_current_span(
        "unihook.delivery",
        context=_context.Context(),  # a root: the attempt is not part of the vendor's request
        kind=_trace.SpanKind.CLIENT,
        links=links,
        attributes={
            "unihook.delivery_id": delivery_id,
            "unihook.event_id": event_id,
            "unihook.subscription_id": subscription_id,
            "unihook.attempt": attempt,
        },
        record_exception=False,
        set_status_on_exception=False,
    )


def delivery_outcome(
    span: Span | None, outcome: str, status_code: int | None, error: str | None
) -> None:
    """The attempt's result: succeeded, retry or failed, the subscriber's status, the error."""
    if span is None:
        return
    span.set_attribute("unihook.outcome", outcome)
    if status_code is not None:
        span.set_attribute("http.response.status_code", status_code)
    if error is not None:
        span.set_status(_trace.StatusCode.ERROR, error[:200])


def _span_context(trace_parent: str | None) -> SpanContext | None:
    """A stored ``traceparent`` read back (``None`` when absent or malformed)."""
    match = _TRACEPARENT.fullmatch(trace_parent) if trace_parent else None
    if match is None:
        return None
    ctx = _trace.SpanContext(
        trace_id=int(match.group(1), 16),
        span_id=int(match.group(2), 16),
        is_remote=True,
        trace_flags=_trace.TraceFlags(int(match.group(3), 16)),
    )
    return ctx if ctx.is_valid else None
