"""The ``unihook`` command line: serve, worker, migrate, keys, connect, send-test, events..."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway import __version__
from gateway.cli import privacy
from gateway.cli.database import open_runtime, with_runtime
from gateway.cli.delivery import add_parsers
from gateway.cli.output import paint, table
from gateway.core.crypto import SecretKeyMismatch
from gateway.core.settings import Settings, SettingsError

if TYPE_CHECKING:
    from gateway.runtime import Runtime

Handler = Callable[[argparse.Namespace], int]


# ---- serve / migrate ------------------------------------------------------------------------


def admin_token_file(settings: Settings) -> Path:
    db = settings.sqlite_path()
    return Path((db or "unihook.db") + ".admin-token")


def ensure_admin_token(settings: Settings) -> tuple[Settings, str]:
    """The admin token: ``UNIHOOK_ADMIN_TOKEN``, else one generated on first run and kept in a
    0600 file beside the database. Returns the settings carrying it and where it came from."""
    if settings.admin_token:
        return settings, "UNIHOOK_ADMIN_TOKEN"
    from dataclasses import replace

    from gateway.core.crypto import new_api_key

    path = admin_token_file(settings)
    if path.exists():
        token = path.read_text().strip()
    else:
        token = new_api_key(None)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(token + "\n")
    return replace(settings, admin_token=token), str(path)


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.core import tracing
    from gateway.http.app import create_app
    from gateway.http.server import head_deadline_protocol

    settings, origin = ensure_admin_token(Settings.from_env())
    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    url = f"http://{host}:{port}"
    if not settings.is_given("public_url"):
        from dataclasses import replace

        settings = replace(settings, public_url=url)
    asyncio.run(_preflight(settings))  # schema and key checked before the banner, not after
    traced = tracing.configure()
    app = create_app(settings, run_worker=not args.no_worker)
    print(paint(f"unihook {__version__}", "bold"), "listening on", paint(url, "cyan"))
    print("  database     ", _redact_url(settings.database_url))
    shown = settings.admin_token or ""
    if origin == "UNIHOOK_ADMIN_TOKEN":  # the operator has it; the banner may end up in logs
        shown = f"{shown[:6]}…"
    print("  admin token  ", shown, paint(f"(from {origin})", "dim"))
    print("  ingest URLs  ", f"{settings.public_url}/ingest/{{provider}}/{{tenant}}")
    print("               ", f"{settings.public_url}/ingest/{{tenant}}  (provider told by headers)")
    print("  console      ", f"{url}/console/", paint("(sign in with the admin token)", "dim"))
    print("  API docs     ", f"{url}/schema")
    print("  worker       ", "off (--no-worker)" if args.no_worker else "on")
    if traced:
        print("  tracing      ", "on (OpenTelemetry)")
    sys.stdout.flush()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http=head_deadline_protocol(
            settings.header_timeout,
            max_head_bytes=settings.max_header_bytes,
            max_headers=settings.max_headers,
        ),
    )
    uvicorn.Server(config).run()
    return 0


async def _preflight(settings: Settings) -> None:
    runtime = open_runtime(settings)
    try:
        await runtime.migrate()
    finally:
        await runtime.close()


def _redact_url(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url


def run_migrate(args: argparse.Namespace) -> int:
    async def go(runtime: Runtime) -> None:
        return None

    asyncio.run(with_runtime(go))
    print("schema is up to date")
    return 0


# ---- keys / connections ---------------------------------------------------------------------


def run_keys_create(args: argparse.Namespace) -> int:
    from gateway.core.clock import utcnow
    from gateway.core.crypto import hash_key, new_api_key
    from gateway.core.ids import new_id
    from gateway.storage.models import ApiKey

    if args.tenant is not None:
        from gateway.services.common import valid_tenant
        from gateway.services.errors import Invalid

        try:
            valid_tenant(args.tenant)
        except Invalid as exc:
            print(f"error: --tenant: {exc.detail}", file=sys.stderr)
            return 2
    key = new_api_key(args.tenant)

    key_id = new_id("key")

    async def go(runtime: Runtime) -> None:
        from gateway.services.audit import record

        async with runtime.sessions() as session, session.begin():
            session.add(
                ApiKey(
                    id=key_id,
                    tenant=args.tenant,
                    key_hash=hash_key(key),
                    prefix=key[:8],
                    created_at=utcnow(),
                )
            )
        await record(runtime, "admin", "key.create", target=key_id, tenant=args.tenant)

    asyncio.run(with_runtime(go))
    scope = f"tenant {args.tenant!r}" if args.tenant else "admin (every tenant)"
    print(key)
    print(paint(f"# {scope} key; shown once, stored hashed", "dim"), file=sys.stderr)
    return 0


def run_connect(args: argparse.Namespace) -> int:
    import msgspec

    from gateway.services.access import ADMIN
    from gateway.services.connections import create_connection
    from gateway.services.errors import ServiceError
    from schemas.api import ConnectionCreate

    provision: dict[str, Any] | None = None
    if args.provision:
        try:
            provision = provision_fields(args.provider, args.vendor_options)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    elif args.vendor_options:
        print(f"unrecognized arguments: {' '.join(args.vendor_options)}", file=sys.stderr)
        return 2
    credentials: dict[str, str] | None = None
    if args.credential:
        pairs = [item.partition("=") for item in args.credential]
        bad = [key for key, equals, _ in pairs if not key or not equals]
        if bad or not args.complete:
            print("error: --credential takes KEY=VALUE, with --complete", file=sys.stderr)
            return 2
        credentials = {key: value for key, _, value in pairs}
    data = ConnectionCreate(
        provider=args.provider,
        tenant=args.tenant,
        secret=args.secret,
        verify=not args.no_verify,
        provision=provision,
        complete=args.complete,
        credentials=credentials,
    )

    async def go(runtime: Runtime) -> Any:
        return await create_connection(runtime, ADMIN, data)

    try:
        out = asyncio.run(with_runtime(go))
    except ServiceError as exc:
        print(paint(f"error: {exc.detail}", "red", sys.stderr), file=sys.stderr)
        return 1
    print(msgspec.json.format(msgspec.json.encode(out), indent=2).decode())
    return 0


def provision_fields(provider: str, options: list[str]) -> dict[str, Any]:
    """The ``provision`` block from ``--<field> value`` options named after the fields of the
    provider's request shape (``company_id`` is ``--company-id``; list fields take several)."""
    import msgspec

    from providers.registry import UnknownProvider, default_registry

    try:
        provisioner = default_registry().get(provider).provisioner
    except UnknownProvider as exc:
        raise ValueError(str(exc)) from None
    if provisioner is None:
        raise ValueError(f"provider {provider!r} cannot be provisioned through unihook")
    parser = argparse.ArgumentParser(prog=f"unihook connect {provider} TENANT --provision")
    required: list[str] = []
    for field in msgspec.structs.fields(provisioner.request_type):
        flag = "--" + field.name.replace("_", "-")
        is_list = "list" in str(field.type)
        parser.add_argument(flag, dest=field.name, nargs="+" if is_list else None)
        if field.required:
            required.append(flag)
    try:
        parsed, unknown = parser.parse_known_args(options)
    except SystemExit:
        raise ValueError(f"--provision for {provider} takes {', '.join(required)}") from None
    if unknown:
        raise ValueError(f"unrecognized arguments: {' '.join(unknown)}")
    values = {k: v for k, v in vars(parsed).items() if v is not None}
    missing = [flag for flag in required if flag[2:].replace("-", "_") not in values]
    if missing:
        raise ValueError(f"--provision for {provider} needs {', '.join(missing)}")
    return values


