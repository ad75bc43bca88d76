"""The API documentation at ``/schema``: Swagger UI served from files inside the package, no CDN."""

from __future__ import annotations

from pathlib import Path

from litestar.datastructures import CacheControlHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
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
