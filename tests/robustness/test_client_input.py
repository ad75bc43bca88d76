"""Client input that used to reach a 500: each is a 400 with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ADMIN
from tests.gateway.helpers import connect


@pytest.mark.parametrize("seconds", [10**12, 2**63, 10 * 365 * 86400 + 1, -1])
async def test_rotation_grace_out_of_range_is_400(client: Any, seconds: int) -> None:
    made = await connect(client, "breezy")
    response = await client.post(
        f"/v1/connections/{made['id']}/secrets",
        json={"secret": "new", "previous_expires_in": seconds},
        headers=ADMIN,
    )
    assert response.status_code == 400, response.text
    assert "previous_expires_in" in response.json()["detail"] + str(response.json().get("extra"))


async def test_rotation_grace_of_ten_years_is_accepted(client: Any) -> None:
    made = await connect(client, "breezy")
    response = await client.post(
        f"/v1/connections/{made['id']}/secrets",
        json={"secret": "new", "previous_expires_in": 10 * 365 * 86400},
        headers=ADMIN,
    )
    assert response.status_code in {200, 201}, response.text


@pytest.mark.parametrize(
    "query",
    [
        "since=9999-12-31T23:59:59-23:59",
        "until=0001-01-01T00:00:00%2B23:59",
        "since=0001-01-01T00:00:00%2B23:59",
        "until=9999-12-31T23:59:59-23:59",
    ],
)
async def test_a_time_past_the_calendar_once_in_utc_is_400(client: Any, query: str) -> None:
    response = await client.get(f"/v1/events?{query}", headers=ADMIN)
    assert response.status_code == 400, response.text
    assert "RFC 3339" in response.json()["detail"]


async def test_a_replay_window_past_the_calendar_is_400(client: Any) -> None:
    made = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    response = await client.post(
        f"/v1/subscriptions/{made.json()['id']}/replay",
        json={"since": "9999-12-31T23:59:59-23:59"},
        headers=ADMIN,
    )
    assert response.status_code == 400, response.text
