"""The completion contract of the vendor kit: a completer reads records over real HTTP through
the context's client, and ``BaseCompleter`` supplies the defaults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
import pytest

from providers import (
    BaseAdapter,
    BaseCompleter,
    BearerAuth,
    Completer,
    CompletionContext,
    ProviderSettings,
    VendorAPIError,
    VendorClient,
    VendorState,
)
from providers.client import path_segment
from providers.testing import Reject, SimRequest, VendorSimulator, route
from schemas import EventData
from schemas.events import ApplicationData
from schemas.resources import Application, Candidate

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TOKEN = "kit-read-token-1"


class ReadSim(VendorSimulator):
    name = "read-sim"

    def __init__(self) -> None:
        super().__init__()
        self.people = {"c1": {"name": "Ada Lovelace"}, "c2": {"name": "Alan Turing"}}

    def authenticate(self, request: SimRequest, auth: Any) -> str:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            raise Reject(401, "unauthorized")
        return "acme"

    @route("GET", "/people/{person_id}")
    def person(self, request: SimRequest) -> tuple[int, Any]:
        found = self.people.get(request.params["person_id"])
        if found is None:
            raise Reject(404, "no such person")
        return 200, found


class ReadCredentials(msgspec.Struct, forbid_unknown_fields=True):
    token: str


class ReadClient(VendorClient):
    vendor = "Read"


class ReadCompleter(BaseCompleter):
    credentials_type = ReadCredentials

    def completes(self, event_type: str, data: EventData) -> bool:
        return isinstance(data, ApplicationData) and data.application.candidate is not None

    async def complete(self, ctx: CompletionContext, event_type: str, data: EventData) -> EventData:
        assert isinstance(data, ApplicationData)
        assert data.application.candidate is not None
        client = ReadClient(
            ctx.http, ctx.settings.url("api_url", ""), BearerAuth(ctx.credentials.token)
        )
        person_id = data.application.candidate.id or ""
        person = await client.get("/people/" + path_segment(person_id))
        candidate = Candidate(id=person_id, name=person["name"])
        return msgspec.structs.replace(
            data, application=msgspec.structs.replace(data.application, candidate=candidate)
        )


class ReadAdapter(BaseAdapter):
    name = "read"


@pytest.fixture(scope="module")
def sim() -> Iterator[ReadSim]:
    with ReadSim() as running:
        yield running


def thin(candidate_id: str) -> ApplicationData:
    return ApplicationData(
        application=Application(id="a-" + candidate_id, candidate=Candidate(id=candidate_id))
    )


def test_the_adapter_carries_its_completer_like_its_provisioner() -> None:
    completer = ReadCompleter()
    assert ReadAdapter(completer=completer).completer is completer
    assert ReadAdapter().completer is None
    assert isinstance(completer, Completer)


def test_kept_credentials_do_not_serve_by_default() -> None:
    assert (
        ReadCompleter().credentials_from(VendorState(state={}, credentials={"token": "x"})) is None
    )


async def test_complete_many_answers_each_item_in_order(sim: ReadSim) -> None:
    sim.reset()
    async with httpx.AsyncClient() as http:
        ctx = CompletionContext(
            http=http,
            settings=ProviderSettings({"api_url": sim.base_url}),
            credentials=ReadCredentials(token=TOKEN),
            now=NOW,
        )
        results = await ReadCompleter().complete_many(
            ctx,
            [
                ("ats.application.updated", thin("c1")),
                ("ats.application.updated", thin("gone")),
                ("ats.application.updated", thin("c2")),
            ],
        )
    first, missing, last = results
    assert isinstance(first, ApplicationData)
    assert first.application.candidate is not None
    assert first.application.candidate.name == "Ada Lovelace"
    assert isinstance(missing, VendorAPIError)
    assert missing.kind == "not_found"
    assert isinstance(last, ApplicationData)
    assert last.application.candidate is not None
    assert last.application.candidate.name == "Alan Turing"


async def test_a_rate_limit_ends_the_batch_with_its_retry_after(sim: ReadSim) -> None:
    sim.reset()
    sim.fail_next(429, {"message": "slow down"}, retry_after=7)
    async with httpx.AsyncClient() as http:
        ctx = CompletionContext(
            http=http,
            settings=ProviderSettings({"api_url": sim.base_url}),
            credentials=ReadCredentials(token=TOKEN),
            now=NOW,
        )
        results = await ReadCompleter().complete_many(
            ctx, [("ats.application.updated", thin("c1")), ("ats.application.updated", thin("c2"))]
        )
    assert [r.kind for r in results if isinstance(r, VendorAPIError)] == [
        "rate_limited",
        "rate_limited",
    ]
    assert all(isinstance(r, VendorAPIError) and r.retry_after == 7 for r in results)
    assert len(sim.calls) == 1
