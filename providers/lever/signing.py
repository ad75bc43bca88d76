"""Lever's request signing: hex HMAC-SHA256 of ``token + triggeredAt``, both read from the body.

Lever's reference code is JavaScript (``body.token + body.triggeredAt``), so the signed text is
JavaScript's string concatenation: the token as it is, then ``triggeredAt`` as JavaScript prints
it (an integer of epoch milliseconds in every example; a string is taken as it is).
"""

from __future__ import annotations

import hashlib
import hmac

from providers import js_number


def signed_text(token: object, triggered_at: object) -> bytes | None:
    """The bytes Lever signs, or None when the fields cannot be what Lever sent."""
    if not isinstance(token, str) or not token:
        return None
    if isinstance(triggered_at, bool):
        return None
    if isinstance(triggered_at, int):
        moment = str(triggered_at)
    elif isinstance(triggered_at, float):
        moment = js_number(triggered_at)
    elif isinstance(triggered_at, str) and triggered_at:
        moment = triggered_at
    else:
        return None
    return (token + moment).encode("utf-8")


def signature(token: str, triggered_at: int | str, key: str) -> str:
    """The ``signature`` Lever puts in the body of a request signed with ``key``."""
    text = signed_text(token, triggered_at)
    if text is None:
        raise ValueError("token must be a non-empty string and triggeredAt a number or string")
    return hmac.new(key.encode("utf-8"), text, hashlib.sha256).hexdigest()
