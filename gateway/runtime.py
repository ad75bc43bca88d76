"""The process's long-lived parts, built once and shared by routes, the worker and the CLI."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from cachetools import LRUCache
from sqlalchemy import Connection as DatabaseConnection
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from gateway.core.clock import unexpired
from gateway.core.crypto import SecretBox, SecretKeyMismatch, key_file_path
from gateway.core.people import PeopleIndex
from gateway.core.settings import Settings
from gateway.storage import create_schema, make_engine, make_sessionmaker
from gateway.storage.engine import make_writer_engine
from gateway.storage.models import Connection, ConnectionSecret, SubscriptionSecret
from providers import ProviderSettings
from providers.registry import Registry, default_registry

CONNECTION_CACHE_SECONDS = 2.0
CONNECTION_CACHE_ENTRIES = 10_000
VENDOR_HEALTH_ENTRIES = 10_000  # provisioned connections whose vendor view is kept
READER_THREADS = 4  # SQLite reads at once (WAL: readers never wait on the writer)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LiveConnection:
    """A connection as ingest needs it: decrypted secrets with their expiry."""

    id: str
    provider: str
    tenant: str
    verify: bool
    secrets: tuple[tuple[str, datetime | None], ...]
    awaiting_handshake: bool = False
    """Provisioned, and waiting for the secret the vendor's handshake request brings."""
    complete: bool = False
    """Its thin events are held until a worker fetched the records they name."""

    def live_secrets(self, now: datetime) -> list[str]:
        return unexpired(self.secrets, now)


