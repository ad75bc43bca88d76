"""Subscriptions: create (the secret shown once), edit, delete, pause, resume, rotate, replay,
deliveries and their health."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.datastructures.multi_dicts import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway.http.console.forms import browser_time, text, texts
from gateway.http.console.web import BASE, Viewer, checked_form, done, render, runtime_of
from gateway.services import subscriptions as service
from gateway.services.deliveries import redeliver_event
from gateway.services.errors import NotFound, ServiceError
from gateway.services.health import failing_subscriptions, subscription_health
from gateway.services.probe import send_test_event
from schemas import CATALOGUE
from schemas.api import ReplayRequest, SubscriptionCreate, SubscriptionOut, SubscriptionUpdate

PAGE = 50


def refusal(exc: ServiceError) -> str:
    """A refusal as the form shows it, naming what it refused (``Invalid events: ats.nope``)."""
    invalid = (exc.extra or {}).get("invalid")
    if isinstance(invalid, list) and invalid:
        return f"{exc.detail}: {', '.join(str(item) for item in invalid)}"
    return exc.detail


def _words(value: str | None) -> list[str]:
    """Patterns or paths typed into one field, separated by spaces, commas or lines."""
    return [w for w in (value or "").replace(",", " ").split() if w]


async def _list_page(
    request: Request[Any, Any, Any],
    who: Viewer,
    cursor: str | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    runtime = runtime_of(request)
    result = await service.list_subscriptions(runtime, who.principal, limit=PAGE, cursor=cursor)
    failing = await failing_subscriptions(runtime, who.principal)
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
        failing=failing,
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
    destination_type = text(form, "destination_type") or "http"
    # what a page with an error fills the form with again: never a broker's URL (credentials)
    shown: Any = form
    if destination_type != "http":
        shown = FormMultiDict([(k, v) for k, v in form.multi_items() if k != "url"])
    runtime = runtime_of(request)
    try:
        payload_filter = msgspec.json.decode(text(form, "filter") or "null")
    except msgspec.DecodeError:
        return await _list_page(
            request, viewer, status_code=400, error="Invalid filter: not JSON", form=shown
        )
    destination: dict[str, Any] | None = None
    if destination_type != "http":
        try:
            settings = msgspec.json.decode(text(form, "destination") or "{}")
        except msgspec.DecodeError:
            settings = None
        if not isinstance(settings, dict):
            return await _list_page(
                request,
                viewer,
                status_code=400,
                error="Invalid destination: the broker settings must be a JSON object",
                form=shown,
            )
        destination = {"type": destination_type, **settings}
        if text(form, "url") and "url" not in settings:
            destination["url"] = text(form, "url")
    patterns = texts(form, "events") + [
        p.strip() for p in (text(form, "patterns") or "").replace(",", " ").split() if p.strip()
    ]
    data = SubscriptionCreate(
        url=None if destination is not None else text(form, "url") or "",
        destination=destination,
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
            request, viewer, status_code=exc.status, error=refusal(exc), form=shown
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
    health, failing_since = await subscription_health(runtime, viewer.principal, subscription_id)
    return render(
        request,
        "subscription.html",
        viewer,
        sub=sub,
        health=health,
        failing_since=failing_since,
        deliveries=deliveries["data"],
        status=status,
        next_url=next_url,
    )


def _edit_page(
    request: Request[Any, Any, Any],
    who: Viewer,
    sub: SubscriptionOut,
    form: dict[str, str] | None = None,
    error: str | None = None,
) -> Template:
    """The edit form: filled from the subscription, or with what was posted (after an error)."""
    values = form or {
        "url": sub.url,
        "description": sub.description or "",
        "events": " ".join(sub.events),
        "rate_limit": "" if sub.rate_limit is None else str(sub.rate_limit),
        "ordering": sub.ordering,
        "filter": msgspec.json.encode(sub.filter).decode() if sub.filter else "",
        "redact": " ".join(sub.redact or []),
    }
    return render(
        request,
        "subscription_edit.html",
        who,
        status_code=400 if error else 200,
        sub=sub,
        values=values,
        error=error,
    )


@get("/subscriptions/{subscription_id:str}/edit")
async def edit_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Template:
    sub = await service.get_subscription(runtime_of(request), viewer.principal, subscription_id)
    return _edit_page(request, viewer, sub)


@post("/subscriptions/{subscription_id:str}/edit", status_code=303)
async def edit(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect | Template:
    """Change the URL, events, description, rate limit, ordering, filter and redacted paths;
    a refusal shows the form again as it was posted, naming what was refused."""
    form = await checked_form(request)
    runtime = runtime_of(request)
    sub = await service.get_subscription(runtime, viewer.principal, subscription_id)
    posted = {
        name: str(form.get(name) or "")
        for name in ("url", "description", "events", "rate_limit", "ordering", "filter", "redact")
    }
    rate_limit: Any = text(form, "rate_limit")
    if rate_limit is not None and rate_limit.isascii() and rate_limit.isdigit():
        rate_limit = int(rate_limit)  # anything else goes on for the service to refuse
    try:
        payload_filter = msgspec.json.decode(text(form, "filter") or "null")
    except msgspec.DecodeError:
        return _edit_page(request, viewer, sub, posted, "Invalid filter: not JSON")
    data = SubscriptionUpdate(
        url=text(form, "url") or "",
        description=text(form, "description"),
        events=list(dict.fromkeys(_words(text(form, "events")))),
        rate_limit=rate_limit,
        ordering=text(form, "ordering") or "none",
        filter=payload_filter,
        redact=_words(text(form, "redact")) or None,
    )
    try:
        await service.update_subscription(runtime, viewer.principal, subscription_id, data)
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return _edit_page(request, viewer, sub, posted, refusal(exc))
    return done(request, _back(subscription_id), "Saved.")


@post("/subscriptions/{subscription_id:str}/delete", status_code=303)
async def delete(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], subscription_id: FromPath[str]
) -> Redirect:
    """Delete it with its queued deliveries and their history (frees a place in the quota)."""
    await checked_form(request)
    await service.delete_subscription(runtime_of(request), viewer.principal, subscription_id)
    return done(request, f"{BASE}/subscriptions", f"Deleted subscription {subscription_id}.")


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
            ReplayRequest(since=browser_time(since) or "", until=browser_time(until)),
        )
    except ServiceError as exc:
        if isinstance(exc, NotFound):
            raise
        return done(request, _back(subscription_id), f"Not replayed: {exc.detail}", failed=True)
    return done(request, _back(subscription_id), f"Replay queued {out.enqueued} deliveries.")


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
    return done(request, _back(subscription_id), notice, failed=not sent.ok)


ROUTES = [
    edit_page,
    edit,
    delete,
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
