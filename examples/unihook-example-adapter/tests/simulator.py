"""A local Examplehire: its webhook API over real HTTP on loopback, for the provisioner tests."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "exh-test-api-key-1234"


class ExamplehireSim:
    """``with ExamplehireSim() as sim:``: serves ``sim.base_url`` until the block ends."""

    def __init__(self) -> None:
        self.webhooks: dict[str, dict[str, Any]] = {}
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                if self.headers.get("authorization") != f"Bearer {API_KEY}":
                    self._answer(401, {"error": "unauthorized"})
                    return False
                return True

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self._authorised():
                    return
                if self.path != "/v1/webhooks" or not isinstance(body.get("url"), str):
                    self._answer(400, {"error": "url is required"})
                    return
                hook = {
                    "id": "wh_" + secrets.token_hex(6),
                    "url": body["url"],
                    "events": body.get("events") or [],
                    "status": "active",
                    "secret": "exh_" + secrets.token_urlsafe(24),
                }
                sim.webhooks[hook["id"]] = hook
                self._answer(201, hook)

            def _hook(self) -> dict[str, Any] | None:
                hook = sim.webhooks.get(self.path.rsplit("/", 1)[-1])
                if not self.path.startswith("/v1/webhooks/") or hook is None:
                    self._answer(404, {"error": "not found"})
                    return None
                return hook

            def do_GET(self) -> None:
                if self._authorised() and (hook := self._hook()) is not None:
                    self._answer(200, {k: v for k, v in hook.items() if k != "secret"})

            def do_DELETE(self) -> None:
                if self._authorised() and (hook := self._hook()) is not None:
                    del sim.webhooks[hook["id"]]
                    self._answer(204)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ExamplehireSim:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
