"""``format: "cloudevents"``: CloudEvents 1.0 binary content mode over real HTTP, read by the
CloudEvents SDK, still signed with Standard Webhooks (checked with ``standardwebhooks``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import standardwebhooks
from cloudevents.core.bindings.http import HTTPMessage, from_http_event

from tests.conftest import ADMIN
from tests.delivery.conftest import ingest, subscribe
from tests.delivery.receiver import Receiver
from tests.gateway.helpers import connect

URL = "https://hooks.example.com/unihook"


async def test_deliveries_parse_as_cloudevents_and_verify(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url, format="cloudevents")
        assert sub["format"] == "cloudevents"
        sent = [
            await ingest(gateway, "breezy", "candidateAdded"),
            await ingest(gateway, "breezy", "candidateStatusUpdated"),
        ]
        requests = await receiver.wait_for(2)
    by_id = {r.headers["ce-id"]: r for r in requests}
    assert set(by_id) == set(sent)
    for event_id in sent:
        request = by_id[event_id]
        stored = (await gateway.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
        stored.pop("raw")
        event = from_http_event(HTTPMessage(headers=request.headers, body=request.body))
        assert event.get_specversion() == "1.0"
        assert event.get_id() == event_id
        assert event.get_type() == stored["type"]
        assert event.get_source() == "unihook/breezy/acme"
        assert event.get_subject() == stored["subject"]
        assert event.get_time() is not None
        assert event.get_time().isoformat().replace("+00:00", "Z") == stored["timestamp"]
        assert event.get_datacontenttype() == "application/json"
        assert event.get_data() == stored  # the canonical event, as the standard format sends
        verified = standardwebhooks.Webhook(sub["secret"]).verify(request.body, request.headers)
        assert verified == stored
        assert request.headers["webhook-id"] == event_id


async def test_the_standard_format_has_no_ce_headers(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        assert sub["format"] == "standard"
        await ingest(gateway)
        [request] = await receiver.wait_for(1)
    assert not [name for name in request.headers if name.lower().startswith("ce-")]
    json.loads(request.body)


async def test_switching_the_format_applies_to_the_next_delivery(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as receiver:
        sub = await subscribe(gateway, receiver.url)
        await ingest(gateway)
        await receiver.wait_for(1)
        response = await gateway.put(
            f"/v1/subscriptions/{sub['id']}", json={"format": "cloudevents"}, headers=ADMIN
        )
        assert response.status_code == 200, response.text
        assert response.json()["format"] == "cloudevents"
        second = await ingest(gateway)
        got = await receiver.wait_for(2)
    assert got[1].headers["ce-id"] == second


@pytest.mark.parametrize("bad", ["CloudEvents", "structured", "", None, 1, ["cloudevents"]])
async def test_format_is_standard_or_cloudevents(client: Any, bad: Any) -> None:
    response = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["*"], "format": bad}, headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == 'format must be "standard" or "cloudevents"'
    created = await subscribe(client, URL)
    response = await client.put(
        f"/v1/subscriptions/{created['id']}", json={"format": bad}, headers=ADMIN
    )
    assert response.status_code == 400, response.text
