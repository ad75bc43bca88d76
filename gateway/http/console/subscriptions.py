"""Subscriptions: create (the secret shown once), pause, resume, rotate, replay, deliveries."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import text, texts
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services import subscriptions as service
from gateway.services.deliveries import redeliver_event
from gateway.services.errors import NotFound, ServiceError
from gateway.services.probe import send_test_event
from schemas import CATALOGUE
from schemas.api import ReplayRequest, SubscriptionCreate

PAGE = 50


async def _list_page(
    request: Request[Any, Any, Any],
    who: Viewer,
    cursor: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    runtime = runtime_of(request)
    result = await service.list_subscriptions(runtime, who.principal, limit=PAGE, cursor=cursor)
    families: dict[str, list[Any]] = {}
    for event_type in CATALOGUE.values():
        family = ".".join(event_type.name.split(".")[:2])
        families.setdefault(family, []).append(event_type)
    domains = sorted({name.split(".")[0] for name in CATALOGUE})
    return render(
        request,
        "subscriptions.html",
        who,
        status_code=status_code,
        subscriptions=result["data"],
        next_cursor=result["next_cursor"],
        families=families,
        domains=domains,
        providers=runtime.registry.names(),
        **extra,
    )


@get("/subscriptions")
async def subscriptions_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    cursor: FromQuery[str | None] = None,
) -> Template:
    return await _list_page(request, viewer, cursor)


@post("/subscriptions", status_code=200)
async def add_subscription(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Template:
    """Create it and show its signing secret, this once."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    try:
        payload_filter = msgspec.json.decode(text(form, "filter") or "null")
    except msgspec.DecodeError:
        return await _list_page(
            request, viewer, status_code=400, error="Invalid filter: not JSON", form=form
        )
    patterns = texts(form, "events") + [
        p.strip() for p in (text(form, "patterns") or "").replace(",", " ").split() if p.strip()
    ]
    data = SubscriptionCreate(
        url=text(form, "url") or "",
        description=text(form, "description"),
        events=list(dict.fromkeys(patterns)),
        tenants=[t.strip() for t in (text(form, "tenants") or "").split(",") if t.strip()] or None,
        providers=texts(form, "providers") or None,
        include_raw=form.get("include_raw") is not None,
        filter=payload_filter,
        format=text(form, "format") or "standard",
    )
    try:
        created = await service.create_subscription(runtime, viewer.principal, data)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _list_page(
            request, viewer, status_code=exc.status, error=exc.detail, form=form
        )
    return render(request, "secret.html", viewer, subscription=created, secret=created.secret)


@get("/subscriptions/{subscription_id:str}")
async def subscription_page(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Viewer],
    subscription_id: FromPath[str],
    status: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    runtime = runtime_of(request)
    sub = await service.get_subscription(runtime, viewer.principal, subscription_id)
    status = status if status in {"pending", "succeeded", "failed"} else None
    deliveries = await service.subscription_deliveries(
        runtime, viewer.principal, subscription_id, status=status, limit=PAGE, cursor=cursor
    )
    next_url = None
    if deliveries["next_cursor"]:
        query = urlencode(
            {k: v for k, v in {"status": status, "cursor": deliveries["next_cursor"]}.items() if v}
        )
        next_url = f"{BASE}/subscriptions/{subscription_id}?{query}"
    return render(
        request,
        "subscription.html",
        viewer,
        sub=sub,
        deliveries=deliveries["data"],
        status=status,
        next_url=next_url,
    )


def _back(subscription_id: str) -> str:
    return f"{BASE}/subscriptions/{subscription_id}"


@post("/subscriptions/{subscription_id:str}/pause", status_code=303)
async def pause(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    await checked_form(request)
    await service.set_status(runtime_of(request), viewer.principal, subscription_id, "paused")
    return done(
        request, _back(subscription_id), "Paused: matching events queue up until you resume."
    )


@post("/subscriptions/{subscription_id:str}/resume", status_code=303)
async def resume(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    await checked_form(request)
    await service.set_status(runtime_of(request), viewer.principal, subscription_id, "active")
    return done(request, _back(subscription_id), "Resumed: held deliveries are on their way.")


@post("/subscriptions/{subscription_id:str}/rotate", status_code=200)
async def rotate(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Template:
    await checked_form(request)
    runtime = runtime_of(request)
    out = await service.rotate_secret(runtime, viewer.principal, subscription_id)
    sub = await service.get_subscription(runtime, viewer.principal, subscription_id)
    return render(request, "secret.html", viewer, subscription=sub, secret=out.secret, rotated=True)


@post("/subscriptions/{subscription_id:str}/replay", status_code=303)
async def replay(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    form = await checked_form(request)
    since, until = text(form, "since"), text(form, "until")
    try:
        out = await service.replay(
            runtime_of(request),
            viewer.principal,
            subscription_id,
            ReplayRequest(since=_utc(since) or "", until=_utc(until)),
        )
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(subscription_id), f"Not replayed: {exc.detail}", failed=True)
    return done(request, _back(subscription_id), f"Replay queued {out.enqueued} deliveries.")


def _utc(value: str | None) -> str | None:
    """The browser's ``datetime-local`` value read as UTC; other forms pass through."""
    if value and len(value) == 16 and value[10] == "T":
        return value + ":00Z"
    return value


@post("/subscriptions/{subscription_id:str}/retry", status_code=303)
async def retry(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    """Redeliver one delivery's event to this subscription (a new delivery, a new attempt)."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    await service.get_subscription(runtime, viewer.principal, subscription_id)
    event_id = text(form, "event_id") or ""
    try:
        out = await redeliver_event(runtime, viewer.principal, event_id, subscription_id)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(subscription_id), f"Not retried: {exc.detail}", failed=True)
    return done(
        request, _back(subscription_id), f"Queued {out.enqueued} new delivery of {event_id}."
    )


@post("/subscriptions/{subscription_id:str}/test", status_code=303)
async def send_test(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    """Send one signed ``connection.test`` event now and say what the endpoint answered."""
    await checked_form(request)
    sent = await send_test_event(runtime_of(request), viewer.principal, subscription_id)
    if sent.ok:
        notice = (
            f"Test event {sent.event_id}: answered {sent.status_code} in {sent.latency_ms:.0f} ms."
        )
    elif sent.status_code is not None:
        notice = f"Test event {sent.event_id}: the endpoint answered {sent.status_code}."
    else:
        notice = f"Test event {sent.event_id} not delivered: {sent.error}."
    return done(request, _back(subscription_id), notice)


ROUTES = [
    send_test,
    subscriptions_page,
    add_subscription,
    subscription_page,
    pause,
    resume,
    rotate,
    replay,
    retry,
]
