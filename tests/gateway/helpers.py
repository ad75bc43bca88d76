"""Helpers for gateway and vendor ingest tests: connect a vendor, sign like it, count what was
stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from gateway.core.clock import utcnow
from gateway.core.crypto import hash_key, new_api_key
from gateway.core.ids import new_id
from gateway.runtime import Runtime
from gateway.storage.models import ApiKey
from providers.registry import default_registry
from tests.conftest import ADMIN

SECRETS = {
    "breezy": "whsec_test_breezy_secret",
    "hatchbeacon": "hb-secret-ü",
    "bindbee": "bb-key",
    "greenhouse": "gh secret typed in the Dev Center",
}


async def connect(
    client: Any, provider: str, tenant: str = "acme", *, secret: str | None = None, **extra: Any
) -> dict[str, Any]:
    """A new connection (as the admin API answers it) verifying with ``secret`` (default: the
    provider's in ``SECRETS``)."""
    body = {"provider": provider, "tenant": tenant, "secret": secret or SECRETS[provider], **extra}
    response = await client.post("/v1/connections", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def count(services: Runtime, model: Any, *where: Any) -> int:
    """How many rows of ``model`` (matching ``where``) are stored."""
    async with services.sessions() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


def signed(
    provider: str, vendor_type: str, secret: str | None = None
) -> tuple[bytes, dict[str, str]]:
    adapter = default_registry().get(provider)
    body = adapter.sample_events()[vendor_type]
    return body, adapter.sign_request(body, secret or SECRETS[provider], now=datetime.now(UTC))[1]


def sign(provider: str, body: bytes, secret: str | None = None) -> dict[str, str]:
    return (
        default_registry()
        .get(provider)
        .sign_request(body, secret or SECRETS[provider], now=datetime.now(UTC))[1]
    )


async def tenant_key(services: Runtime, tenant: str | None) -> dict[str, str]:
    """Headers with a new API key for ``tenant`` (``None``: an admin key), stored hashed."""
    key = new_api_key(tenant)
    async with services.sessions() as session, session.begin():
        session.add(
            ApiKey(
                id=new_id("key"),
                tenant=tenant,
                key_hash=hash_key(key),
                prefix=key[:8],
                created_at=utcnow(),
            )
        )
    return {"Authorization": f"Bearer {key}"}
