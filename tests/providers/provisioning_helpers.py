"""What the vendors' provisioner tests share beyond the kit's lifecycle suite: the context the
gateway hands a provisioner, pointed at a vendor's API (a simulator, or a closed port)."""

from __future__ import annotations

import httpx

from providers import ProviderSettings, ProvisionContext

TENANT = "acme"


def provision_context(http: httpx.AsyncClient, api_url: str, ingest_url: str) -> ProvisionContext:
    """Tenant ``acme``'s context with ``http`` as its client, the provider's ``api_url`` setting
    and ``ingest_url`` as the URL the provisioner registers with the vendor."""
    return ProvisionContext(
        http=http,
        settings=ProviderSettings({"api_url": api_url}),
        tenant=TENANT,
        ingest_url=ingest_url,
    )
