"""``unihook demo``: the whole path on this machine in a few seconds.

A gateway (uvicorn, in-process, embedded SQLite in a temporary directory) and a subscriber on
loopback; the subscriber subscribes through the API, each built-in vendor gets a connection and
sends one sample signed exactly as that vendor signs, and every normalised event is printed as
the subscriber received it, with its Standard Webhooks signature verified.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from gateway.cli.output import paint
from gateway.core.settings import Settings
from providers.client import tls_context

PREFERRED = ("ats.application.stage_changed", "ats.interview.scheduled", "connection.sync.failed")
"""What the demo sends of each vendor: the first of these it maps, else its first real type."""
Verify = Callable[[bytes, dict[str, str]], None]


def demo_type(event_types: Mapping[str, str]) -> str:
    """The vendor type the demo sends for an adapter (its mapping: vendor type -> canonical)."""
    for canonical in PREFERRED:
        for vendor_type, mapped in event_types.items():
            if mapped == canonical:
                return vendor_type
    real = [v for v, c in event_types.items() if c not in ("connection.test", "unmapped")]
    return real[0] if real else next(iter(event_types), "")


class _Subscriber:
    """A minimal HTTP/1.1 endpoint: queues each request and answers 200."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[tuple[float, dict[str, str], bytes]] = asyncio.Queue()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                headers = {}
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name:
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.inbox.put_nowait((time.monotonic(), headers, body))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _verifier(secret: str) -> tuple[str, Verify]:
    """``standardwebhooks`` when installed (what subscribers use), else our own check."""
    try:
        from standardwebhooks import Webhook
    except ImportError:
        from gateway.delivery.signing import verify

        def ours(body: bytes, headers: dict[str, str]) -> None:
            if not verify(secret, headers, body, now=int(time.time())):
                raise ValueError("signature does not verify")

        return "unihook's own verifier (standardwebhooks is not installed)", ours

    hook = Webhook(secret)

    def theirs(body: bytes, headers: dict[str, str]) -> None:
        hook.verify(body, headers)

    return "the standardwebhooks library", theirs


async def demo(*, keep: bool = False) -> int:
    import uvicorn

    from gateway.http.app import create_app
    from providers.registry import default_registry

    workdir = Path(tempfile.mkdtemp(prefix="unihook-demo-"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    admin = "uh_demo_" + secrets.token_urlsafe(16)
    settings = replace(
        Settings.from_env(),
        database_url=f"sqlite+aiosqlite:///{workdir / 'unihook.db'}",
        admin_token=admin,
        secret_key=None,
        public_url=base,
        allow_insecure_destinations=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), log_level="warning", access_log=False, lifespan="on")
    )
    subscriber = _Subscriber()
    for name in ("unihook", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    auth = {"Authorization": f"Bearer {admin}"}
    try:
        await subscriber.start()
        while not server.started:
            if serving.done():
                serving.result()
                return 1
            await asyncio.sleep(0.01)
        print(paint("unihook demo", "bold"), paint(f"(everything in {workdir})", "dim"))
        print(f"  gateway     {base}  (embedded SQLite, delivery worker in-process)")
        print(f"  subscriber  http://127.0.0.1:{subscriber.port}/webhooks")
        async with httpx.AsyncClient(base_url=base, timeout=10, verify=tls_context()) as api:
            created = await api.post(
                "/v1/subscriptions",
                json={
                    "url": f"http://127.0.0.1:{subscriber.port}/webhooks",
                    "events": ["*"],
                    "description": "unihook demo",
                },
                headers=auth,
            )
            created.raise_for_status()
            secret = created.json()["secret"]
            verifier_name, check = _verifier(secret)
            print(f"  subscribed  to every event type; secret {secret[:12]}...")
            print()
            registry = default_registry()
            failures = 0
            for item in registry:
                provider, adapter = item.name, item.adapter
                vendor_type = demo_type(adapter.event_types)
                # Base64 text: a valid secret for vendors that key the HMAC with its bytes and
                # for those that decode it first (Standard Webhooks style).
                vendor_secret = base64.b64encode(f"demo-{provider}-secret".encode()).decode()
                connected = await api.post(
                    "/v1/connections",
                    json={"provider": provider, "tenant": "demo", "secret": vendor_secret},
                    headers=auth,
                )
                connected.raise_for_status()
                samples = adapter.sample_events()
                kind = vendor_type if vendor_type in samples else next(iter(samples))
                body, headers = adapter.sign_request(
                    samples[kind], vendor_secret, now=datetime.now(UTC)
                )
                sent_at = time.monotonic()
                answer = await api.post(f"/ingest/{provider}/demo", content=body, headers=headers)
                failures += await _show(
                    provider, kind, answer, subscriber, sent_at, check, verifier_name
                )
        return 1 if failures else 0
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, 10)
        await subscriber.stop()
        sock.close()
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


async def _show(
    provider: str,
    vendor_type: str,
    answer: httpx.Response,
    subscriber: _Subscriber,
    sent_at: float,
    check: Verify,
    verifier_name: str,
) -> int:
    """Print what the subscriber got for one vendor request; 1 if something went wrong."""
    title = f"{provider} {vendor_type}"
    if not answer.is_success or answer.json().get("status") != "accepted":
        print(paint(f"✗ {title}: the gateway answered {answer.status_code} {answer.text}", "red"))
        return 1
    try:
        arrived, headers, body = await asyncio.wait_for(subscriber.inbox.get(), 10)
    except TimeoutError:
        print(paint(f"✗ {title}: nothing reached the subscriber within 10 s", "red"))
        return 1
    event: dict[str, Any] = json.loads(body)
    try:
        check(body, headers)
        verdict = paint(f"signature verified by {verifier_name}", "green")
        bad = 0
    except Exception as exc:
        verdict = paint(f"signature did NOT verify: {exc}", "red")
        bad = 1
    elapsed = (arrived - sent_at) * 1000
    print(
        paint(f"● {title}", "bold"),
        "→",
        paint(event.get("type", "?"), "cyan"),
        paint(f"(vendor request to subscriber: {elapsed:.0f} ms)", "dim"),
    )
    print(f"  webhook-id {headers.get('webhook-id')}  {verdict}")
    for line in json.dumps(event, indent=2, ensure_ascii=False).splitlines():
        print("  " + line)
    print()
    return bad
