"""The console's session cookie and CSRF tokens: HMAC-signed, no server-side state.

A session names the key that signed in (``admin`` or an API key's id), its tenant, when it
expires and a random nonce; the CSRF token of every form is an HMAC of that nonce, so it changes
with each sign-in and cannot be made without the server's key. Before sign-in, the form's token
is tied the same way to a random cookie of its own (double submit), so a page elsewhere cannot
sign a browser in to someone else's session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import msgspec

SESSION_COOKIE = "unihook_console"
PRESESSION_COOKIE = "unihook_console_csrf"
CSRF_FIELD = "csrf_token"
SESSION_SECONDS = 12 * 3600


class Session(msgspec.Struct, frozen=True):
    """Who signed in (``key_id`` is ``admin`` for the admin token), until when (unix seconds)."""

    key_id: str
    tenant: str | None
    expires: int
    nonce: str
    admin_mark: str | None = None


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Session)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """Signs and checks session cookies and CSRF tokens with one key of the server's."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, label: str, data: bytes) -> bytes:
        return hmac.new(self._key, label.encode() + b"\0" + data, hashlib.sha256).digest()

    def admin_mark(self, admin_token: str) -> str:
        """A fingerprint of the admin token: changing the token ends admin sessions."""
        return _b64(self._mac("admin", admin_token.encode("utf-8")))[:22]

    def new_session(
        self, key_id: str, tenant: str | None, *, admin_mark: str | None = None
    ) -> Session:
        return Session(
            key_id=key_id,
            tenant=tenant,
            expires=int(time.time()) + SESSION_SECONDS,
            nonce=secrets.token_urlsafe(16),
            admin_mark=admin_mark,
        )

    def dump(self, session: Session) -> str:
        body = _encoder.encode(session)
        return f"{_b64(body)}.{_b64(self._mac('session', body))}"

    def load(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session a cookie holds, or None when it is missing, forged or expired."""
        if not cookie or len(cookie) > 4096 or "." not in cookie:
            return None
        body_text, _, mac_text = cookie.partition(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError):
            return None
        if not hmac.compare_digest(mac, self._mac("session", body)):
            return None
        try:
            session = _decoder.decode(body)
        except msgspec.DecodeError:
            return None
        if session.expires <= (time.time() if now is None else now):
            return None
        return session

    def csrf_token(self, seed: str) -> str:
        """The token a form carries for the session (or pre-session cookie) ``seed``."""
        return _b64(self._mac("csrf", seed.encode("utf-8")))

    def csrf_ok(self, seed: str | None, token: str | None) -> bool:
        if not seed or not token:
            return False
        return hmac.compare_digest(token.encode("utf-8"), self.csrf_token(seed).encode("utf-8"))


def new_presession_seed() -> str:
    return secrets.token_urlsafe(16)
