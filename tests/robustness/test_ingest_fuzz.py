"""Hypothesis over the ingest routes of a live gateway: arbitrary bytes, headers and paths never
get a 5xx, and nothing without a valid signature is ever stored as an event."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from gateway.runtime import Runtime
from gateway.storage.models import Event
from providers.registry import default_registry
from tests.conftest import ADMIN
from tests.gateway.helpers import SECRETS, sign

PROVIDERS = ("breezy", "hatchbeacon", "bindbee")
SIGNATURE_HEADERS = ("x-hook-signature", "x-webhook-signature", "x-bindbee-webhook-signature")
VISIBLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=20)
SAMPLES = [b for p in PROVIDERS for b in default_registry().get(p).sample_events().values()]


def _mutated(body: bytes) -> st.SearchStrategy[bytes]:
    """A real sample, whole, cut short, or with a field changed: bodies adapters get far with."""
    payload = json.loads(body)
    changed = st.builds(
        lambda key, value: json.dumps({**payload, key: value}).encode(),
        st.sampled_from(sorted(payload)),
        st.none() | st.integers() | st.text(max_size=20) | st.lists(st.integers(), max_size=3),
    )
    return st.just(body) | st.integers(0, len(body)).map(lambda n: body[:n]) | changed


BODIES = st.binary(max_size=2000) | st.sampled_from(SAMPLES).flatmap(_mutated)
PATHS = st.sampled_from(
    ["/ingest/breezy/acme", "/ingest/hatchbeacon/acme", "/ingest/bindbee/acme", "/ingest/acme"]
) | st.lists(st.text(max_size=30), min_size=1, max_size=3).map(
    lambda parts: "/ingest/" + "/".join(quote(p, safe="") for p in parts)
)
FRAMING = {"content-length", "transfer-encoding", "host", "connection", "expect", "upgrade"}
HEADERS = st.dictionaries(  # the framing headers are the HTTP client's, not the fuzzer's
    st.sampled_from(SIGNATURE_HEADERS) | TOKEN.filter(lambda name: name not in FRAMING),
    st.text(alphabet=VISIBLE, max_size=100).map(str.strip),
    max_size=5,
)


@pytest.mark.timeout(300)
def test_ingest_never_fails_and_never_stores_an_unsigned_event(
    live: str, services: Runtime
) -> None:
    with httpx.Client(base_url=live, timeout=30) as client:
        for provider in PROVIDERS:
            body = {"provider": provider, "tenant": "acme", "secret": SECRETS[provider]}
            assert client.post("/v1/connections", json=body, headers=ADMIN).status_code == 201

        @given(path=PATHS, body=BODIES, headers=HEADERS, method=st.sampled_from(["POST", "PUT"]))
        @settings(
            max_examples=300,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def fuzz(path: str, body: bytes, headers: dict[str, str], method: str) -> None:
            response = client.request(method, path, content=body, headers=headers)
            assert response.status_code < 500, (path, body[:200], headers, response.text)

        fuzz()
        assert _events(services) == 0
        signed = SAMPLES[0]
        accepted = client.post(
            "/ingest/breezy/acme", content=signed, headers=sign("breezy", signed)
        )
        assert accepted.status_code == 202  # the routes were live all along
        assert _events(services) == 1


def _events(services: Runtime) -> int:
    async def count() -> Any:
        async with services.sessions() as session:
            return await session.scalar(select(func.count()).select_from(Event))

    return int(asyncio.run(count()))


@pytest.mark.parametrize("path", ["/ingest/%00", "/ingest/breezy/ac%00me", "/ingest/%0A/acme"])
async def test_a_control_character_in_the_path_is_404_without_a_lookup(
    client: Any, path: str
) -> None:
    """Found by the fuzzer on PostgreSQL: a NUL in the tenant reached the query and the database
    refused it (a 503 for a request no tenant can match)."""
    response = await client.post(path, content=b"{}")
    assert response.status_code == 404
