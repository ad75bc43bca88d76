"""One built app per test process, started on each test's own runtime.

Building the app registers every route (about a third of a second of CPU); hundreds of tests
each need an app on a fresh database. What a built app depends on is its request-body deadline
and the registry its API document describes; the rest (the runtime, the worker) is read from
``app.state.launch`` each time it starts.
"""

from __future__ import annotations

from litestar import Litestar

from gateway.http.app import Launch, create_app
from gateway.runtime import Runtime

_built: dict[tuple[float, int], Litestar] = {}


def app_on(runtime: Runtime, *, run_worker: bool) -> Litestar:
    """The process's app for this runtime's shape, set to start on ``runtime`` (not migrating:
    the test databases are made at the newest migration). One test uses it at a time."""
    key = (runtime.settings.body_timeout, id(runtime.registry))
    app = _built.get(key)
    if app is None:
        app = _built[key] = create_app(runtime=runtime, run_worker=run_worker, migrate=False)
    app.state.launch = Launch(runtime.settings, runtime, run_worker=run_worker, migrate=False)
    return app
