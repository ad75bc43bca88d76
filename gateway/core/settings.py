"""Settings, read once from ``UNIHOOK_*`` environment variables.

Each setting is declared once, as a field of ``Settings`` made by ``variable()``: its variable's
name, how its text is read (which says its type and what values it takes), its default and its
meaning. ``Settings.from_env`` reads the fields, the CLI takes its own defaults from them, and
``python -m gateway.settingsdoc`` writes the table of ``docs/operations.md`` from them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from providers import ProviderSettings

PROVIDER_PREFIX = "UNIHOOK_PROVIDER_"
DEFAULT_RETRY_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """An environment variable holds a value unihook cannot use."""


Parse = Callable[[str, str], Any]
"""Reads a variable's text (name, stripped text) into its value; raises ``SettingsError``."""


def text(name: str, raw: str) -> str:
    return raw


def base_url(name: str, raw: str) -> str:
    return raw.rstrip("/")


def integer(*, maximum: int | None = None) -> Parse:
    """A whole number from 0 to ``maximum``."""

    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
        if value < 0:
            raise SettingsError(f"{name} must not be negative, got {value}")
        if maximum is not None and value > maximum:
            raise SettingsError(f"{name} must be at most {maximum}, got {value}")
        return value

    return parse


def seconds(name: str, raw: str) -> float:
    """A positive number."""
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def choice(*choices: str) -> Parse:
    def parse(name: str, raw: str) -> str:
        value = raw.lower()
        if value not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
        return value

    return parse


def flag(name: str, raw: str) -> bool:
    value = raw.lower()
    if value not in TRUE | FALSE:
        raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {raw!r}")
    return value in TRUE


def flag_off(name: str, raw: str) -> bool:
    """A flag stored as its opposite: the setting says what is done unless it is on."""
    return not flag(name, raw)


def schedule(name: str, raw: str) -> tuple[float, ...]:
    try:
        steps = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name} must be comma-separated seconds, got {raw!r}") from None
    if any(step < 0 for step in steps):
        raise SettingsError(f"{name} must not contain negative delays")
    return steps


def _is_provider_setting(name: str) -> bool:
    return name.startswith(PROVIDER_PREFIX) or (
        name.startswith("UNIHOOK_") and name.endswith("_API_URL")
    )


@dataclass(frozen=True, slots=True)
class Variable:
    """One environment variable: its name, how it is read, its default and its meaning.

    ``shown`` is the default as the docs write it, when the value alone does not say it (a
    generated file, a derived number); ``parse`` None: not read into ``Settings`` (a variable
    read by many names, or only by the tests)."""

    name: str
    default: Any
    meaning: str
    parse: Parse | None = text
    shown: str | None = None

    def read(self, env: Mapping[str, str]) -> Any:
        """The value ``env`` gives, or the default when unset or empty."""
        raw = env.get(self.name)
        if raw is None or not raw.strip() or self.parse is None:
            return self.default
        return self.parse(self.name, raw.strip())

    def documented_default(self) -> str:
        if self.shown is not None:
            return self.shown
        if isinstance(self.default, tuple):
            return f"`{','.join(f'{step:g}' for step in self.default)}`"
        if isinstance(self.default, float):
            return f"`{self.default:g}`"
        return f"`{self.default}`"


def variable(
    name: str,
    default: Any,
    meaning: str,
    parse: Parse | None = text,
    *,
    shown: str | None = None,
) -> Any:
    """A ``Settings`` field read from the variable ``name``."""
    declared = Variable(name, default, meaning, parse, shown)
    return field(default=default, metadata={"variable": declared})


