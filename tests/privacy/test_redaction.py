"""Field redaction per subscription: validation, and different bodies of one stored event."""

from __future__ import annotations

from typing import Any

import pytest
import standardwebhooks

from tests.conftest import ADMIN
from tests.delivery.conftest import ingest, subscribe
from tests.delivery.receiver import Receiver
from tests.gateway.helpers import connect

URL = "https://hooks.example.com/unihook"
EMAIL = "data.application.candidate.email"


async def test_a_redacting_and_a_plain_subscriber_get_different_bodies(gateway: Any) -> None:
    await connect(gateway, "breezy")
    with Receiver() as plain_receiver, Receiver() as redacting_receiver:
        plain = await subscribe(gateway, plain_receiver.url, events=["ats.application.*"])
        redacting = await subscribe(
            gateway,
            redacting_receiver.url,
            events=["ats.application.*"],
            redact=[EMAIL, "data.application.candidate.phone", "data.*.source"],
        )
        event_id = await ingest(gateway)
        [plain_request] = await plain_receiver.wait_for(1)
        [redacted_request] = await redacting_receiver.wait_for(1)
    full = standardwebhooks.Webhook(plain["secret"]).verify(
        plain_request.body, plain_request.headers
    )
    redacted = standardwebhooks.Webhook(redacting["secret"]).verify(
        redacted_request.body, redacted_request.headers
    )
    assert full["id"] == redacted["id"] == event_id
    candidate = full["data"]["application"]["candidate"]
    assert candidate["email"] == "jose.alvarez@mail.example"
    assert full["data"]["application"]["source"] is not None
    assert b"jose.alvarez@mail.example" not in redacted_request.body
    assert "email" not in redacted["data"]["application"]["candidate"]
    assert "phone" not in redacted["data"]["application"]["candidate"]
    assert "source" not in redacted["data"]["application"]
    assert redacted["data"]["application"]["candidate"]["name"] == candidate["name"]
    # the stored event is whole: redaction is per subscriber, on the way out
    stored = (await gateway.get(f"/v1/events/{event_id}", headers=ADMIN)).json()
    assert stored["data"]["application"]["candidate"]["email"] == "jose.alvarez@mail.example"


async def test_redact_is_stored_returned_and_editable(client: Any) -> None:
    created = await subscribe(client, URL, events=["ats.application.*"], redact=[EMAIL])
    assert created["redact"] == [EMAIL]
    shown = (await client.get(f"/v1/subscriptions/{created['id']}", headers=ADMIN)).json()
    assert shown["redact"] == [EMAIL]
    path = f"/v1/subscriptions/{created['id']}"
    changed = await client.put(path, json={"redact": ["data.*.candidate.name"]}, headers=ADMIN)
    assert changed.status_code == 200, changed.text
    assert changed.json()["redact"] == ["data.*.candidate.name"]
    cleared = await client.put(path, json={"redact": None}, headers=ADMIN)
    assert cleared.json()["redact"] == []
    assert (await subscribe(client, URL))["redact"] == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"redact": ["data.application.candidate.shoe_size"]}, "redact paths name no field"),
        ({"events": ["hris.*"], "redact": [EMAIL]}, "redact paths name no field"),
        ({"redact": [EMAIL], "include_raw": True}, "redact cannot be combined with include_raw"),
        ({"redact": "data.application"}, "redact must be an array"),
        ({"redact": ["data..application"]}, "is not a dotted path"),
        ({"redact": [7]}, "a redact path is a dotted string"),
        ({"redact": ["id"]}, "redact cannot remove the event's id"),
        ({"redact": ["*.provider"]}, "redact cannot remove the event's id"),
    ],
)
async def test_bad_redact_is_400(client: Any, body: dict[str, Any], detail: str) -> None:
    response = await client.post(
        "/v1/subscriptions", json={"url": URL, "events": ["ats.*"], **body}, headers=ADMIN
    )
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


async def test_an_update_is_checked_against_the_subscription_it_makes(client: Any) -> None:
    created = await subscribe(client, URL, events=["ats.application.*"], redact=[EMAIL])
    path = f"/v1/subscriptions/{created['id']}"
    for change in ({"include_raw": True}, {"events": ["hris.employee.*"]}):
        response = await client.put(path, json=change, headers=ADMIN)
        assert response.status_code == 400, response.text
    shown = (await client.get(path, headers=ADMIN)).json()
    assert (shown["include_raw"], shown["events"]) == (False, ["ats.application.*"])