def remember(cache: dict[Any, tuple[float, Any]], key: Any, value: Any) -> None:
    """Cache ``value`` for ``CONNECTION_CACHE_SECONDS`` in a dict kept in expiry order, dropping
    the oldest entries past ``CONNECTION_CACHE_ENTRIES``: its keys come from request paths
    (unknown tenants are cached too), so it must not grow with what clients send."""
    now = time.monotonic()
    cache.pop(key, None)
    cache[key] = (now + CONNECTION_CACHE_SECONDS, value)
    while cache:
        oldest = next(iter(cache))
        if len(cache) <= CONNECTION_CACHE_ENTRIES and cache[oldest][0] > now:
            break
        del cache[oldest]


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[Any]
    registry: Registry
    box: SecretBox
    writer_engine: Engine | None = None
    wake_dispatcher: asyncio.Event = field(default_factory=asyncio.Event)
    _connections: dict[tuple[str, str], tuple[float, LiveConnection | None]] = field(
        default_factory=dict
    )
    _tenant_providers: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    _loading: dict[tuple[str, str], asyncio.Future[LiveConnection | None]] = field(
        default_factory=dict
    )
    _generation: int = 0
    vendor_health: LRUCache[str, Any] = field(
        default_factory=lambda: LRUCache(maxsize=VENDOR_HEALTH_ENTRIES)
    )
    """The vendors' last view of provisioned endpoints, by connection (bounded)."""
    _provider_settings: dict[str, ProviderSettings] = field(default_factory=dict)
    handshakes_in_flight: set[str] = field(default_factory=set)
    """Connections whose handshake token this process is confirming at the vendor now."""
    _readers: ThreadPoolExecutor | None = None

    @classmethod
    def build(
        cls, settings: Settings, registry: Registry | None = None, **engine_kwargs: Any
    ) -> Runtime:
        engine = make_engine(settings.database_url, **engine_kwargs)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            registry=registry if registry is not None else default_registry(),
            box=SecretBox.from_settings(settings),
            writer_engine=make_writer_engine(settings.database_url),
        )

    @functools.cached_property
    def people(self) -> PeopleIndex:
        """The keyed hasher of whom events name (erasure's index), keyed from the secret key."""
        return PeopleIndex(self.box.derive_key("event-people"))

    async def migrate(self) -> None:
        """Bring the schema up to date, then make sure this process can read the secrets."""
        await create_schema(self.engine, self.box)
        await self.check_secret_key()

    async def check_secret_key(self) -> None:
        """Refuse to run with a key that cannot decrypt what the database holds.

        Every process sharing a database must share its key (``UNIHOOK_SECRET_KEY``, or the key
        file beside a SQLite database). A process started with another key would answer every
        vendor request of an existing connection with an error; this says why at start instead.
        Every stored secret is read, as each may have been written under a different key of a
        rotation list (Fernet tokens do not say which); decrypting one takes microseconds.
        """
        columns = (
            ConnectionSecret.secret_enc,
            SubscriptionSecret.secret_enc,
            Connection.vendor_state_enc,
            Connection.credentials_enc,
        )
        async with self.engine.connect() as conn:
            for column in columns:
                tokens = await conn.stream_scalars(select(column).where(column.is_not(None)))
                async for token in tokens:
                    try:
                        self.box.decrypt(str(token))
                    except ValueError:
                        raise SecretKeyMismatch(self._mismatch()) from None

    def _mismatch(self) -> str:
        source = (
            "UNIHOOK_SECRET_KEY"
            if self.settings.secret_key
            else f"the key file {key_file_path(self.settings)}"
        )
        return (
            f"{source} cannot decrypt the secrets stored in this database: every process "
            'sharing a database needs the same key (see docs/operations.md, "Secrets at rest")'
        )

    def provider_settings(self, name: str) -> ProviderSettings:
        """A provider's ``UNIHOOK_PROVIDER_<NAME>_<KEY>`` settings (read once per process)."""
        found = self._provider_settings.get(name)
        if found is None:
            found = self._provider_settings[name] = self.settings.provider_settings(name)
        return found

    @functools.cached_property
    def _sqlite_reader(self) -> Engine | None:
        """The engine ``read`` uses on a SQLite file; None elsewhere: PostgreSQL, and an in-memory
        SQLite database, which a second engine would not see."""
        return self.writer_engine if self.settings.sqlite_path() is not None else None

    async def read(self, reads: Callable[[DatabaseConnection], _T]) -> _T:
        """``reads(connection)``, a function of a synchronous connection, in one trip to the
        database: on a SQLite file in a reader thread over ``sqlite3``, where aiosqlite would hand
        each statement, fetch and rollback to its thread and back (a page's reads cost more in
        those hops than in SQLite); elsewhere on the async engine, through ``run_sync``."""
        engine = self._sqlite_reader
        if engine is not None:
            if self._readers is None:
                self._readers = ThreadPoolExecutor(READER_THREADS, "unihook-reader")

            def run() -> _T:
                with engine.connect() as conn:
                    return reads(conn)

            return await asyncio.get_running_loop().run_in_executor(self._readers, run)
        # No transaction around the reads: under READ COMMITTED each statement sees its own
        # snapshot either way, and BEGIN and ROLLBACK were two more round trips a page.
        async with self.engine.connect() as conn:
            reader = await conn.execution_options(isolation_level="AUTOCOMMIT")
            return await reader.run_sync(reads)

    async def close(self) -> None:
        await self.engine.dispose()
        if self._readers is not None:
            self._readers.shutdown(wait=True)
            self._readers = None
        if self.writer_engine is not None:
            self.writer_engine.dispose()

    def forget_connections(self) -> None:
        """Drop cached connections after a change made through this process."""
        self._connections.clear()
        self._tenant_providers.clear()
        self._generation += 1  # a read already under way must not cache what it saw,
        self._loading.clear()  # nor be joined by the requests that come after the change

    async def connection(self, provider: str, tenant: str) -> LiveConnection | None:
        """The connection for (provider, tenant), cached for a moment (other processes' changes
        show within ``CONNECTION_CACHE_SECONDS``). When it expires under load, one request
        reads it again and the others wait for that read instead of each making their own."""
        key = (provider, tenant)
        cached = self._connections.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        loading = self._loading.get(key)
        if loading is not None:
            return await asyncio.shield(loading)
        loading = self._loading[key] = asyncio.get_running_loop().create_future()
        generation = self._generation
        try:
            live = await self._load_connection(provider, tenant)
        except BaseException as exc:
            loading.set_exception(exc)
            loading.exception()  # the waiters (if any) get it; none waiting is not an error
            raise
        else:
            if generation == self._generation:
                remember(self._connections, key, live)
            loading.set_result(live)
            return live
        finally:
            if self._loading.get(key) is loading:
                del self._loading[key]

    async def fresh_connection(self, provider: str, tenant: str) -> LiveConnection | None:
        """The connection as stored now, past the cache (a secret just rotated by another
        process counts)."""
        return await self._load_connection(provider, tenant)

    async def _load_connection(self, provider: str, tenant: str) -> LiveConnection | None:
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(Connection).where(
                        Connection.provider == provider, Connection.tenant == tenant
                    )
                )
            ).scalar_one_or_none()
            if row is None:
                return None
            secrets = (
                await session.execute(
                    select(ConnectionSecret.secret_enc, ConnectionSecret.expires_at)
                    .where(ConnectionSecret.connection_id == row.id)
                    .order_by(ConnectionSecret.created_at.desc())
                )
            ).all()
            return LiveConnection(
                id=row.id,
                provider=row.provider,
                tenant=row.tenant,
                verify=row.verify,
                secrets=tuple((self.box.decrypt(s.secret_enc), s.expires_at) for s in secrets),
                awaiting_handshake=awaiting_handshake(self.box, row.vendor_state_enc),
                complete=row.complete,
            )

    async def tenant_providers(self, tenant: str) -> list[str]:
        """Providers with a connection for ``tenant`` (for the single ingest URL)."""
        cached = self._tenant_providers.get(tenant)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self.sessions() as session:
            names = list(
                (
                    await session.execute(
                        select(Connection.provider).where(Connection.tenant == tenant)
                    )
                ).scalars()
            )
        remember(self._tenant_providers, tenant, names)
        return names


def awaiting_handshake(box: SecretBox, sealed: str | None) -> bool:
    """Whether a connection's sealed vendor state says its endpoint still waits for the secret a
    handshake brings (``awaiting_handshake``, written by ``services.provisioning.seal``)."""
    if not sealed:
        return False
    document = json.loads(box.decrypt(sealed))
    return isinstance(document, dict) and bool(document.get("awaiting_handshake"))
