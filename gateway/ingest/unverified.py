"""Requests to a connection whose signature did not verify: kept, encrypted, to re-verify later.

After a secret mix-up (the wrong secret pasted, a rotation made at the vendor first) every
request of a vendor fails to verify, and vendors that never retry a ``401``, or that disable
the endpoint, lose those events for good. Such a request is still answered
``401``, but its headers and body are kept as a receipt with outcome ``unverified``, encrypted
with the key that encrypts connection secrets (nothing in it is trusted, and it may carry
personal data). Once the secret is right, ``reverify`` ingests each that now verifies exactly as
if it had just arrived.

What a flood of unsigned requests can cost: the body is already capped
(``UNIHOOK_MAX_BODY_BYTES``), the insert rides the ingest writer's group commit, and each
connection keeps only its newest ``UNIHOOK_UNVERIFIED_PER_CONNECTION`` (trimmed in the same
transaction), for ``UNIHOOK_UNVERIFIED_TTL`` seconds. Requests to no connection are never kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from gateway.core.crypto import SecretBox
from gateway.core.ids import new_id
from gateway.ingest.pipeline import kept_headers
from gateway.ingest.rows import ReceiptRow
from gateway.runtime import LiveConnection
from providers import ProviderAdapter


class KeptRequest(msgspec.Struct, frozen=True):
    """What is encrypted: every header as received (a vendor may sign over any of them) and the
    body, byte for byte."""

    headers: dict[str, str]
    body: bytes


_ENCODE = msgspec.msgpack.Encoder().encode
_DECODE = msgspec.msgpack.Decoder(KeptRequest).decode


def why_unverified(
    adapter: ProviderAdapter, headers: Mapping[str, str], secrets: Sequence[str]
) -> str:
    """Why a request did not verify, as far as the gateway can tell without the adapter's help."""
    if not secrets:
        return "the connection has no live secret"
    header = adapter.signature_header.lower()
    if header and not headers.get(header, "").strip():
        return f"no {adapter.signature_header} header"
    return "invalid signature: no live secret of the connection verifies it"


def unverified_receipt(
    *,
    box: SecretBox,
    adapter: ProviderAdapter,
    connection: LiveConnection,
    body: bytes,
    headers: dict[str, str],
    received_at: datetime,
    reason: str,
) -> ReceiptRow:
    """The receipt row of a request that did not verify: shown without its body (the headers
    listed are the ones kept with every receipt, plus the signature header); the whole request
    is in ``body``, encrypted."""
    extra = (*adapter.kept_headers, adapter.signature_header.lower())
    return ReceiptRow(
        id=new_id("rcp"),
        connection_id=connection.id,
        provider=connection.provider,
        tenant=connection.tenant,
        received_at=received_at,
        headers=kept_headers(headers, extra),
        body=box.encrypt_bytes(_ENCODE(KeptRequest(headers=headers, body=body))),
        outcome="unverified",
        error=reason,
    )


def open_receipt(box: SecretBox, stored: bytes) -> KeptRequest:
    """The request an unverified receipt keeps (``ValueError`` with another key)."""
    return _DECODE(box.decrypt_bytes(stored))
