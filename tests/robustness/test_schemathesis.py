"""The API fuzzed from its own OpenAPI document (schemathesis), against a live gateway, once with
an admin key and once with a tenant key: no 5xx, and every answer is one the document describes
(status code, content type, body schema). Valid and invalid requests both; the number of
examples is bounded so it runs in ``make test``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.gateway.helpers import tenant_key
from tests.support.servers import ThreadedServer

EXAMPLES = 10  # per operation and key: about a minute for the whole API
SHARDS = 4  # the operations in four tests, which pytest's workers run side by side
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


async def _seed(settings: Settings) -> dict[str, str]:
    """A tenant key, and a connection and a subscription, so some ids the fuzzer reads exist."""
    runtime = Runtime.build(settings)
    await runtime.migrate()
    try:
        return await tenant_key(runtime, "acme")
    finally:
        await runtime.close()


@pytest.fixture(scope="module")
def gateway_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    workdir: Path = tmp_path_factory.mktemp("schemathesis")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{workdir}/unihook.db",
        admin_token=ADMIN_TOKEN,
        secret_key=Fernet.generate_key().decode(),
        ingest_writer="thread",
    )
    tenant = asyncio.run(_seed(settings))
    server = ThreadedServer(None, lifespan="on", name="gateway")
    url = server.bind()
    server.app = create_app(settings, run_worker=False)
    with server:
        import httpx

        for body in (
            {"provider": "breezy", "tenant": "acme", "secret": "s"},
            {"provider": "hatchbeacon", "tenant": "acme", "secret": "s"},
        ):
            httpx.post(f"{url}/v1/connections", json=body, headers=ADMIN).raise_for_status()
        httpx.post(
            f"{url}/v1/subscriptions",
            json={"url": "https://hooks.example.com/x", "events": ["*"]},
            headers=tenant,
        ).raise_for_status()
        yield url, tenant


@pytest.fixture(scope="module")
def api_schema(gateway_url: tuple[str, dict[str, str]]) -> Any:
    url, _ = gateway_url
    return schemathesis.openapi.from_url(f"{url}/schema/openapi.json")


def _fuzz(
    operation: Any, mode: GenerationMode, url: str, keys: tuple[dict[str, str], ...]
) -> str | None:
    """Fuzz one operation in one mode; the failure schemathesis reports, if any."""

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case: schemathesis.Case) -> None:
        for headers in keys:
            case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=30)

    try:
        fuzz()
    except Unsatisfiable:  # negative mode, nothing to get wrong: only a free-text path id
        return None
    except (Exception, BaseExceptionGroup) as exc:  # all operations' failures reported at once
        return str(exc)
    return None


@pytest.mark.timeout(600)
@pytest.mark.parametrize("shard", range(SHARDS))
def test_the_api_answers_as_documented(
    api_schema: Any, gateway_url: tuple[str, dict[str, str]], shard: int
) -> None:
    """Every ``SHARDS``-th operation of the document, from the ``shard``-th."""
    url, tenant = gateway_url
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > SHARDS * 5, "the document lists the API's operations"
    for operation in operations[shard::SHARDS]:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failure = _fuzz(operation, mode, url, (ADMIN, tenant))
            if failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
