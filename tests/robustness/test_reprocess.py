"""Reprocessing keeps what ingest knew about the connection."""

from __future__ import annotations

from typing import Any

from gateway.ingest.reprocess import reprocess
from gateway.runtime import Runtime
from providers.hatchbeacon import HatchBeaconAdapter
from providers.registry import LoadedAdapter, Registry
from schemas import Normalized
from schemas.events import CandidateData
from schemas.resources import Candidate
from tests.conftest import ADMIN
from tests.gateway.helpers import connect


class Fixed(HatchBeaconAdapter):
    """The adapter after a fix: it now reads the shape it quarantined."""

    def normalize(self, raw_body: bytes, *, received_at: Any) -> Normalized:
        return Normalized(
            type="ats.candidate.hired",
            timestamp="2025-03-01T00:00:00Z",
            event_id="sha256:fixed",
            event_type="candidate_hired",
            completeness="partial",
            data=CandidateData(candidate=Candidate(name="Fixed")),
        )


async def test_a_receipt_of_an_unverified_connection_stays_unverified(
    client: Any, services: Runtime
) -> None:
    await connect(client, "hatchbeacon", verify=False)
    body = b'{"event":"candidate_hired","timestamp":"2025-03-01T00:00:00Z","data":{"log":"oops"}}'
    first = await client.post("/ingest/hatchbeacon/acme", content=body)
    assert first.json()["status"] == "quarantined"
    original = services.registry
    services.registry = Registry([LoadedAdapter(Fixed(), "unihook", "test", "fixed")])
    try:
        assert (await reprocess(services)).accepted == 1
    finally:
        services.registry = original
    [event] = (await client.get("/v1/events", headers=ADMIN)).json()["data"]
    assert event["source"].get("verified", True) is False  # omitted when true (the default)
