"""The operator console and tenant portal under ``/console/``: server-rendered pages, htmx for
the live parts, every asset served from the package."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from gateway.http.console import auth, connections, events, privacy, quarantine, subscriptions
from gateway.http.console.formatting import STATIC, environment
from gateway.http.console.web import BASE, SignInRequired, render, viewer
from gateway.services.errors import ServiceError

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def _to_sign_in(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    if request.headers.get("hx-request"):  # an htmx poll after the session ended: reload
        return Response(b"", status_code=401, headers={"hx-redirect": f"{BASE}/"})
    return Redirect(f"{BASE}/", status_code=303)


TITLES = {400: "Not understood", 403: "Not allowed", 404: "Not found", 429: "Slow down"}


def _error_page(
    request: Request[Any, Any, Any], exc: HTTPException | ServiceError
) -> Response[Any]:
    """The gateway's refusals and Litestar's own (a bad query value, a CSRF 403) as a page."""
    status = exc.status if isinstance(exc, ServiceError) else exc.status_code
    return render(
        request,
        "error.html",
        None,
        status_code=status,
        title=TITLES.get(status, "Something is wrong"),
        detail=exc.detail,
    )


def _headers(response: Response[Any]) -> Response[Any]:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


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
            *quarantine.ROUTES,
            *privacy.ROUTES,
        ],
        dependencies={"viewer": Provide(viewer)},
        exception_handlers={
            SignInRequired: _to_sign_in,
            HTTPException: _error_page,
            ServiceError: _error_page,
        },
        after_request=_headers,
        include_in_schema=False,
    )
    static = create_static_files_router(
        path=f"{BASE}/static",
        directories=[STATIC],
        include_in_schema=False,
        name="console-static",
    )
    return [pages, static]
