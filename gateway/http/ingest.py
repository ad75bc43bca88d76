"""``POST /ingest/{provider}/{tenant}`` and ``POST /ingest/{tenant}``: the vendors' side.

The hottest path in the gateway, so it is a plain ASGI handler mounted at ``/ingest``: it reads
the path, headers and body straight from the ASGI messages and writes its answer itself, skipping
Litestar's request and response objects, which cost more per request than verifying and
normalising the event (``docs/performance.md``). Errors are still Litestar's exceptions, rendered
by Litestar as on every other route; the two operations are described in the OpenAPI document by
``describe_ingest``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

import msgspec
from litestar import asgi
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    ServiceUnavailableException,
    ValidationException,
)
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    PathItem,
    RequestBody,
    Schema,
)
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from litestar.types import (
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    HTTPScope,
    Receive,
    Scope,
    Send,
)

from gateway.core import tracing
from gateway.core.clock import utcnow
from gateway.core.metrics import INGEST_REQUESTS, INGEST_UNVERIFIED
from gateway.http.server import request_timeout
from gateway.ingest.commit import IngestResult
from gateway.ingest.commit_process import CommitFailed
from gateway.ingest.pipeline import IngestWriter, prepare
from gateway.ingest.unverified import unverified_receipt, why_unverified
from gateway.runtime import LiveConnection, Runtime
from gateway.services import handshakes
from gateway.services.common import MAX_TENANT_LENGTH
from gateway.storage.engine import DATABASE_UNAVAILABLE
from providers import Handshake, ProviderAdapter
from providers.registry import UnknownProvider

if TYPE_CHECKING:
    from opentelemetry.trace import Span

ALLOWED = "POST, OPTIONS"
STORAGE_UNAVAILABLE: tuple[type[Exception], ...] = (*DATABASE_UNAVAILABLE, CommitFailed)
log = logging.getLogger("unihook.ingest")
_ENCODE = msgspec.json.Encoder().encode
_STATUS = {"accepted": 202, "duplicate": 200, "quarantined": 202}
_REFUSED = {
    400: "invalid",
    401: "unauthorized",
    404: "not_found",
    405: "invalid",
    408: "timeout",
    413: "too_large",
}


def status_for(adapter: ProviderAdapter, outcome: str) -> int:
    """The HTTP status of an outcome. A vendor that counts only one status as delivered (its
    adapter's ``accepted_status``) gets exactly that one for accepted, duplicate and quarantined
    bodies: it would otherwise retry, or disable the endpoint, on any other 2xx."""
    only = adapter.accepted_status
    return only if only is not None else _STATUS[outcome]


async def read_body(scope: Scope, receive: Receive, limit: int, seconds: float) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` (never buffered whole first),
    and with 408 when it has not all arrived within ``seconds``."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(seconds):
            while True:
                message = await receive()
                if message["type"] != "http.request":  # the client went away mid-body
                    raise HTTPException(status_code=400, detail="client disconnected")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise _too_large(limit)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except TimeoutError:
        raise request_timeout("request body not sent in time") from None


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        detail=f"body exceeds UNIHOOK_MAX_BODY_BYTES ({limit} bytes)",
    )


def request_headers(scope: Scope) -> dict[str, str]:
    """Header names lower-cased (ASGI servers already do) and values as Latin-1 text."""
    return {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
    }


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


async def _answer_handshake(send: Send, handshake: Handshake) -> None:
    """Answer a vendor's set-up request as it requires; nothing is stored."""
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in handshake.headers.items()
    ]
    headers.append((b"content-length", b"%d" % len(handshake.body)))
    await _answer(send, handshake.status, headers, handshake.body)


async def _handshake(runtime: Runtime, connection: LiveConnection, handshake: Handshake) -> None:
    """Have a token the handshake brings confirmed at the vendor (and stored) while the
    connection awaits one; only one confirmation per connection runs at a time, so a request
    arriving meanwhile is told to retry."""
    if handshake.token is None:
        return
    outcome = await handshakes.confirm(runtime, connection, handshake.token)
    if outcome == "busy":
        raise ServiceUnavailableException(
            "a handshake for this connection is being confirmed; retry later",
            headers={"Retry-After": "5"},
        )


class IngestAnswer(msgspec.Struct, frozen=True, omit_defaults=True):
    """The body of a 2xx: the event's id, or for a quarantined body the receipt's."""

    status: str
    event_id: str | None = None
    receipt_id: str | None = None


def _result_body(result: IngestResult) -> IngestAnswer:
    if result.status == "quarantined":
        return IngestAnswer("quarantined", receipt_id=result.receipt_id)
    return IngestAnswer(result.status, event_id=result.event_id)


