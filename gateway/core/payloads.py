"""Stored event JSON, as the API and the deliveries send it."""

from __future__ import annotations


def with_raw(payload: bytes, raw_body: bytes) -> bytes:
    """The canonical event JSON with ``raw`` (the vendor body that verified) spliced in."""
    return payload[:-1] + b',"raw":' + raw_body + b"}"
