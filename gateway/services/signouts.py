"""Console sessions that were signed out: their cookies are refused until they would have expired.

A session cookie is signed, not stored, so signing out can only work by remembering the
session's nonce until the cookie's own expiry; rows past it are deleted as new ones are added.
Kept in the database so every process sharing it refuses the cookie.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from gateway.core.clock import utcnow
from gateway.runtime import Runtime
from gateway.storage.models import ConsoleSignout


async def sign_out(runtime: Runtime, nonce: str, expires: int) -> None:
    now = utcnow()
    try:
        async with runtime.sessions() as session, session.begin():
            await session.execute(delete(ConsoleSignout).where(ConsoleSignout.expires_at <= now))
            if await session.get(ConsoleSignout, nonce) is None:
                session.add(
                    ConsoleSignout(nonce=nonce, expires_at=datetime.fromtimestamp(expires, UTC))
                )
    except IntegrityError:  # two sign-outs of one session at once: the other one recorded it
        pass


async def signed_out(runtime: Runtime, nonce: str) -> bool:
    query = select(ConsoleSignout.nonce).where(ConsoleSignout.nonce == nonce)
    return await runtime.read(lambda conn: conn.execute(query).first() is not None)