async def _accept(
    runtime: Runtime,
    writer: IngestWriter,
    adapter: ProviderAdapter,
    connection: LiveConnection,
    body: bytes,
    headers: dict[str, str],
    *,
    span: Span | None = None,
) -> IngestResult:
    received_at = utcnow()
    if connection.verify:
        secrets = connection.live_secrets(received_at)
        if not adapter.verify(body, headers, secrets):
            INGEST_REQUESTS.labels(adapter.name, "unauthorized").inc()
            await _keep_unverified(
                runtime, writer, adapter, connection, body, headers, received_at, secrets
            )
            raise NotAuthorizedException("invalid signature")
        refused = adapter.check_request(
            body,
            headers,
            now=received_at,
            settings=runtime.provider_settings(adapter.name),
        )
        if refused is not None:
            INGEST_REQUESTS.labels(adapter.name, "unauthorized").inc()
            raise NotAuthorizedException(refused)
    receipt, event = prepare(
        adapter=adapter,
        connection=connection,
        body=body,
        headers=headers,
        received_at=received_at,
        trace_parent=tracing.traceparent(span),
        people=runtime.people,
        complete_timeout=runtime.settings.complete_timeout,
    )
    result = await writer.submit(receipt, event)
    INGEST_REQUESTS.labels(adapter.name, result.status).inc()
    return result


async def _keep_unverified(
    runtime: Runtime,
    writer: IngestWriter,
    adapter: ProviderAdapter,
    connection: LiveConnection,
    body: bytes,
    headers: dict[str, str],
    received_at: datetime,
    secrets: list[str],
) -> None:
    """Keep a request that did not verify, to re-verify after a secret change. Its answer is
    ``401`` whatever happens here: a failure to keep it is logged, never shown to the sender."""
    if runtime.settings.unverified_per_connection <= 0:
        return
    receipt = unverified_receipt(
        box=runtime.box,
        adapter=adapter,
        connection=connection,
        body=body,
        headers=headers,
        received_at=received_at,
        reason=why_unverified(adapter, headers, secrets),
    )
    try:
        await writer.submit(receipt, None)
    except Exception as exc:
        log.warning("an unverified %s request was not kept: %s", adapter.name, exc)
        return
    INGEST_UNVERIFIED.labels(adapter.name).inc()


async def _for_provider(
    runtime: Runtime, scope: Scope, receive: Receive, provider: str, tenant: str
) -> tuple[ProviderAdapter, LiveConnection, bytes, dict[str, str]]:
    try:
        adapter = runtime.registry.get(provider)
    except UnknownProvider:
        raise NotFoundException(f"unknown provider {provider!r}") from None
    connection = await runtime.connection(provider, tenant)
    if connection is None:
        raise NotFoundException(f"no {provider} connection for this tenant")
    body = await read_body(
        scope, receive, runtime.settings.max_body_bytes, runtime.settings.body_timeout
    )
    return adapter, connection, body, request_headers(scope)


async def _for_tenant(
    runtime: Runtime, scope: Scope, receive: Receive, tenant: str
) -> tuple[ProviderAdapter, LiveConnection, bytes, dict[str, str]]:
    """One URL for every vendor of a tenant: the provider is told by its headers, or for vendors
    that send none of their own, by its body."""
    connected = await runtime.tenant_providers(tenant)
    if not connected:
        raise NotFoundException("no connection for this tenant")
    headers = request_headers(scope)
    body = await read_body(
        scope, receive, runtime.settings.max_body_bytes, runtime.settings.body_timeout
    )
    candidates = await _connected(runtime, tenant, connected, runtime.registry.detect(headers))
    if not candidates:
        found = runtime.registry.detect_body(body, headers)
        candidates = await _connected(runtime, tenant, connected, found)
    if not candidates:
        raise ValidationException(
            "cannot tell the provider from the request; "
            "use /ingest/{provider}/{tenant} or send the vendor's signature header"
        )
    if len(candidates) > 1:
        now = utcnow()
        verified = [
            (a, c)
            for a, c in candidates
            if c.verify and a.verify(body, headers, c.live_secrets(now))
        ]
        if len(verified) != 1:
            names = ", ".join(a.name for a, _ in candidates)
            raise ValidationException(f"ambiguous provider ({names}); use /ingest/{{provider}}/...")
        candidates = verified
    adapter, connection = candidates[0]
    return adapter, connection, body, headers


async def _connected(
    runtime: Runtime, tenant: str, connected: list[str], adapters: list[ProviderAdapter]
) -> list[tuple[ProviderAdapter, LiveConnection]]:
    """The detected adapters the tenant has a connection for, with that connection."""
    out: list[tuple[ProviderAdapter, LiveConnection]] = []
    for adapter in adapters:
        if adapter.name in connected:
            connection = await runtime.connection(adapter.name, tenant)
            if connection is not None:
                out.append((adapter, connection))
    return out


