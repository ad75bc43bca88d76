"""A running gateway whose provider calls a vendor's simulator: what the vendors' end-to-end
tests (provision through the API, the vendor delivers, the events are stored) start from."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

import httpx

from gateway.core.settings import Settings
from gateway.http.app import create_app
from providers.client import tls_context
from providers.testing import LoopbackServer, VendorSimulator
from tests.conftest import ADMIN

TENANT = "acme"
S = TypeVar("S", bound=VendorSimulator)


@dataclass
class LiveGateway(Generic[S]):
    """A gateway serving on ``public`` (loopback) whose ``provider`` calls ``sim``; ``api`` is an
    admin client on it."""

    provider: str
    public: str
    api: httpx.AsyncClient
    sim: S

    @property
    def ingest_url(self) -> str:
        return f"{self.public}/ingest/{self.provider}/{TENANT}"

    async def connect(self, provision: Mapping[str, Any]) -> httpx.Response:
        """The gateway's answer to provisioning a connection for the tenant with ``provision``."""
        return await self.api.post(
            "/v1/connections",
            json={"provider": self.provider, "tenant": TENANT, "provision": dict(provision)},
        )

    async def events(self) -> list[dict[str, Any]]:
        """The first hundred events stored for the tenant."""
        answer = await self.api.get("/v1/events", params={"tenant": TENANT, "limit": 100})
        data: list[dict[str, Any]] = answer.json()["data"]
        return data


@asynccontextmanager
async def live_gateway(settings: Settings, provider: str, sim: S) -> AsyncIterator[LiveGateway[S]]:
    """A gateway (no worker) on a free loopback port, its public URL its own and its
    ``provider``'s ``api_url`` the simulator's."""
    server = LoopbackServer(None, name="gateway", lifespan="on")
    public = server.bind()
    configured = replace(
        settings,
        public_url=public,
        provider_env={f"UNIHOOK_PROVIDER_{provider.upper()}_API_URL": sim.base_url},
    )
    server.app = create_app(configured, run_worker=False)  # type: ignore[assignment]
    with server:
        async with httpx.AsyncClient(
            base_url=public, headers=ADMIN, timeout=30, verify=tls_context()
        ) as api:
            yield LiveGateway(provider, public, api, sim)
