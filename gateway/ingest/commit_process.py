"""The SQLite group commit in a child process, off the server's interpreter lock.

A commit's work (building rows, SQLite's inserts, the fsync) takes about 1.5 ms alone. In a
thread of the server process it would share the interpreter lock with the event loop and wait
for it at every step, taking several times as long under load; throughput at 32 connections is
bounded by half the connections divided by that time. In a child process it runs beside the
event loop, on another core.

The protocol is private to the parent and its own child, over the child's stdin and stdout:
frames of a 4-byte length and a pickle. Parent to child: ``(rows, now, unverified_limit)``;
child to parent:
``("ok", [(status, receipt_id, event_id), ...])`` after the transaction committed, or
``("error", message)`` after it rolled back. The child exits when its stdin closes.

    python -m gateway.ingest.commit_process <sqlite URL>
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import struct
import sys
from datetime import datetime
from typing import IO, Any

from gateway.ingest.commit import DEFAULT_UNVERIFIED_LIMIT, IngestResult, commit_batch
from gateway.ingest.rows import IngestRows
from gateway.storage.engine import make_writer_engine

log = logging.getLogger("unihook.ingest")
_LENGTH = struct.Struct("<I")


class CommitFailed(RuntimeError):
    """The child rolled the batch back (a constraint, a full disk), or it is not running."""


class CommitProcess:
    """The parent's side: one child per ingest writer, restarted if it dies (the batch it held
    is then failed, and retried request by request by the writer)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._proc: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.returncode is None else None

    async def start(self) -> None:
        await self._child()

    async def _child(self) -> asyncio.subprocess.Process:
        if self._proc is None or self._proc.returncode is not None:
            if self._proc is not None:
                log.error(
                    "ingest commit process exited with %s; starting another", self._proc.returncode
                )
            self._proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "gateway.ingest.commit_process",
                self.database_url,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
        return self._proc

    async def commit(
        self, rows: IngestRows, now: datetime, unverified_limit: int = DEFAULT_UNVERIFIED_LIMIT
    ) -> list[IngestResult]:
        proc = await self._child()
        assert proc.stdin is not None
        assert proc.stdout is not None
        frame = pickle.dumps((rows, now, unverified_limit), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            proc.stdin.write(_LENGTH.pack(len(frame)) + frame)
            await proc.stdin.drain()
            (length,) = _LENGTH.unpack(await proc.stdout.readexactly(_LENGTH.size))
            status, value = pickle.loads(await proc.stdout.readexactly(length))  # noqa: S301 - our own child
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            # it died with the batch: committed or not, the writer retries each request, and a
            # retry of what did commit finds it as a duplicate
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise CommitFailed(f"ingest commit process died: {exc!r}") from None
        if status != "ok":
            raise CommitFailed(value)
        return [IngestResult(*result) for result in value]

    async def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        assert proc.stdin is not None
        proc.stdin.close()  # the child finishes what it has and exits
        try:
            await asyncio.wait_for(proc.wait(), timeout=30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def _read_frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    frame = stream.read(length)
    return frame if len(frame) == length else None


def serve(database_url: str, requests: IO[bytes], replies: IO[bytes]) -> None:
    """The child: commit each batch it is sent and answer, until its input ends."""
    engine = make_writer_engine(database_url)
    if engine is None:
        raise SystemExit(f"not a SQLite URL: {database_url}")
    while (frame := _read_frame(requests)) is not None:
        rows, now, unverified_limit = pickle.loads(frame)  # noqa: S301 - from our parent
        reply: tuple[str, Any]
        try:
            with engine.begin() as conn:
                results = commit_batch(conn, rows, now, unverified_limit)
            reply = ("ok", [(r.status, r.receipt_id, r.event_id) for r in results])
        except Exception as exc:  # rolled back: the parent decides what to retry
            reply = ("error", f"{type(exc).__name__}: {exc}")
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        replies.write(_LENGTH.pack(len(data)) + data)
        replies.flush()
    engine.dispose()


def main() -> None:
    # Ctrl-C reaches the whole process group: the parent stops us by closing our input, after
    # its last batch, so an interrupt must not cut a commit short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt a frame
    serve(sys.argv[1], sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
