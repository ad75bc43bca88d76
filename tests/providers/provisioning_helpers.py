"""What the vendors' provisioner tests share beyond the kit's lifecycle suite: the context the
gateway hands a provisioner, pointed at a vendor's API (a simulator, or a closed port), and for a
vendor whose API takes a bearer token, the kit's harness and one provisioner call against its
simulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import httpx

from providers import ProviderSettings, ProvisionContext
from providers.testing import (
    BearerTokenSimulator,
    FixedHarness,
    VendorSimulator,
    run_provisioner_call,
)

TENANT = "acme"
_T = TypeVar("_T")


def provision_context(http: httpx.AsyncClient, api_url: str, ingest_url: str) -> ProvisionContext:
    """Tenant ``acme``'s context with ``http`` as its client, the provider's ``api_url`` setting
    and ``ingest_url`` as the URL the provisioner registers with the vendor."""
    return ProvisionContext(
        http=http,
        settings=ProviderSettings({"api_url": api_url}),
        tenant=TENANT,
        ingest_url=ingest_url,
    )


def closed_ingest_url(vendor: str) -> str:
    """Tenant ``acme``'s ingest URL for ``vendor`` on a closed loopback port: what a provisioner
    registers when nothing is to be delivered to it."""
    return f"http://127.0.0.1:9/ingest/{vendor}/{TENANT}"


def token_harness(
    sim: BearerTokenSimulator, token: str, events: Sequence[str], count: Callable[[], int]
) -> FixedHarness:
    """The kit's harness for a vendor whose provisioner takes ``{token, events}``: ``sim``
    accepts ``token`` from now on and refuses any other; ``count`` counts its endpoints."""
    sim.add_token(token)
    return FixedHarness(
        settings={"api_url": sim.base_url},
        valid={"token": token, "events": list(events)},
        refused={"token": "a-token-the-vendor-never-issued-9876"},
        count=count,
    )


def run_on(
    sim: VendorSimulator, vendor: str, call: Callable[[ProvisionContext], Awaitable[_T]]
) -> _T:
    """One provisioner ``call`` against ``sim``, registering ``closed_ingest_url(vendor)``."""
    return run_provisioner_call(
        call, {"api_url": sim.base_url}, ingest_url=closed_ingest_url(vendor)
    )
