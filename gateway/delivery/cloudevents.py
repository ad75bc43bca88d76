"""CloudEvents 1.0 in HTTP binary content mode: the ``ce-*`` headers of a delivery (no I/O).

The body stays the canonical event exactly as the ``standard`` format sends it (with ``raw``
when asked): it is what the Standard Webhooks signature covers, and the ``ce-*`` headers are
not signed, so the body must carry everything a subscriber acts on. The headers repeat the
event's id, type, source, subject and time for CloudEvents routers (Knative, event buses).
"""

from __future__ import annotations

from urllib.parse import quote

import msgspec

SPECVERSION = "1.0"
# The HTTP binding (3.1.3.2): printable ASCII is sent as is but for space, '"' and '%'; anything
# else is percent-encoded UTF-8.
SAFE = "".join(c for c in map(chr, range(0x21, 0x7F)) if c not in ' "%')


class _Source(msgspec.Struct):
    provider: str = ""


class _Attributes(msgspec.Struct):
    """The canonical fields the headers are made of; the rest of the body is skipped."""

    id: str
    type: str
    timestamp: str
    tenant: str
    source: _Source = msgspec.field(default_factory=_Source)
    subject: str | None = None


_decoder = msgspec.json.Decoder(_Attributes)


def header_value(value: str) -> str:
    return quote(value, safe=SAFE)


def cloudevent_headers(body: bytes) -> dict[str, str]:
    """The ``ce-*`` headers for a canonical event's JSON (``content-type`` stays JSON)."""
    event = _decoder.decode(body)
    headers = {
        "ce-specversion": SPECVERSION,
        "ce-id": header_value(event.id),
        "ce-source": header_value(f"unihook/{event.source.provider}/{event.tenant}"),
        "ce-type": header_value(event.type),
        "ce-time": header_value(event.timestamp),
    }
    if event.subject:
        headers["ce-subject"] = header_value(event.subject)
    return headers