@dataclass(frozen=True)
class Settings:
    database_url: str = variable(
        "UNIHOOK_DATABASE_URL",
        "sqlite+aiosqlite:///unihook.db",
        "the database: `sqlite+aiosqlite:///path` or `postgresql+asyncpg://user:pass@host/db`",
    )
    admin_token: str | None = variable(
        "UNIHOOK_ADMIN_TOKEN",
        None,
        "the admin API key",
        shown="generated into `<db>.admin-token` (0600) by `serve`",
    )
    secret_key: str | None = variable(
        "UNIHOOK_SECRET_KEY",
        None,
        "Fernet key(s) encrypting stored secrets; comma-separated for rotation (the first "
        "encrypts, all decrypt)",
        shown="generated into `<db>.key` (0600)",
    )
    public_url: str = variable(
        "UNIHOOK_PUBLIC_URL",
        "http://127.0.0.1:8000",
        "the gateway's public base URL: shown ingest URLs and the URL given to vendors when "
        "provisioning",
        base_url,
        shown="`http://127.0.0.1:8000` (`serve`: its own address)",
    )
    host: str = variable(
        "UNIHOOK_HOST", "127.0.0.1", "default for `serve --host` and `worker --metrics-host`"
    )
    port: int = variable("UNIHOOK_PORT", 8000, "default for `serve --port`", integer(maximum=65535))
    max_body_bytes: int = variable(
        "UNIHOOK_MAX_BODY_BYTES", 1024 * 1024, "larger ingest bodies get `413`", integer()
    )
    header_timeout: float = variable(
        "UNIHOOK_HEADER_TIMEOUT",
        10.0,
        "seconds a client has to send a request's head (from its first byte; from the connection "
        "for the first request); later: `408` and the connection is closed",
        seconds,
    )
    body_timeout: float = variable(
        "UNIHOOK_BODY_TIMEOUT",
        30.0,
        "seconds a client has, after the head, to send the whole body (every route); later: `408`",
        seconds,
    )
    max_header_bytes: int = variable(
        "UNIHOOK_MAX_HEADER_BYTES",
        64 * 1024,
        "largest request head (request line and headers, in bytes); larger: `431` and the "
        "connection is closed, before the rest is read",
        integer(),
    )
    max_headers: int = variable(
        "UNIHOOK_MAX_HEADERS",
        100,
        "most header fields in one request; more: `431` and the connection is closed",
        integer(),
    )
    console_max_form_bytes: int = variable(
        "UNIHOOK_CONSOLE_MAX_FORM_BYTES",
        16 * 1024,
        "largest console form body (the sign-in form: 2048); larger: `413` before it is read",
        integer(),
    )
    replay_max_events: int = variable(
        "UNIHOOK_REPLAY_MAX_EVENTS",
        10_000,
        "most events one replay may queue; a wider window is `400` (replay it in parts)",
        integer(),
    )
    replay_interval: float = variable(
        "UNIHOOK_REPLAY_INTERVAL",
        60.0,
        "seconds between two replays of one subscription; sooner: `429`. A replay is also "
        "`409` while deliveries queued by the last one are pending",
        seconds,
    )
    allow_insecure_destinations: bool = variable(
        "UNIHOOK_ALLOW_INSECURE_DESTINATIONS",
        False,
        "`1` allows `http://` subscription URLs and private, loopback and link-local "
        "destinations (development only)",
        flag,
        shown="off",
    )
    delivery_timeout: float = variable(
        "UNIHOOK_DELIVERY_TIMEOUT", 15.0, "seconds to wait for a subscriber's response", seconds
    )
    retry_schedule: tuple[float, ...] = variable(
        "UNIHOOK_RETRY_SCHEDULE",
        DEFAULT_RETRY_SCHEDULE,
        "seconds between attempts (±20% jitter); after the last, the delivery is `failed`",
        schedule,
    )
    disable_after: int = variable(
        "UNIHOOK_DISABLE_AFTER",
        432000,
        "a subscription failing with no success for this many seconds is disabled",
        integer(),
    )
    max_subscriptions: int = variable(
        "UNIHOOK_MAX_SUBSCRIPTIONS", 10, "subscriptions per API key", integer()
    )
    provider_env: Mapping[str, str] = field(
        default_factory=dict,
        metadata={
            "variable": Variable(
                f"{PROVIDER_PREFIX}<NAME>_<KEY>",
                None,
                "a provider's own setting, e.g. `UNIHOOK_PROVIDER_BREEZY_API_URL` (the vendor API "
                "a provisioner calls); `UNIHOOK_<NAME>_API_URL` is read as `..._API_URL` too",
                None,
                shown="unset",
            )
        },
    )
    """Every ``UNIHOOK_PROVIDER_<NAME>_<KEY>`` (and ``UNIHOOK_<NAME>_API_URL``), as given."""
    store_vendor_tokens: bool = variable(
        "UNIHOOK_FORGET_VENDOR_TOKENS",
        True,
        "`1`: do not store the vendor API credentials used to provision (then deleting the "
        "connection cannot delete the endpoint at the vendor)",
        flag_off,
        shown="off",
    )
    worker_concurrency: int = variable(
        "UNIHOOK_WORKER_CONCURRENCY",
        0,
        "deliveries in flight per worker at most; unset or `0`: half the open-file limit (less "
        "64), at most 4096",
        integer(),
        shown="derived",
    )
    per_destination_connections: int = variable(
        "UNIHOOK_PER_DESTINATION_CONNECTIONS",
        256,
        "ceiling of the deliveries in flight per worker to one scheme/host/port (the number in "
        "flight adapts below it to how the destination answers)",
        integer(),
    )
    lease_seconds: int = variable(
        "UNIHOOK_LEASE_SECONDS",
        60,
        "how long a claim lasts without renewal (how soon a dead worker's deliveries are retried)",
        integer(),
    )
    poll_interval: float = variable(
        "UNIHOOK_POLL_INTERVAL",
        0.5,
        "seconds between a worker's looks for due deliveries when idle",
        seconds,
    )
    complete_timeout: float = variable(
        "UNIHOOK_COMPLETE_TIMEOUT",
        600.0,
        "seconds an event of a connection with `complete: true` waits for its records to be "
        "fetched from the vendor; after that it goes out as it came, with "
        "`source.completion_error`",
        seconds,
    )
    retention_days: int = variable(
        "UNIHOOK_RETENTION_DAYS",
        0,
        "the default age in days after which events and receipts are purged, by the worker and by "
        "`unihook purge` (a tenant's `retention_days` setting overrides it)",
        integer(),
        shown="`0` (keep everything)",
    )
    maintenance_interval: float = variable(
        "UNIHOOK_MAINTENANCE_INTERVAL",
        300.0,
        "seconds between the worker's retention purges and `erase_on` erasures",
        seconds,
    )
    audit_retention_days: int = variable(
        "UNIHOOK_AUDIT_RETENTION_DAYS",
        365,
        "days the audit log keeps an entry (the worker purges older ones); `0` keeps everything",
        integer(),
    )
    unverified_per_connection: int = variable(
        "UNIHOOK_UNVERIFIED_PER_CONNECTION",
        1000,
        "requests whose signature did not verify kept per connection (encrypted) for "
        "re-verifying after a secret change; the oldest goes first; `0` keeps none",
        integer(),
    )
    unverified_ttl: int = variable(
        "UNIHOOK_UNVERIFIED_TTL",
        604800,
        "seconds an unverified request is kept; the worker and `unihook purge` delete older ones",
        integer(),
        shown="`604800` (seven days)",
    )
    ingest_writer: str = variable(
        "UNIHOOK_INGEST_WRITER",
        "process",
        "SQLite only: `process` commits ingest batches in a child process of `serve` (see "
        "below); `thread` in a thread of the server process (slower under load, no child "
        "process)",
        choice("process", "thread"),
    )
    given: frozenset[str] = frozenset()
    """The variables the environment set (to a non-empty value)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Every declared variable read from ``env`` (the process environment by default)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        given: set[str] = set()
        for name, declared in _declared().items():
            if declared.parse is None:
                continue
            values[name] = declared.read(env)
            if (env.get(declared.name) or "").strip():
                given.add(declared.name)
        provider_env = {k: v for k, v in env.items() if _is_provider_setting(k)}
        return cls(**values, provider_env=provider_env, given=frozenset(given))

    @staticmethod
    def variable(name: str) -> Variable:
        """The declaration of the field ``name``."""
        return _declared()[name]

    def is_given(self, name: str) -> bool:
        """Whether the environment set the field ``name``'s variable."""
        return self.variable(name).name in self.given

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
        """The file for a file-backed SQLite URL, else None."""
        if not self.is_sqlite or ":///" not in self.database_url:
            return None
        path = self.database_url.split(":///", 1)[1].split("?", 1)[0]
        return None if path in {"", ":memory:"} else path


def _declared() -> dict[str, Variable]:
    """``Settings``' fields that are variables, in declaration order, by field name."""
    return {
        f.name: f.metadata["variable"]
        for f in dataclasses.fields(Settings)
        if "variable" in f.metadata
    }


TEST_POSTGRES_URL = Variable(
    "UNIHOOK_TEST_POSTGRES_URL",
    None,
    "tests only: a PostgreSQL server for the PostgreSQL half of the test suite",
    None,
    shown="unset",
)

VARIABLES: tuple[Variable, ...] = (*_declared().values(), TEST_POSTGRES_URL)
"""Every ``UNIHOOK_*`` variable, for ``docs/operations.md`` (``make docs`` writes its table)."""


def settings_table() -> str:
    """The Markdown table of ``VARIABLES``."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{v.name}` | {v.documented_default()} | {v.meaning} |" for v in VARIABLES]
    return "\n".join(lines) + "\n"
