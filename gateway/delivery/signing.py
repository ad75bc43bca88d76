"""Standard Webhooks signing: what ``standardwebhooks`` and ``svix`` verify (no I/O, no clock)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence

from gateway import __version__

PREFIX = "whsec_"
USER_AGENT = f"unihook/{__version__}"


class InvalidSecret(ValueError):
    """A subscription secret that is not ``whsec_`` + base64."""


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part after ``whsec_``."""
    encoded = secret.removeprefix(PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise InvalidSecret("a subscription secret must be whsec_ followed by base64") from None


def sign(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(keys: Sequence[bytes], msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature per live key, space-separated (rotation: the newest first)."""
    return " ".join(sign(key, msg_id, timestamp, body) for key in keys)


def webhook_headers(
    keys: Sequence[bytes], msg_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header a delivery carries besides ``content-length`` and ``host``."""
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",  # response snippets are stored as text
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(keys, msg_id, timestamp, body),
    }


def verify(
    secret: str, headers: Mapping[str, str], body: bytes, *, now: int, tolerance: int = 300
) -> bool:
    """Our own receiver-side check (the demo's fallback when ``standardwebhooks`` is absent).

    ``headers`` keys are lower-case. Any one valid ``v1`` signature within ``tolerance`` seconds
    of ``now`` passes; comparison is constant-time.
    """
    msg_id = headers.get("webhook-id", "")
    raw_timestamp = headers.get("webhook-timestamp", "")
    if not msg_id or not raw_timestamp.isdigit():
        return False
    timestamp = int(raw_timestamp)
    if abs(now - timestamp) > tolerance:
        return False
    try:
        expected = sign(secret_key(secret), msg_id, timestamp, body)
    except InvalidSecret:
        return False
    return any(
        hmac.compare_digest(candidate.encode(), expected.encode())
        for candidate in headers.get("webhook-signature", "").split()
    )
