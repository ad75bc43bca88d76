"""The three receivers the ingest benchmark compares, each run as its own process.

- ``bare``: a Litestar endpoint that only reads the body (the framework's ceiling);
- ``handrolled``: what the vendors' docs suggest: verify, parse, one SQLAlchemy commit per request;
- ``unihook``: the real gateway (``gateway.http.app.create_app``), its delivery worker off unless
  ``--worker`` is given.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import uvicorn
from litestar import Litestar, Request, post
from litestar.exceptions import NotAuthorizedException
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gateway.storage.engine import make_engine, make_sessionmaker

SECRET = "whsec_bench_secret"


def bare_app() -> Litestar:
    @post("/ingest/breezy/bench", status_code=202)
    async def receive(request: Request[Any, Any, Any]) -> dict[str, str]:
        await request.body()
        return {"status": "accepted"}

    return Litestar([receive])


class _Base(DeclarativeBase):
    pass


class _Hook(_Base):
    __tablename__ = "hooks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[str] = mapped_column(String(40))
    body: Mapped[bytes] = mapped_column(LargeBinary)


def handrolled_app(db_url: str) -> Litestar:
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)

    async def create() -> None:
        async with engine.begin() as conn:
            await conn.run_sync(_Base.metadata.create_all)

    @post("/ingest/breezy/bench", status_code=202)
    async def receive(request: Request[Any, Any, Any]) -> dict[str, str]:
        body = await request.body()
        expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("x-hook-signature", "")):
            raise NotAuthorizedException("invalid signature")
        payload = json.loads(body)
        async with sessions() as session, session.begin():
            session.add(
                _Hook(
                    id=payload["_id"],
                    type=payload["type"],
                    received_at=datetime.now(UTC).isoformat(),
                    body=body,
                )
            )
        return {"status": "accepted"}

    return Litestar([receive], on_startup=[create])


def unihook_app(db_url: str, *, worker: bool = False) -> Litestar:
    from gateway.core.settings import Settings
    from gateway.http.app import create_app

    settings = Settings(
        database_url=db_url,
        admin_token="bench",
        secret_key=None,
        allow_insecure_destinations=True,  # the subscribers are on loopback
    )
    return create_app(settings, run_worker=worker)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["bare", "handrolled", "unihook"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", default="sqlite+aiosqlite:///bench.db")
    parser.add_argument("--worker", action="store_true", help="unihook: deliver in-process")
    args = parser.parse_args()
    app = {
        "bare": bare_app,
        "handrolled": lambda: handrolled_app(args.db),
        "unihook": lambda: unihook_app(args.db, worker=args.worker),
    }[args.kind]()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