@asgi("/ingest", is_mount=True, copy_scope=True)
async def ingest(scope: Scope, receive: Receive, send: Send) -> None:
    """Vendor webhooks. The signature is the authentication; the answer follows the commit."""
    # the path below the mount, as Litestar's router reads one: empty segments are skipped
    segments = [segment for segment in scope["path"].split("/") if segment]
    state = scope["litestar_app"].state
    runtime: Runtime = state.runtime
    if (
        not 1 <= len(segments) <= 2
        or len(segments[-1]) > MAX_TENANT_LENGTH
        or (len(segments) == 2 and len(segments[0]) > runtime.registry.longest_name)
        or not all(segment.isprintable() for segment in segments)
    ):
        # no tenant (at most MAX_TENANT_LENGTH) or provider (at most the longest loaded
        # adapter's name) can have such a name, and tenants are printable: not worth a lookup,
        # a cache entry or an echo in the answer; a NUL byte is refused by PostgreSQL's text type
        raise NotFoundException()
    method = cast("HTTPScope", scope)["method"]
    if method == "OPTIONS":
        await _answer(send, 204, [(b"allow", b"OPTIONS, POST")], b"")
        return
    if method != "POST":
        raise MethodNotAllowedException(headers={"Allow": ALLOWED})
    provider, tenant = segments if len(segments) == 2 else (None, segments[0])
    with tracing.ingest_span(tenant, provider) as span:
        try:
            if provider is not None:
                found = await _for_provider(runtime, scope, receive, provider, tenant)
            else:
                found = await _for_tenant(runtime, scope, receive, tenant)
                tracing.ingest_provider(span, found[0].name)
            handshake = found[0].handshake(found[2], found[3])
            if handshake is not None:
                await _handshake(runtime, found[1], handshake)
                tracing.ingest_outcome(span, "handshake", handshake.status)
                await _answer_handshake(send, handshake)
                return
            result = await _accept(runtime, state.ingest_writer, *found, span=span)
        except HTTPException as exc:
            tracing.ingest_outcome(span, _REFUSED.get(exc.status_code, "refused"), exc.status_code)
            raise
        except STORAGE_UNAVAILABLE as exc:  # nothing was committed: the vendor is to retry
            tracing.ingest_outcome(span, "unavailable", 503)
            log.warning("ingest answered 503: the database failed: %s", exc)
            raise ServiceUnavailableException(
                "storage unavailable; nothing was stored, retry later",
                headers={"Retry-After": "5"},
            ) from None
        except Exception:
            tracing.ingest_outcome(span, "error", 500)
            raise
        status = status_for(found[0], result.status)
        tracing.ingest_outcome(
            span, result.status, status, event_id=result.event_id, receipt_id=result.receipt_id
        )
    body = _ENCODE(_result_body(result))
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await _answer(send, status, headers, body)


def _operation(summary: str, description: str, parameters: list[str]) -> Operation:
    def answer(description: str, example: dict[str, Any]) -> OpenAPIResponse:
        return OpenAPIResponse(
            description=description,
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT), example=example
                )
            },
        )

    def error(status: int, detail: str) -> OpenAPIResponse:
        return answer(detail, {"status_code": status, "detail": detail})

    return Operation(
        tags=["ingest"],
        summary=summary,
        description=description,
        operation_id=summary.title().replace(" ", ""),
        parameters=[
            Parameter(
                name=name, param_in="path", required=True, schema=Schema(type=OpenAPIType.STRING)
            )
            for name in parameters
        ],
        request_body=RequestBody(
            description="The vendor's webhook body, byte for byte as signed",
            required=True,
            content={"application/json": OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT))},
        ),
        responses={
            "202": answer(
                "Committed: the event is stored and its deliveries queued (or the body is "
                "quarantined, kept byte for byte for `unihook reprocess`)",
                {"status": "accepted", "event_id": "evt_06H0HE9EFCRQH6BN54X81HSYC4"},
            ),
            "200": answer(
                "A retry of an event already stored: the first event's id. Also what an "
                "adapter whose vendor counts only 200 as delivered answers instead of 202",
                {"status": "duplicate", "event_id": "evt_06H0HE9EFCRQH6BN54X81HSYC4"},
            ),
            "400": error(400, "cannot tell the provider from the request headers"),
            "401": error(401, "invalid signature"),
            "404": error(404, "no connection for this tenant"),
            "408": error(408, "request body not sent in time"),
            "413": error(413, "body exceeds UNIHOOK_MAX_BODY_BYTES (1048576 bytes)"),
            "503": error(503, "storage unavailable; nothing was stored, retry later"),
        },
    )


def describe_ingest(openapi: OpenAPI) -> None:
    """Add the ingest routes (a mounted ASGI handler, which Litestar does not describe)."""
    paths = openapi.paths if openapi.paths is not None else {}
    paths["/ingest/{provider}/{tenant}"] = PathItem(
        post=_operation(
            "Ingest for provider",
            "Vendor webhook for one provider and tenant. The signature is the authentication.",
            ["provider", "tenant"],
        )
    )
    paths["/ingest/{tenant}"] = PathItem(
        post=_operation(
            "Ingest for tenant",
            "One URL for every vendor of a tenant: the provider is told by its signature header.",
            ["tenant"],
        )
    )
    openapi.paths = paths
