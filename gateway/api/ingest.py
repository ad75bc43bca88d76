"""``POST /ingest/{provider}/{tenant}`` and ``POST /ingest/{tenant}``: the vendors' side."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    ValidationException,
)
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_413_REQUEST_ENTITY_TOO_LARGE

from gateway.ingest import IngestResult, IngestWriter, prepare
from gateway.metrics import INGEST_REQUESTS
from gateway.services import LiveConnection, Services, utcnow
from providers import ProviderAdapter, UnknownProvider

Req = Request[Any, Any, Any]


async def read_body(request: Req, limit: int) -> bytes:
    """The body, refused with 413 as soon as it passes ``limit`` (never buffered whole first)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(
            status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            detail=f"body exceeds UNIHOOK_MAX_BODY_BYTES ({limit} bytes)",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(
                status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                detail=f"body exceeds UNIHOOK_MAX_BODY_BYTES ({limit} bytes)",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _headers(request: Req) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


def _response(result: IngestResult) -> Response[dict[str, str]]:
    if result.status == "accepted":
        assert result.event_id is not None
        body = {"status": "accepted", "event_id": result.event_id}
        return Response(body, status_code=HTTP_202_ACCEPTED)
    if result.status == "duplicate":
        assert result.event_id is not None
        return Response(
            {"status": "duplicate", "event_id": result.event_id}, status_code=HTTP_200_OK
        )
    body = {"status": "quarantined", "receipt_id": result.receipt_id}
    return Response(body, status_code=HTTP_202_ACCEPTED)


async def _accept(
    services: Services,
    writer: IngestWriter,
    adapter: ProviderAdapter,
    connection: LiveConnection,
    body: bytes,
    headers: dict[str, str],
) -> Response[dict[str, str]]:
    received_at = utcnow()
    if connection.verify and not adapter.verify(
        body, headers, connection.live_secrets(received_at)
    ):
        INGEST_REQUESTS.labels(adapter.name, "unauthorized").inc()
        raise NotAuthorizedException("invalid signature")
    receipt, event = prepare(
        adapter=adapter, connection=connection, body=body, headers=headers, received_at=received_at
    )
    result = await writer.submit(receipt, event)
    INGEST_REQUESTS.labels(adapter.name, result.status).inc()
    return _response(result)


@post("/ingest/{provider:str}/{tenant:str}", status_code=HTTP_202_ACCEPTED, tags=["ingest"])
async def ingest_for_provider(
    request: Req, provider: FromPath[str], tenant: FromPath[str]
) -> Response[Any]:
    """Vendor webhook for one provider and tenant. The signature is the authentication."""
    services: Services = request.app.state.services
    try:
        adapter = services.registry.get(provider)
    except UnknownProvider:
        raise NotFoundException(f"unknown provider {provider!r}") from None
    connection = await services.connection(provider, tenant)
    if connection is None:
        raise NotFoundException(f"no {provider} connection for this tenant")
    body = await read_body(request, services.settings.max_body_bytes)
    return await _accept(
        services, request.app.state.ingest_writer, adapter, connection, body, _headers(request)
    )


@post("/ingest/{tenant:str}", status_code=HTTP_202_ACCEPTED, tags=["ingest"])
async def ingest_for_tenant(request: Req, tenant: FromPath[str]) -> Response[Any]:
    """One URL for every vendor of a tenant: the provider is told by its signature header."""
    services: Services = request.app.state.services
    connected = await services.tenant_providers(tenant)
    if not connected:
        raise NotFoundException("no connection for this tenant")
    headers = _headers(request)
    body = await read_body(request, services.settings.max_body_bytes)
    candidates: list[tuple[ProviderAdapter, LiveConnection]] = []
    for adapter in services.registry.detect(headers):
        if adapter.name in connected:
            connection = await services.connection(adapter.name, tenant)
            if connection is not None:
                candidates.append((adapter, connection))
    if not candidates:
        raise ValidationException(
            "cannot tell the provider from the request headers; "
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
    return await _accept(
        services, request.app.state.ingest_writer, adapter, connection, body, headers
    )
