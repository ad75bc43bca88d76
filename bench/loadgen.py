"""A small HTTP/1.1 keep-alive load generator on asyncio protocols (much lighter than an HTTP
client library, so the server, not the generator, is what gets measured).

Requests are prepared bytes, sent one at a time per connection; a response is read by
``httptools`` (the parser the gateway's transport uses). The generator reports the CPU it used
(``cpu_share``: its process time over the wall time): near 1.0 means it, not the server, set the
pace, and the figure is the generator's ceiling, not the server's.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import httptools


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]
    cpu_seconds: float = 0.0  # the generator's own CPU time over the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_share(self) -> float:
        """The generator's CPU over the run's wall time: 1.0 is one core, busy throughout."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def process_tree_cpu(pid: int) -> float | None:
    """CPU seconds used so far by process ``pid`` and its children (a server and its commit
    process), from ``/proc``; ``None`` where there is no ``/proc``. Less noisy than a rate on a
    shared machine: a difference of work shows in it even when the rates' spread hides it."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(one: str) -> list[str] | None:
        try:
            with open(f"/proc/{one}/stat") as fh:
                return fh.read().rpartition(")")[2].split()
        except OSError:
            return None

    own = stat(str(pid))
    if own is None:
        return None
    total = int(own[11]) + int(own[12])
    for entry in os.listdir("/proc"):
        fields = stat(entry) if entry.isdigit() else None
        if fields is not None and fields[1] == str(pid):
            total += int(fields[11]) + int(fields[12])
    return total / tick


def build_request(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() != "content-length"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection sending the shared queue's requests one after another."""

    def __init__(self, pending: list[bytes], result: LoadResult, done: asyncio.Future[None]):
        self._pending = pending
        self._result = result
        self._done = done
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._started = 0.0

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self._next()

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._finish(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self._finish(exc or ConnectionError("the server closed the connection"))

    # httptools callbacks
    def on_message_complete(self) -> None:
        result = self._result
        result.latencies.append(time.perf_counter() - self._started)
        status = self._parser.get_status_code()
        result.statuses[status] = result.statuses.get(status, 0) + 1
        self._next()

    def _next(self) -> None:
        assert self._transport is not None
        if not self._pending:
            self._transport.close()
            self._finish(None)
            return
        raw = self._pending.pop()
        self._started = time.perf_counter()
        self._transport.write(raw)

    def _finish(self, exc: BaseException | None) -> None:
        if self._done.done():
            return
        if exc is None:
            self._done.set_result(None)
        else:
            self._done.set_exception(exc)


async def run_load(host: str, port: int, requests: Sequence[bytes], concurrency: int) -> LoadResult:
    """Send every prepared request once, over ``concurrency`` keep-alive connections."""
    loop = asyncio.get_running_loop()
    pending = list(reversed(requests))
    result = LoadResult(0, 0.0, [], {})
    finished: list[asyncio.Future[None]] = []
    cpu = time.process_time()
    started = time.perf_counter()
    for _ in range(concurrency):
        done: asyncio.Future[None] = loop.create_future()
        finished.append(done)
        await loop.create_connection(
            functools.partial(_Connection, pending, result, done), host, port
        )
    await asyncio.gather(*finished)
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu
    result.requests = len(result.latencies)
    return result


def run(coro: object) -> LoadResult:
    """Run a load on uvloop when it is installed (as the gateway runs), else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)  # type: ignore[arg-type]
    return uvloop.run(coro)  # type: ignore[arg-type]
