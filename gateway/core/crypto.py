"""Secrets at rest (Fernet, key from ``UNIHOOK_SECRET_KEY`` or a 0600 file) and key hashing."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from gateway.core.settings import Settings, SettingsError


class SecretKeyMismatch(RuntimeError):
    """This process's secret key is not the one the database's secrets were encrypted with."""


class SecretBox:
    """Encrypts connection and subscription secrets before they reach the database.

    ``UNIHOOK_SECRET_KEY`` may hold several comma-separated Fernet keys: the first encrypts, all
    decrypt (key rotation).
    """

    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("SecretBox needs at least one key")
        self._fernet = MultiFernet([Fernet(k) for k in keys])
        self._first = keys[0]

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        if settings.secret_key:
            keys = [k.strip().encode() for k in settings.secret_key.split(",") if k.strip()]
            try:
                return cls(keys)
            except ValueError:  # binascii.Error is one
                raise SettingsError(
                    "UNIHOOK_SECRET_KEY must be one or more comma-separated Fernet keys "
                    "(32 url-safe base64-encoded bytes each)"
                ) from None
        return cls([load_or_create_key_file(key_file_path(settings))])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def encrypt_bytes(self, plaintext: bytes) -> bytes:
        """Bytes at rest (a request kept unverified), as a Fernet token."""
        return self._fernet.encrypt(plaintext)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise ValueError(
                "cannot decrypt stored bytes: UNIHOOK_SECRET_KEY (or the key file) is not the "
                "key the database was written with"
            ) from None

    def derive_key(self, label: str) -> bytes:
        """A key for another purpose (e.g. signing console sessions), derived from the first
        key: every process sharing the secret key derives the same one."""
        return hmac.new(self._first, b"unihook:" + label.encode(), hashlib.sha256).digest()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError(
                "cannot decrypt a stored secret: UNIHOOK_SECRET_KEY (or the key file) is not the "
                "key the database was written with"
            ) from None


def key_file_path(settings: Settings) -> Path:
    """Beside the SQLite database; in the working directory for other databases."""
    db = settings.sqlite_path()
    base = Path(db).resolve().parent if db else Path.cwd()
    name = (Path(db).name if db else "unihook.db") + ".key"
    return base / name


def load_or_create_key_file(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key + b"\n")
    finally:
        os.close(fd)
    return key


def new_api_key(tenant: str | None) -> str:
    kind = "tk" if tenant else "ak"
    return f"uh_{kind}_{secrets.token_urlsafe(32)}"


def hash_key(key: str) -> str:
    """API keys are 256-bit random, so one SHA-256 is the right hash (no stretching needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def secret_prefix(secret: str) -> str:
    """What may be shown of a secret after creation: its scheme prefix and nothing more."""
    return "whsec_" if secret.startswith("whsec_") else "****"
