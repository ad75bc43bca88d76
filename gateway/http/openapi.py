"""What the OpenAPI document says of provisioning: each provider's own ``provision`` shape."""

from __future__ import annotations

from typing import Any

from litestar.openapi.spec import OpenAPI, OpenAPIType, Reference, Schema

from gateway.services.catalogue import request_schema
from providers.registry import Registry, default_registry


def describe_provisioning(document: OpenAPI, registry: Registry | None = None) -> None:
    """Publish every provisioner's request Struct as a component and point
    ``ConnectionCreate.provision`` at them (one of, by provider)."""
    registry = registry if registry is not None else default_registry()
    components = document.components
    if components is None or components.schemas is None:
        return
    refs: list[Reference | Schema] = []
    for item in registry:
        provisioner = item.adapter.provisioner
        if provisioner is None:
            continue
        name = f"Provision{item.name.title().replace('-', '').replace('_', '')}"
        components.schemas[name] = _schema(request_schema(provisioner.request_type), name)
        refs.append(Reference(ref=f"#/components/schemas/{name}"))
    create = components.schemas.get("ConnectionCreate")
    if isinstance(create, Schema) and create.properties and refs:
        create.properties["provision"] = Schema(
            one_of=refs,
            description="Have the vendor create the endpoint; the shape depends on `provider` "
            "(see `GET /v1/providers`, `provisioning.request_schema`).",
        )


def _schema(json_schema: dict[str, Any], name: str) -> Schema:
    """msgspec's JSON Schema (``$ref`` into ``$defs``) inlined as one OpenAPI Schema."""
    defs = json_schema.get("$defs", {})
    root = json_schema
    if "$ref" in root:
        root = defs[root["$ref"].rsplit("/", 1)[-1]]
    props: dict[str, Reference | Schema] = {
        key: Schema(**_simple(value)) for key, value in root.get("properties", {}).items()
    }
    return Schema(
        type=OpenAPIType(root["type"]) if "type" in root else None,
        title=root.get("title", name),
        description=root.get("description"),
        properties=props,
        required=root.get("required"),
        additional_properties=False,
    )


def _simple(value: dict[str, Any]) -> dict[str, Any]:
    """The subset of a property schema the provisioners use: a type, maybe nullable, items."""
    out: dict[str, Any] = {}
    if "anyOf" in value:
        types = [v.get("type") for v in value["anyOf"] if v.get("type") != "null"]
        nullable = any(v.get("type") == "null" for v in value["anyOf"])
        first: dict[str, Any] = next((v for v in value["anyOf"] if v.get("type") != "null"), {})
        out.update(_simple(first))
        if nullable and types:
            out["type"] = [OpenAPIType(types[0]), OpenAPIType.NULL]
    else:
        if "type" in value:
            out["type"] = OpenAPIType(value["type"])
        if "items" in value:
            out["items"] = Schema(**_simple(value["items"]))
    for key in ("description", "default", "enum"):
        if key in value:
            out[key] = value[key]
    return out
