"""The event catalogue: every canonical type, its meaning, its emitters, schema and example."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from gateway.docgen import example_of
from gateway.http.console.web import Viewer, render, runtime_of
from gateway.services.errors import NotFound
from providers.registry import Registry
from schemas import CATALOGUE

_examples: dict[tuple[tuple[str, ...], str], tuple[str, Any] | None] = {}
"""Examples by (loaded adapters, type): normalising the samples once per process is enough."""


def _example(registry: Registry, name: str) -> tuple[str, Any] | None:
    key = (tuple(registry.names()), name)
    if key not in _examples:
        _examples[key] = example_of(name, list(registry))
    return _examples[key]


@get("/event-types")
async def event_types_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer]
) -> Template:
    registry = runtime_of(request).registry
    types = [
        (t.name, t.description, registry.emitters(t.name))
        for t in sorted(CATALOGUE.values(), key=lambda t: t.name)
    ]
    return render(request, "event_types.html", viewer, types=types)


@get("/event-types/{name:str}")
async def event_type_page(
    request: Request[Any, Any, Any], viewer: NamedDependency[Viewer], name: FromPath[str]
) -> Template:
    event_type = CATALOGUE.get(name)
    if event_type is None:
        raise NotFound("no such event type")
    registry = runtime_of(request).registry
    return render(
        request,
        "event_type.html",
        viewer,
        event_type=event_type,
        providers=registry.emitters(name),
        schema=event_type.json_schema(),
        example=_example(registry, name),
    )


ROUTES = [event_types_page, event_type_page]
