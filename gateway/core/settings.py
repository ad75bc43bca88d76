"""Settings, read once from ``UNIHOOK_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from providers import ProviderSettings

DEFAULT_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
PROVIDER_PREFIX = "UNIHOOK_PROVIDER_"


def _is_provider_setting(name: str) -> bool:
    return name.startswith(PROVIDER_PREFIX) or (
        name.startswith("UNIHOOK_") and name.endswith("_API_URL")
    )


class SettingsError(ValueError):
    """An environment variable holds a value unihook cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < 0:
        raise SettingsError(f"{name} must not be negative, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``, the first being the default."""
    raw = env.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _schedule(env: Mapping[str, str]) -> tuple[float, ...]:
    raw = env.get("UNIHOOK_RETRY_SCHEDULE")
    if not raw:
        return tuple(float(s) for s in DEFAULT_RETRY_SCHEDULE)
    try:
        steps = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(
            f"UNIHOOK_RETRY_SCHEDULE must be comma-separated seconds, got {raw!r}"
        ) from None
    if any(step < 0 for step in steps):
        raise SettingsError("UNIHOOK_RETRY_SCHEDULE must not contain negative delays")
    return steps


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///unihook.db"
    admin_token: str | None = None
    secret_key: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 1024 * 1024
    allow_insecure_destinations: bool = False
    delivery_timeout: float = 15.0
    retry_schedule: tuple[float, ...] = field(
        default_factory=lambda: tuple(float(s) for s in DEFAULT_RETRY_SCHEDULE)
    )
    disable_after: int = 432000
    max_subscriptions: int = 10
    provider_env: Mapping[str, str] = field(default_factory=dict)
    """``UNIHOOK_PROVIDER_<NAME>_<KEY>`` variables (and the older ``UNIHOOK_<NAME>_API_URL``)."""
    store_vendor_tokens: bool = True
    worker_concurrency: int = 64
    per_destination_connections: int = 8
    lease_seconds: int = 60
    poll_interval: float = 0.5
    retention_days: int = 0
    ingest_writer: str = "process"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("UNIHOOK_DATABASE_URL") or cls.database_url,
            admin_token=env.get("UNIHOOK_ADMIN_TOKEN") or None,
            secret_key=env.get("UNIHOOK_SECRET_KEY") or None,
            public_url=(env.get("UNIHOOK_PUBLIC_URL") or cls.public_url).rstrip("/"),
            max_body_bytes=_int(env, "UNIHOOK_MAX_BODY_BYTES", cls.max_body_bytes),
            allow_insecure_destinations=_flag(env, "UNIHOOK_ALLOW_INSECURE_DESTINATIONS"),
            delivery_timeout=_float(env, "UNIHOOK_DELIVERY_TIMEOUT", cls.delivery_timeout),
            retry_schedule=_schedule(env),
            disable_after=_int(env, "UNIHOOK_DISABLE_AFTER", cls.disable_after),
            max_subscriptions=_int(env, "UNIHOOK_MAX_SUBSCRIPTIONS", cls.max_subscriptions),
            provider_env={k: v for k, v in env.items() if _is_provider_setting(k)},
            store_vendor_tokens=not _flag(env, "UNIHOOK_FORGET_VENDOR_TOKENS"),
            worker_concurrency=_int(env, "UNIHOOK_WORKER_CONCURRENCY", cls.worker_concurrency),
            per_destination_connections=_int(
                env, "UNIHOOK_PER_DESTINATION_CONNECTIONS", cls.per_destination_connections
            ),
            lease_seconds=_int(env, "UNIHOOK_LEASE_SECONDS", cls.lease_seconds),
            poll_interval=_float(env, "UNIHOOK_POLL_INTERVAL", cls.poll_interval),
            retention_days=_int(env, "UNIHOOK_RETENTION_DAYS", cls.retention_days),
            ingest_writer=_choice(env, "UNIHOOK_INGEST_WRITER", ("process", "thread")),
        )

    def provider_settings(self, provider: str) -> ProviderSettings:
        """One provider's settings: ``UNIHOOK_PROVIDER_<NAME>_<KEY>`` as ``{"<key>": value}``;
        ``UNIHOOK_<NAME>_API_URL`` is read as ``api_url`` when the newer name is not set."""
        prefix = f"{PROVIDER_PREFIX}{provider.upper()}_"
        values = {k[len(prefix) :]: v for k, v in self.provider_env.items() if k.startswith(prefix)}
        legacy = self.provider_env.get(f"UNIHOOK_{provider.upper()}_API_URL")
        if legacy and "API_URL" not in values:
            values["API_URL"] = legacy
        return ProviderSettings(values)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def sqlite_path(self) -> str | None:
        """The database file for a file-backed SQLite URL, else None."""
        if not self.is_sqlite or ":///" not in self.database_url:
            return None
        path = self.database_url.split(":///", 1)[1].split("?", 1)[0]
        return None if path in {"", ":memory:"} else path