def run_connections(args: argparse.Namespace) -> int:
    from gateway.services.access import ADMIN
    from gateway.services.connections import get_connection, list_connections

    async def go(runtime: Runtime) -> list[list[str]]:
        rows: list[list[str]] = []
        cursor: str | None = None
        while True:
            listed = await list_connections(runtime, ADMIN, limit=500, cursor=cursor)
            for c in listed["data"]:
                status = (await get_connection(runtime, ADMIN, c.id)).provisioned
                health = ""
                if status is not None and status.error:
                    health = f"vendor unreachable: {status.error}"
                elif status is not None:
                    failed = (status.stats or {}).get("failed_deliveries") or 0
                    health = f"{status.status}, failed_deliveries={failed}"
                    if failed:
                        health = "WARNING " + health
                verify = "yes" if c.verify else "NO"
                rows.append([c.id, c.provider, c.tenant, verify, c.created_at, health])
            cursor = listed["next_cursor"]
            if cursor is None:
                return rows

    rows = asyncio.run(with_runtime(go))
    table(["id", "provider", "tenant", "verify", "created", "vendor health"], rows)
    return 0


# ---- providers / send-test ------------------------------------------------------------------


def run_providers(args: argparse.Namespace) -> int:
    from providers.registry import default_registry

    registry = default_registry()
    for item in registry:
        a = item.adapter
        header = f"{a.name}  ({a.display_name}, {a.category})"
        print(paint(header, "bold"), paint(f"{item.distribution} {item.version}", "dim"))
        print(f"  signature header: {a.signature_header or '(none: signed inside the body)'}")
        if hint := a.secret_hint:
            print(f"  secret to paste: {hint}")
        table(
            ["  vendor type", "canonical type"],
            [[f"  {vendor}", canonical] for vendor, canonical in a.event_types.items()],
            styles=[None, "cyan"],
        )
        print()
    print(f"{len(registry.names())} providers loaded")
    return 0


