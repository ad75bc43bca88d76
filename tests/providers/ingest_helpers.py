"""What the vendors' ingest tests share: a tenant with every vendor connected, a vendor's body
posted to unihook's ingest URLs and the event stored for it read back, a vendor's retry answered
as a duplicate, and a gateway serving over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from gateway.core.settings import Settings
from gateway.http.app import create_app
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import SECRETS, connect
from tests.support.servers import ThreadedServer

TENANT_URL = "/ingest/acme"
"""Tenant ``acme``'s URL for every vendor: the gateway tells the vendor from the request."""


async def connect_every_vendor(client: Any, vendor: str, secret: str) -> None:
    """Connect every registered vendor to tenant ``acme``: ``vendor`` with ``secret``, each other
    with its usual test secret (``SECRETS``) or one of its own."""
    for name in sorted(default_registry().names()):
        other = SECRETS.get(name, f"{name}-secret")
        await connect(client, name, secret=secret if name == vendor else other)


async def stored_event(client: Any, answer: Any) -> dict[str, Any]:
    """The event stored for an ingest ``answer``, as the admin API shows it."""
    response = await client.get(f"/v1/events/{answer.json()['event_id']}", headers=ADMIN)
    assert response.status_code == 200, response.text
    event: dict[str, Any] = response.json()
    return event


async def told_apart(
    client: Any,
    vendor: str,
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    status: int,
) -> dict[str, Any]:
    """With every vendor connected (``connect_every_vendor``), ``body`` posted to the tenant URL
    is answered ``status`` and stored as ``vendor``'s event: that event."""
    await connect_every_vendor(client, vendor, secret)
    answer = await client.post(TENANT_URL, content=body, headers=headers)
    assert answer.status_code == status, answer.text
    event = await stored_event(client, answer)
    assert event["source"]["provider"] == vendor
    return event


async def accepted_then_duplicate(
    client: Any, url: str, body: bytes, headers: Mapping[str, str], status: int
) -> dict[str, Any]:
    """``body`` posted to ``url`` twice, as the vendor retries it: the first is answered
    ``status`` and accepted, the second ``200`` as a duplicate of it. The event stored."""
    first = await client.post(url, content=body, headers=headers)
    assert (first.status_code, first.json()["status"]) == (status, "accepted"), first.text
    again = await client.post(url, content=body, headers=headers)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "event_id": first.json()["event_id"]}
    return await stored_event(client, first)


@contextmanager
def running_gateway(
    settings: Settings, *, run_worker: bool = True, **changes: Any
) -> Iterator[str]:
    """A gateway serving on a loopback port in a thread, with ``settings`` (changed by
    ``changes``, its public URL its own): that URL."""
    server = ThreadedServer(None, name="gateway", lifespan="on")
    public = server.bind()
    app = create_app(replace(settings, public_url=public, **changes), run_worker=run_worker)
    server.app = app  # type: ignore[assignment]
    with server:
        yield public
