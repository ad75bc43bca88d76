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