def run_send_test(args: argparse.Namespace) -> int:
    import httpx

    from providers.registry import UnknownProvider, all_samples, default_registry

    try:
        adapter = default_registry().get(args.provider)
    except UnknownProvider as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    samples = all_samples(adapter)
    if args.event not in samples:
        print(
            f"error: {args.provider} has no sample for {args.event!r}; "
            f"choose one of: {', '.join(samples)}",
            file=sys.stderr,
        )
        return 2
    body, headers = adapter.sign_request(samples[args.event], args.secret, now=datetime.now(UTC))
    base = (args.url or Settings.from_env().public_url).rstrip("/")
    from urllib.parse import quote

    url = f"{base}/ingest/{args.provider}/{quote(args.tenant, safe='')}"
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=15)
    except httpx.HTTPError as exc:
        print(paint(f"error: cannot reach {url}: {exc}", "red", sys.stderr), file=sys.stderr)
        return 1
    ok = response.is_success
    print(paint(f"{response.status_code}", "green" if ok else "red"), url)
    print(response.text)
    return 0 if ok else 1


# ---- events / reprocess ---------------------------------------------------------------------


def run_events(args: argparse.Namespace) -> int:
    from gateway.cli.eventview import follow_events

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(follow_events(open_runtime(), args))
    return 0


def run_reprocess(args: argparse.Namespace) -> int:
    from gateway.ingest.reprocess import reprocess

    async def go(runtime: Runtime) -> Any:
        return await reprocess(runtime, receipt_id=args.receipt)

    report = asyncio.run(with_runtime(go))
    for line in report.lines:
        print(line)
    print(
        f"{report.accepted} turned into events, {report.duplicates} duplicates, "
        f"{report.still_quarantined} still quarantined"
    )
    return 0


