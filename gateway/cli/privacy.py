"""``unihook erase`` (forget one person of one tenant) and ``unihook audit`` (who did what)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any

import msgspec

from gateway.cli.database import with_runtime

if TYPE_CHECKING:
    from gateway.runtime import Runtime


def run_erase(args: argparse.Namespace) -> int:
    from gateway.services.access import ADMIN
    from gateway.services.erasure import request_erasure
    from gateway.services.errors import ServiceError
    from schemas.api import ErasureRequest

    data = ErasureRequest(
        tenant=args.tenant,
        subject=args.subject,
        email=args.email,
        candidate_id=args.candidate_id,
        employee_id=args.employee_id,
    )
    try:
        result = asyncio.run(with_runtime(lambda rt: request_erasure(rt, ADMIN, data)))
    except ServiceError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(msgspec.json.encode(result).decode())
    return 0


def run_audit(args: argparse.Namespace) -> int:
    from gateway.services.access import ADMIN
    from gateway.services.audit import list_audit
    from gateway.services.errors import ServiceError

    async def go(runtime: Runtime) -> dict[str, Any]:
        return await list_audit(
            runtime, ADMIN, since=args.since, actor=args.actor, action=args.action, limit=args.limit
        )

    try:
        listing = asyncio.run(with_runtime(go))
    except ServiceError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    for entry in listing["data"]:
        print(
            entry.at,
            entry.actor,
            entry.action,
            entry.target or "-",
            entry.tenant or "-",
            entry.remote_addr or "-",
            sep="\t",
        )
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("erase", help="erase one person of one tenant (events become tombstones)")
    p.add_argument("--tenant", required=True)
    p.add_argument("--subject", help="as in the events, e.g. candidate/c_42abcd")
    p.add_argument("--email")
    p.add_argument("--candidate-id", dest="candidate_id")
    p.add_argument("--employee-id", dest="employee_id")
    p.set_defaults(handler=run_erase)

    p = sub.add_parser("audit", help="show the audit log of management actions, newest first")
    p.add_argument("--since", help="an ISO time or unix seconds")
    p.add_argument("--actor", help='a key id, or "admin"')
    p.add_argument("--action", help="e.g. subscription.create")
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(handler=run_audit)
