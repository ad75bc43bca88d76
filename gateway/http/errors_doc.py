"""What the OpenAPI document says of errors: every answer a management route can give.

Litestar documents a route's success and its ``400``; the gateway's other answers (no key, a
resource the key may not see, quotas, the vendor's errors) come from the service layer, so they
are added here, each with the error shape ``{"status_code", "detail", "extra"?}``.
"""

from __future__ import annotations

from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

ERROR = Schema(
    type=OpenAPIType.OBJECT,
    required=["status_code", "detail"],
    properties={
        "status_code": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "extra": Schema(description="details of a validation error, when there are any"),
        "request_id": Schema(
            type=OpenAPIType.STRING, description="on a 500: the id the server logged it under"
        ),
    },
)
MEANING = {
    400: "The request is malformed: a parameter, the body, or a value in it",
    401: "No bearer key, or a key unihook does not know",
    404: "No such resource, or one this key may not see (a tenant key naming another tenant)",
    408: "The request body did not arrive within UNIHOOK_BODY_TIMEOUT",
    409: "It exists already",
    429: "A quota is exceeded, or the vendor asks to slow down",
    502: "The vendor's API refused or failed; its message is in detail",
}
# (method, path) -> the answers beyond 400, 401, 404 (and 408 where there is a body)
EXTRA: dict[tuple[str, str], tuple[int, ...]] = {
    ("post", "/v1/connections"): (409, 429, 502),
    ("patch", "/v1/connections/{connection_id}"): (429, 502),
    ("delete", "/v1/connections/{connection_id}"): (429, 502),
    ("post", "/v1/connections/{connection_id}/pause"): (429, 502),
    ("post", "/v1/connections/{connection_id}/resume"): (429, 502),
    ("post", "/v1/subscriptions"): (429,),
}
LIST = Schema(
    type=OpenAPIType.OBJECT,
    required=["data", "next_cursor"],
    properties={
        "data": Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.OBJECT)),
        "next_cursor": Schema(
            one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.NULL)]
        ),
    },
)
# routes that write their JSON themselves (Litestar sees bytes): what the bytes are
BODIES = {
    ("get", "/v1/events"): LIST,
    ("get", "/v1/events/{event_id}"): Schema(
        type=OpenAPIType.OBJECT, description="a canonical event, with `raw`"
    ),
}


def describe_errors(document: OpenAPI) -> None:
    """Add the error answers (and the real body of byte-writing routes) to every /v1 route."""
    components = document.components
    if components is not None and components.schemas is not None:
        components.schemas["Error"] = ERROR
    for path, item in (document.paths or {}).items():
        if not path.startswith("/v1/"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method)
            if operation is None:
                continue
            codes = [400, 401, 404]  # 404 also when a tenant key names another tenant
            if operation.request_body is not None:
                codes.append(408)
            codes.extend(EXTRA.get((method, path), ()))
            responses = operation.responses if operation.responses is not None else {}
            for code in codes:
                responses.setdefault(str(code), _error(code))
            body = BODIES.get((method, path))
            if body is not None:
                for status, answer in responses.items():
                    if status.startswith("2") and isinstance(answer, OpenAPIResponse):
                        answer.content = {"application/json": OpenAPIMediaType(schema=body)}
            operation.responses = responses


def _error(code: int) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=MEANING[code],
        content={
            "application/json": OpenAPIMediaType(schema=Reference(ref="#/components/schemas/Error"))
        },
    )
