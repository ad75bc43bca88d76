"""Stored event JSON, as the API and the deliveries send it."""

from __future__ import annotations

import msgspec

_JSON_STARTS = (b"{", b"[")
ERASED_BODY = b"null"
"""What an erased receipt's body becomes: ``raw`` then reads back as JSON ``null``."""


def with_raw(payload: bytes, raw_body: bytes) -> bytes:
    """The canonical event JSON with ``raw`` (the vendor body that verified) spliced in. A body
    that is not a JSON document (a form post, a bare text ping) goes in as a JSON string, so
    the event stays valid JSON; a body that normalised from JSON is spliced as it is."""
    if raw_body.lstrip()[:1] not in _JSON_STARTS and raw_body != ERASED_BODY:
        raw_body = msgspec.json.encode(raw_body.decode("utf-8", errors="replace"))
    return payload[:-1] + b',"raw":' + raw_body + b"}"
