"""The operator console and tenant portal under ``/console/``: server-rendered pages, htmx for
the live parts, every asset served from the package."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency, Provide
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.params import FromPath
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.console import (
    auth,
    catalogue,
    connections,
    events,
    privacy,
    quarantine,
    recovery,
    streams,
    subscriptions,
)
from gateway.http.console.formatting import STATIC, environment
from gateway.http.console.web import (
    BASE,
    CLOSE,
    SignInRequired,
    Viewer,
    render,
    safe_next,
    viewer,
    viewer_seen,
)
from gateway.services.errors import NotFound, ServiceError

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class ConsoleHeaders(ASGIMiddleware):
    """``SECURITY_HEADERS`` on every answer under ``/console/`` but its static files: pages,
    redirects and refusals alike, including those made by exception handlers and for paths no
    route matches (which a router's ``after_request`` never sees)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if not is_console_path(scope.get("path", "")):
            await next_app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await next_app(scope, receive, send_with_headers)


def is_console_path(path: str) -> bool:
    return (path == BASE or path.startswith(f"{BASE}/")) and not path.startswith(f"{BASE}/static/")


def unrouted(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
    """A path no route matches, as Litestar answers it; under ``/console/`` with the console's
    security headers (no middleware runs where no route matched)."""
    headers = SECURITY_HEADERS if is_console_path(request.url.path) else None
    return Response({"status_code": 404, "detail": exc.detail}, status_code=404, headers=headers)


def _to_sign_in(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    if request.headers.get("hx-request"):  # an htmx poll after the session ended: reload
        return Response(b"", status_code=401, headers={"hx-redirect": f"{BASE}/"})
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method == "GET" and safe_next(wanted) and wanted != f"{BASE}/":
        return Redirect(f"{BASE}/?{urlencode({'next': wanted})}", status_code=303)
    return Redirect(f"{BASE}/", status_code=303)


TITLES = {400: "Not understood", 403: "Not allowed", 404: "Not found", 429: "Slow down"}


@functools.lru_cache(maxsize=32)
def console_refusal_page(status: int, detail: str) -> bytes:
    """The page of a form refused before its body was read, rendered once per reason: such
    refusals are what a flood of anonymous posts costs, so they cost no more than a lookup."""
    page = environment().get_template("error.html")
    title = TITLES.get(status, "Something is wrong")
    context = {"viewer": None, "csrf": "", "notice": None, "base": BASE, "path": ""}
    return page.render(**context, title=title, detail=detail).encode()


def _error_page(
    request: Request[Any, Any, Any], exc: HTTPException | ServiceError
) -> Response[Any]:
    """The gateway's refusals and Litestar's own (a bad query value, a CSRF 403) as a page."""
    status = exc.status if isinstance(exc, ServiceError) else exc.status_code
    if isinstance(exc, HTTPException) and exc.headers == CLOSE:  # a form refused unread
        return Response(
            console_refusal_page(status, exc.detail),
            status_code=status,
            media_type="text/html",
            headers=CLOSE,
        )
    page = render(
        request,
        "error.html",
        viewer_seen(request),
        status_code=status,
        title=TITLES.get(status, "Something is wrong"),
        detail=exc.detail,
    )
    page.headers.update(exc.headers or {})  # e.g. connection: close on a form refused unread
    return page


@get("/{rest:path}", name="console-not-found")
async def no_such_page(viewer: NamedDependency[Viewer], rest: FromPath[str]) -> None:
    """A console path no page answers: the error page, with the navigation of a signed-in
    viewer (a path no route matches would otherwise get the API's JSON 404)."""
    raise NotFound("no such page")


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def console_routers() -> list[Router]:
    """The console's pages and its static files (served from the package, long-cached)."""
    pages = Router(
        path=BASE,
        route_handlers=[
            auth.home,
            auth.login,
            auth.logout,
            *connections.ROUTES,
            *events.ROUTES,
            *subscriptions.ROUTES,
            *recovery.ROUTES,
            *streams.ROUTES,
            *quarantine.ROUTES,
            *privacy.ROUTES,
            *catalogue.ROUTES,
            no_such_page,
        ],
        dependencies={"viewer": Provide(viewer)},
        exception_handlers={
            SignInRequired: _to_sign_in,
            HTTPException: _error_page,
            ServiceError: _error_page,
        },
        include_in_schema=False,
    )
    static = create_static_files_router(
        path=f"{BASE}/static",
        directories=[STATIC],
        include_in_schema=False,
        name="console-static",
    )
    return [pages, static]
