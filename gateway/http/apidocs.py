"""The API documentation at ``/schema``: Swagger UI served from files inside the package, no CDN."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import OpenAPI
from litestar.router import Router
from litestar.static_files import create_static_files_router

from gateway import __version__

DOCS_PATH = "/schema"
ASSETS_PATH = f"{DOCS_PATH}/static"
ASSETS_DIR = Path(__file__).parent / "static" / "swagger-ui"


def openapi_config() -> OpenAPIConfig:
    """OpenAPI at ``/schema`` (``/schema/openapi.json`` for the document), its page offline."""
    swagger = SwaggerRenderPlugin(
        path="/swagger",
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f'<link rel="icon" type="image/png" href="{ASSETS_PATH}/favicon-32x32.png">',
    )
    return OpenAPIConfig(
        title="unihook", version=__version__, path=DOCS_PATH, render_plugins=[swagger]
    )


def assets_router() -> Router:
    """The vendored Swagger UI files, cached for a day by browsers."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS_DIR],
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=86400, public=True),
        name="apidocs-assets",
    )


def describe_when_built(app: Litestar, describe: Callable[[OpenAPI], None]) -> None:
    """Have ``describe`` complete the app's OpenAPI document when it is first built (the first
    ``/schema`` request or ``app.openapi_schema``), not at start-up: building it costs about as
    much as registering every route, and most processes never serve it."""
    plugin: Any = app.plugins.get("OpenAPIPlugin")
    base = type(plugin)

    class DescribedOpenAPIPlugin(base):  # type: ignore[valid-type,misc]
        __slots__ = ()

        def _build_openapi(self) -> OpenAPI:
            document: OpenAPI = super()._build_openapi()
            describe(document)
            return document

    # Litestar makes its own OpenAPI plugin and has no hook after the build: the app's one
    # plugin becomes this subclass (same slots, so its state is kept as it is).
    plugin.__class__ = DescribedOpenAPIPlugin
