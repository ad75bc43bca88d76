"""Who is calling: the admin token, or a hashed admin or tenant key, and what each may see."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gateway.core.crypto import constant_time_equals, hash_key
from gateway.runtime import Runtime
from gateway.services.errors import NotFound
from gateway.storage.models import ApiKey


@dataclass(frozen=True, slots=True)
class Principal:
    """A caller; ``tenant`` is None for admin keys, which see every tenant."""

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
            raise NotFound(f"{what} not found")


ADMIN = Principal(key_id="admin", tenant=None)
"""The principal of the admin token, and of the command line."""


async def authenticate(runtime: Runtime, token: str) -> Principal | None:
    """The principal a bearer token stands for, or None (compared in constant time)."""
    token = token.strip()
    if not token:
        return None
    admin = runtime.settings.admin_token
    if admin and constant_time_equals(token, admin):
        return ADMIN
    query = select(ApiKey.id, ApiKey.tenant).where(ApiKey.key_hash == hash_key(token))
    row = await runtime.read(lambda conn: conn.execute(query).first())
    return None if row is None else Principal(key_id=row.id, tenant=row.tenant)


async def principal_of_key(runtime: Runtime, key_id: str) -> Principal | None:
    """The stored key ``key_id`` as a principal, or None once it no longer exists (a console
    session names its key by id, never by the key itself)."""
    query = select(ApiKey.id, ApiKey.tenant).where(ApiKey.id == key_id)
    row = await runtime.read(lambda conn: conn.execute(query).first())
    return None if row is None else Principal(key_id=row.id, tenant=row.tenant)
