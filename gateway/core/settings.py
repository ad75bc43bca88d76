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


@dataclass(frozen=True, slots=True)
class Variable:
    """One environment variable as the operations guide documents it."""

    name: str
    default: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "UNIHOOK_DATABASE_URL",
        "`sqlite+aiosqlite:///unihook.db`",
        "the database: `sqlite+aiosqlite:///path` or `postgresql+asyncpg://user:pass@host/db`",
    ),
    Variable(
        "UNIHOOK_ADMIN_TOKEN",
        "generated into `<db>.admin-token` (0600) by `serve`",
        "the admin API key",
    ),
    Variable(
        "UNIHOOK_SECRET_KEY",
        "generated into `<db>.key` (0600)",
        "Fernet key(s) encrypting stored secrets; comma-separated for rotation (the first "
        "encrypts, all decrypt)",
    ),
    Variable(
        "UNIHOOK_PUBLIC_URL",
        "`http://127.0.0.1:8000` (`serve`: its own address)",
        "the gateway's public base URL: shown ingest URLs and the URL given to vendors when "
        "provisioning",
    ),
    Variable(
        "UNIHOOK_HOST", "`127.0.0.1`", "default for `serve --host` and `worker --metrics-host`"
    ),
    Variable("UNIHOOK_PORT", "`8000`", "default for `serve --port`"),
    Variable("UNIHOOK_MAX_BODY_BYTES", "`1048576`", "larger ingest bodies get `413`"),
    Variable(
        "UNIHOOK_HEADER_TIMEOUT",
        "`10`",
        "seconds a client has to send a request's head (from its first byte; from the connection "
        "for the first request); later: `408` and the connection is closed",
    ),
    Variable(
        "UNIHOOK_BODY_TIMEOUT",
        "`30`",
        "seconds a client has, after the head, to send the whole body (every route); later: `408`",
    ),
    Variable(
        "UNIHOOK_MAX_HEADER_BYTES",
        "`65536`",
        "largest request head (request line and headers, in bytes); larger: `431` and the "
        "connection is closed, before the rest is read",
    ),
    Variable(
        "UNIHOOK_MAX_HEADERS",
        "`100`",
        "most header fields in one request; more: `431` and the connection is closed",
    ),
    Variable(
        "UNIHOOK_CONSOLE_MAX_FORM_BYTES",
        "`16384`",
        "largest console form body (the sign-in form: 2048); larger: `413` before it is read",
    ),
    Variable(
        "UNIHOOK_REPLAY_MAX_EVENTS",
        "`10000`",
        "most events one replay may queue; a wider window is `400` (replay it in parts)",
    ),
    Variable(
        "UNIHOOK_REPLAY_INTERVAL",
        "`60`",
        "seconds between two replays of one subscription; sooner: `429`. A replay is also "
        "`409` while deliveries queued by the last one are pending",
    ),
    Variable(
        "UNIHOOK_ALLOW_INSECURE_DESTINATIONS",
        "off",
        "`1` allows `http://` subscription URLs and private, loopback and link-local "
        "destinations (development only)",
    ),
    Variable("UNIHOOK_DELIVERY_TIMEOUT", "`15`", "seconds to wait for a subscriber's response"),
    Variable(
        "UNIHOOK_RETRY_SCHEDULE",
        "`5,300,1800,7200,18000,36000,36000`",
        "seconds between attempts (±20% jitter); after the last, the delivery is `failed`",
    ),
    Variable(
        "UNIHOOK_DISABLE_AFTER",
        "`432000`",
        "a subscription failing with no success for this many seconds is disabled",
    ),
    Variable("UNIHOOK_MAX_SUBSCRIPTIONS", "`10`", "subscriptions per API key"),
    Variable(
        "UNIHOOK_PROVIDER_<NAME>_<KEY>",
        "unset",
        "a provider's own setting, e.g. `UNIHOOK_PROVIDER_BREEZY_API_URL` (the vendor API a "
        "provisioner calls); `UNIHOOK_<NAME>_API_URL` is read as `..._API_URL` too",
    ),
    Variable(
        "UNIHOOK_FORGET_VENDOR_TOKENS",
        "off",
        "`1`: do not store the vendor API credentials used to provision (then deleting the "
        "connection cannot delete the endpoint at the vendor)",
    ),
    Variable(
        "UNIHOOK_WORKER_CONCURRENCY",
        "derived",
        "deliveries in flight per worker at most; unset or `0`: half the open-file limit (less "
        "64), at most 4096",
    ),
    Variable(
        "UNIHOOK_PER_DESTINATION_CONNECTIONS",
        "`256`",
        "ceiling of the deliveries in flight per worker to one scheme/host/port (the number in "
        "flight adapts below it to how the destination answers)",
    ),
    Variable(
        "UNIHOOK_LEASE_SECONDS",
        "`60`",
        "how long a claim lasts without renewal (how soon a dead worker's deliveries are retried)",
    ),
    Variable(
        "UNIHOOK_POLL_INTERVAL",
        "`0.5`",
        "seconds between a worker's looks for due deliveries when idle",
    ),
    Variable(
        "UNIHOOK_RETENTION_DAYS", "`0` (keep everything)", "the default age for `unihook purge`"
    ),
    Variable(
        "UNIHOOK_INGEST_WRITER",
        "`process`",
        "SQLite only: `process` commits ingest batches in a child process of `serve` (see "
        "below); `thread` in a thread of the server process (slower under load, no child "
        "process)",
    ),
    Variable(
        "UNIHOOK_TEST_POSTGRES_URL",
        "unset",
        "tests only: a PostgreSQL server for the PostgreSQL half of the test suite",
    ),
)
"""Every ``UNIHOOK_*`` variable, for ``docs/operations.md`` (``make docs`` writes its table)."""


def settings_table() -> str:
    """The Markdown table of ``VARIABLES``."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{v.name}` | {v.default} | {v.meaning} |" for v in VARIABLES]
    return "\n".join(lines) + "\n"


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
    worker_concurrency: int = 0  # 0: derived from the open-file limit
    per_destination_connections: int = 256  # the ceiling adaptive concurrency grows to
    lease_seconds: int = 60
    poll_interval: float = 0.5
    retention_days: int = 0
    ingest_writer: str = "process"
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_header_bytes: int = 64 * 1024
    max_headers: int = 100
    console_max_form_bytes: int = 16 * 1024
    replay_max_events: int = 10_000
    replay_interval: float = 60.0

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
            header_timeout=_float(env, "UNIHOOK_HEADER_TIMEOUT", cls.header_timeout),
            body_timeout=_float(env, "UNIHOOK_BODY_TIMEOUT", cls.body_timeout),
            max_header_bytes=_int(env, "UNIHOOK_MAX_HEADER_BYTES", cls.max_header_bytes),
            max_headers=_int(env, "UNIHOOK_MAX_HEADERS", cls.max_headers),
            console_max_form_bytes=_int(
                env, "UNIHOOK_CONSOLE_MAX_FORM_BYTES", cls.console_max_form_bytes
            ),
            replay_max_events=_int(env, "UNIHOOK_REPLAY_MAX_EVENTS", cls.replay_max_events),
            replay_interval=_float(env, "UNIHOOK_REPLAY_INTERVAL", cls.replay_interval),
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
