"""Bearer keys for the management API: the admin token, and hashed admin or tenant keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotAuthorizedException, NotFoundException
from sqlalchemy import select

from gateway.core.crypto import constant_time_equals, hash_key
from gateway.runtime import Runtime
from gateway.storage.models import ApiKey


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: ``tenant`` is None for admin keys, which see every tenant."""

    key_id: str
    tenant: str | None

    @property
    def is_admin(self) -> bool:
        return self.tenant is None

    def can_see(self, tenant: str | None) -> bool:
        return self.tenant is None or self.tenant == tenant

    def check(self, tenant: str | None, what: str = "resource") -> None:
        """A tenant key asking for another tenant's thing gets the same 404 as a missing one."""
        if not self.can_see(tenant):
            raise NotFoundException(f"{what} not found")


async def principal_from_request(request: Request[Any, Any, Any]) -> Principal:
    services: Runtime = request.app.state.services
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise NotAuthorizedException("missing bearer key")
    admin = services.settings.admin_token
    if admin and constant_time_equals(token, admin):
        return Principal(key_id="admin", tenant=None)
    async with services.sessions() as session:
        row = (
            await session.execute(
                select(ApiKey.id, ApiKey.tenant).where(ApiKey.key_hash == hash_key(token))
            )
        ).first()
    if row is None:
        raise NotAuthorizedException("invalid bearer key")
    return Principal(key_id=row.id, tenant=row.tenant)
