"""A local Examplehire: its webhook API over real HTTP on loopback, for the provisioner tests."""

from __future__ import annotations

import secrets
from typing import Any

from providers.testing import Reject, SimRequest, VendorSimulator, route

API_KEY = "exh-test-api-key-1234"


class ExamplehireSim(VendorSimulator):
    """``with ExamplehireSim() as sim:``: serves ``sim.base_url`` until the block ends."""

    name = "examplehire-sim"

    def __init__(self) -> None:
        super().__init__()
        self.webhooks: dict[str, dict[str, Any]] = {}

    def reset_state(self) -> None:
        self.webhooks.clear()

    def authenticate(self, request: SimRequest, auth: Any) -> None:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            raise Reject(401, "unauthorized")

    @route("POST", "/v1/webhooks")
    def create(self, request: SimRequest) -> tuple[int, Any]:
        body = request.json_object("url is required")
        if not isinstance(body.get("url"), str):
            raise Reject(400, "url is required")
        hook = {
            "id": "wh_" + secrets.token_hex(6),
            "url": body["url"],
            "events": body.get("events") or [],
            "status": "active",
            "secret": "exh_" + secrets.token_urlsafe(24),
        }
        self.webhooks[hook["id"]] = hook
        return 201, hook

    @route("GET", "/v1/webhooks/{id}")
    def read(self, request: SimRequest) -> tuple[int, Any]:
        hook = self._hook(request)
        return 200, {k: v for k, v in hook.items() if k != "secret"}

    @route("DELETE", "/v1/webhooks/{id}")
    def delete(self, request: SimRequest) -> tuple[int, Any]:
        del self.webhooks[self._hook(request)["id"]]
        return 204, None

    def _hook(self, request: SimRequest) -> dict[str, Any]:
        if (hook := self.webhooks.get(request.params["id"])) is None:
            raise Reject(404, "not found")
        return hook
