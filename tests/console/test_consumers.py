"""The console's payload filter and format fields, and the streams page with each stream's lag."""

from __future__ import annotations

import html
from typing import Any

from gateway.runtime import Runtime
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.test_http import csrf_of, sign_in
from tests.gateway.helpers import tenant_key


async def new_subscription(client: Any, **fields: str) -> Any:
    token = csrf_of((await client.get("/console/subscriptions")).text)
    form = {"csrf_token": token, "url": "https://app.example/h", "events": "*", **fields}
    return await client.post("/console/subscriptions", data=form)


async def test_the_form_stores_a_filter_and_the_page_shows_it(client: Any) -> None:
    await sign_in(client, ADMIN_TOKEN)
    spec = '{"data.application.stage.name": {"$in": ["Offer", "Hired"]}}'
    response = await new_subscription(client, filter=spec, format="cloudevents")
    assert response.status_code == 200, response.text
    [sub] = (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"]
    assert sub["filter"] == {"data.application.stage.name": {"$in": ["Offer", "Hired"]}}
    assert sub["format"] == "cloudevents"
    page = html.unescape((await client.get(f"/console/subscriptions/{sub['id']}")).text)
    assert '"data.application.stage.name"' in page
    assert "CloudEvents 1.0" in page


async def test_a_bad_filter_shows_why_and_keeps_the_form(client: Any) -> None:
    await sign_in(client, ADMIN_TOKEN)
    response = await new_subscription(client, filter="{not json")
    assert response.status_code == 400
    assert "Invalid filter: not JSON" in response.text
    assert "{not json" in html.unescape(response.text)  # what was typed stays in the field
    response = await new_subscription(client, filter='{"tenant": {"$like": "a"}}')
    assert response.status_code == 400
    assert "unknown operator $like at tenant" in html.unescape(response.text)
    assert (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"] == []


async def test_the_streams_page_lists_a_tenants_streams_with_their_lag(
    client: Any, services: Runtime
) -> None:
    acme = await tenant_key(services, "acme")
    globex = await tenant_key(services, "globex")
    for headers, name in ((acme, "acme-batch"), (globex, "globex-batch")):
        response = await client.post(
            "/v1/streams", json={"name": name, "events": ["*"]}, headers=headers
        )
        assert response.status_code == 201, response.text
    await sign_in(client, acme["Authorization"].removeprefix("Bearer "))
    page = await client.get("/console/streams")
    assert page.status_code == 200
    assert "acme-batch" in page.text
    assert "globex-batch" not in page.text
    assert '<td class="num">0</td>' in page.text  # no events yet: nothing to catch up on
