"""Creating, watching and deleting the vendor-side endpoint (Breezy's Webhook Management API)."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import ValidationException

from gateway.services import Services
from schemas.api import ConnectionCreate, Provisioned


async def provision(
    services: Services, provider: str, tenant: str, data: ConnectionCreate
) -> tuple[str, Provisioned, dict[str, Any]]:
    raise ValidationException(f"provisioning is not available for provider {provider!r}")


async def deprovision(services: Services, row: Any) -> None:
    return None


async def vendor_health(services: Services, row: Any) -> Provisioned | None:
    return None
