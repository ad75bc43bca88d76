"""Handshake tokens: a secret a vendor hands over in an unsigned set-up request (an adapter's
``Handshake.token``), stored as the connection's signing secret only once the connection's
provisioner has confirmed it at the vendor. Vendor-neutral.

Anyone can send such a request, so the work it causes is bounded: a token is confirmed only for
a provisioned connection that still awaits one, and at most one confirmation per connection is in
flight in this process (the others are told to retry). A refused token changes nothing.
"""

from __future__ import annotations

import logging
from typing import Literal

from gateway.runtime import LiveConnection, Runtime, awaiting_handshake
from gateway.services import connections, provisioning
from providers import ProvisioningError

log = logging.getLogger("unihook.handshakes")

Outcome = Literal["confirmed", "refused", "ignored", "busy"]


async def confirm(runtime: Runtime, connection: LiveConnection, token: str) -> Outcome:
    """Have the provisioner confirm ``token`` at the vendor and store it when it does.

    ``ignored``: the connection awaits no handshake (made by hand, or already confirmed);
    ``busy``: a confirmation for it is under way; ``refused``: the vendor did not accept the
    token (or could not be asked). Never raises for the vendor's answers; never logs the token.
    """
    if not connection.awaiting_handshake:
        return "ignored"
    if connection.id in runtime.handshakes_in_flight:
        return "busy"
    runtime.handshakes_in_flight.add(connection.id)
    try:
        return await _confirm(runtime, connection, token)
    finally:
        runtime.handshakes_in_flight.discard(connection.id)


async def _confirm(runtime: Runtime, connection: LiveConnection, token: str) -> Outcome:
    sealed = await connections.sealed_vendor_state(runtime, connection.id)
    # the cached connection may be a moment old: another process may have confirmed it already
    if not awaiting_handshake(runtime.box, sealed) or sealed is None:
        return "ignored"
    adapter = runtime.registry.get(connection.provider)
    provisioner, display = adapter.provisioner, adapter.display_name
    if provisioner is None:
        return "ignored"
    vendor = provisioning.unseal(runtime, sealed)
    url = connections.ingest_url(runtime, connection.provider, connection.tenant)
    async with provisioning.context(runtime, connection.provider, connection.tenant, url) as ctx:
        try:
            await provisioner.confirm_handshake(ctx, vendor, token)
        except ProvisioningError as exc:
            log.warning(
                "connection %s: %s did not confirm a handshake token: %s",
                connection.id,
                display,
                exc.message,
            )
            return "refused"
        except Exception:  # a provisioner's bug must not turn the vendor's request into a 500
            log.exception("connection %s: confirming a %s handshake failed", connection.id, display)
            return "refused"
    if not await connections.store_handshake_secret(runtime, connection.id, token):
        return "ignored"
    log.info("connection %s: %s confirmed its handshake; secret stored", connection.id, display)
    return "confirmed"
