"""Recovery in bulk: "retry failed since ..." for one subscription or for every one the viewer
sees. A ``GET`` counts what would be queued and asks to confirm; the ``POST`` queues it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import browser_time, text
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services import subscriptions as service
from gateway.services.common import parse_time_param
from gateway.services.errors import Invalid, NotFound, ServiceError
from schemas.api import ReplayRequest, SubscriptionOut

EVERY = 200  # subscriptions looked at by one recovery across subscriptions (the quota is 10)


@dataclass(frozen=True, slots=True)
class Planned:
    """What a recovery would queue for one subscription, or why it cannot."""

    subscription: SubscriptionOut
    count: int = 0
    refused: str | None = None


def _window(since: str | None, until: str | None) -> ReplayRequest:
    return ReplayRequest(since=browser_time(since) or "", until=browser_time(until))


async def _plan(
    request: Request[Any, Any, Any], who: Viewer, subs: list[SubscriptionOut], window: ReplayRequest
) -> list[Planned]:
    runtime = runtime_of(request)
    out = []
    for sub in subs:
        try:
            count = await service.recoverable_count(runtime, who.principal, sub.id, window)
        except NotFound:
            continue  # deleted since the list was read
        except ServiceError as exc:
            out.append(Planned(sub, refused=exc.detail))
            continue
        out.append(Planned(sub, count))
    return out


async def _visible(request: Request[Any, Any, Any], who: Viewer) -> list[SubscriptionOut]:
    result = await service.list_subscriptions(runtime_of(request), who.principal, limit=EVERY)
    subs: list[SubscriptionOut] = result["data"]
    return subs


@get("/recover")
async def recover_preview(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    since: FromQuery[str | None] = None,
    until: FromQuery[str | None] = None,
    subscription: FromQuery[str | None] = None,
) -> Template:
    """How many failed deliveries each subscription (or the one given) would get again."""
    runtime = runtime_of(request)
    if subscription:
        subs = [await service.get_subscription(runtime, viewer.principal, subscription)]
    else:
        subs = await _visible(request, viewer)
    plan: list[Planned] = []
    error = None
    if since:
        window = _window(since, until)
        try:
            parse_time_param("since", window.since)
            parse_time_param("until", window.until)
        except Invalid as exc:
            error = exc.detail
        else:
            plan = await _plan(request, viewer, subs, window)
    return render(
        request,
        "recover.html",
        viewer,
        since=since or "",
        until=until or "",
        subscription=subs[0] if subscription else None,
        plan=plan,
        total=sum(p.count for p in plan),
        error=error,
        status_code=400 if error else 200,
    )


@post("/recover", status_code=303)
async def recover_confirmed(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Redirect:
    """Queue them: each subscription is recovered on its own (bounded and serialised as a
    replay is), and the notice says what each refused."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    window = _window(text(form, "since"), text(form, "until"))
    only = text(form, "subscription")
    if only:
        subs = [await service.get_subscription(runtime, viewer.principal, only)]
    else:
        subs = await _visible(request, viewer)
    queued, refused = 0, []
    for sub in subs:
        try:
            queued += (await service.recover(runtime, viewer.principal, sub.id, window)).enqueued
        except NotFound:
            continue
        except ServiceError as exc:
            refused.append(f"{sub.id}: {exc.detail}")
    back = f"{BASE}/subscriptions/{only}" if only else f"{BASE}/subscriptions"
    notice = f"Queued {queued} failed deliver{'y' if queued == 1 else 'ies'} again."
    if refused:
        return done(request, back, f"{notice} Not recovered: {'; '.join(refused)}", failed=True)
    return done(request, back, notice)


ROUTES = [recover_preview, recover_confirmed]