def run_purge(args: argparse.Namespace) -> int:
    """``--days N``: every tenant at N days. Without it, the retention settings: each tenant's
    own ``retention_days``, else ``UNIHOOK_RETENTION_DAYS`` (the worker's pass does the same)."""
    from gateway.core.clock import utcnow
    from gateway.services.retention import EVERY_TENANT, purge
    from gateway.services.tenants import retention_plan
    from gateway.storage.unverified import purge_unverified

    if args.days is not None and args.days < 1:
        print("--days must be at least 1", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print("--batch-size must be at least 1", file=sys.stderr)
        return 2

    async def go(runtime: Runtime) -> Any:
        if args.days is not None:
            plan = [(EVERY_TENANT, args.days)]
        else:
            async with runtime.sessions() as session:
                plan = await retention_plan(session, runtime.settings.retention_days)
        now = utcnow()
        reports = [
            await purge(
                runtime.sessions,
                now=now,
                days=days,
                batch_size=args.batch_size,
                dry_run=args.dry_run,
                scope=scope,
            )
            for scope, days in plan
        ]
        if not args.dry_run:
            unverified = await purge_unverified(
                runtime.sessions,
                now=now,
                ttl=runtime.settings.unverified_ttl,
                batch_size=args.batch_size,
            )
            if unverified:
                print(f"deleted {unverified} unverified requests past UNIHOOK_UNVERIFIED_TTL")
        return reports

    reports = asyncio.run(with_runtime(go))
    if not reports:
        print(
            "nothing to purge: give --days N, or set UNIHOOK_RETENTION_DAYS or a tenant's "
            "retention_days",
            file=sys.stderr,
        )
        return 2
    for report in reports:
        print(report.summary())
    return 0


# ---- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unihook", description=__doc__)
    parser.add_argument("--version", action="version", version=f"unihook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the gateway (and its delivery worker)")
    p.add_argument("--host", help="address to listen on (default UNIHOOK_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default UNIHOOK_PORT or 8000)")
    p.add_argument("--no-worker", action="store_true", help="ingest and API only")
    p.set_defaults(handler=run_serve)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(handler=run_migrate)

    keys = sub.add_parser("keys", help="management API keys").add_subparsers(
        dest="keys_command", required=True, metavar="ACTION"
    )
    p = keys.add_parser("create", help="make a key (shown once, stored hashed)")
    p.add_argument("--tenant", help="limit the key to one tenant")
    p.set_defaults(handler=run_keys_create)

    p = sub.add_parser("connect", help="connect a vendor account of a tenant")
    p.add_argument("provider")
    p.add_argument("tenant")
    p.add_argument(
        "--secret",
        help="the vendor's signing secret (`unihook providers` says which of the vendor's "
        "values to paste, where its adapter says)",
    )
    p.add_argument("--no-verify", action="store_true", help="accept unsigned requests (legacy)")
    p.add_argument(
        "--provision",
        action="store_true",
        help="create the endpoint at the vendor; the provider's fields follow as options "
        "(see GET /v1/providers, provisioning.request_schema), e.g. --api-token T",
    )
    p.add_argument(
        "--complete",
        action="store_true",
        help="complete thin events: fetch the records they name from the vendor's API before "
        "they go out (see GET /v1/providers, completion.credentials_schema)",
    )
    p.add_argument(
        "--credential",
        action="append",
        metavar="KEY=VALUE",
        help="a vendor API credential for --complete, e.g. --credential api_key=K (repeat for "
        "several; a provisioned connection's kept credentials serve without any)",
    )
    p.set_defaults(handler=run_connect, takes_vendor_options=True)

    p = sub.add_parser("connections", help="list connections (with vendor-side health)")
    p.set_defaults(handler=run_connections)

    p = sub.add_parser("providers", help="list the loaded adapters and their mappings")
    p.set_defaults(handler=run_providers)

    p = sub.add_parser("send-test", help="sign a sample as the vendor would and post it")
    p.add_argument("provider")
    p.add_argument("tenant")
    p.add_argument("--event", required=True, help="vendor event type, e.g. candidateAdded")
    p.add_argument("--secret", required=True)
    p.add_argument("--url", help="gateway base URL (default UNIHOOK_PUBLIC_URL or :8000)")
    p.set_defaults(handler=run_send_test)

    p = sub.add_parser("events", help="show normalised events")
    p.add_argument("--follow", "-f", action="store_true", help="keep showing new events")
    p.add_argument("--tenant")
    p.add_argument("--type")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=run_events)

    p = sub.add_parser("reprocess", help="re-normalise quarantined receipts")
    p.add_argument("--receipt", help="only this receipt id")
    p.set_defaults(handler=run_reprocess)

    p = sub.add_parser("purge", help="delete events, deliveries and receipts past retention")
    p.add_argument("--days", type=int, help="older than N days (default UNIHOOK_RETENTION_DAYS)")
    p.add_argument("--batch-size", type=int, default=1000, help="rows per transaction")
    p.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    p.set_defaults(handler=run_purge)

    add_parsers(sub)
    privacy.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_vendor_options", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.vendor_options = extra
    handler: Handler = args.handler
    try:
        return handler(args)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except SecretKeyMismatch as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
