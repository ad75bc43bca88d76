"""The console over plain HTTP: sessions, cookies, CSRF, the sign-in limiter, tenant walls."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.http.console.limiter import FREE_FAILURES, SignInLimiter
from gateway.runtime import Runtime
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.gateway.helpers import connect, sign, signed, tenant_key
from tests.support.servers import ThreadedServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


async def sign_in(client: Any, token: str) -> Any:
    form = await client.get("/console/")
    return await client.post(
        "/console/login",
        data={"token": token, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


async def test_pages_without_a_session_go_to_the_sign_in_form(client: Any) -> None:
    for page in ("connections", "events", "subscriptions", "quarantine", "timeline"):
        response = await client.get(f"/console/{page}", follow_redirects=False)
        assert response.status_code == 303
        # the page asked for comes back after signing in
        assert response.headers["location"] == f"/console/?next=%2Fconsole%2F{page}"
    form = await client.get("/console/")
    assert form.status_code == 200
    assert 'name="token"' in form.text
    assert "Overview" not in form.text


async def test_sign_in_sets_a_strict_http_only_session_and_sign_out_ends_it(client: Any) -> None:
    response = await sign_in(client, ADMIN_TOKEN)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "unihook_console=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Max-Age=" in cookie
    assert "Secure" not in cookie  # plain HTTP here
    overview = await client.get("/console/")
    assert "Overview" in overview.text

    out = await client.post(
        "/console/logout", data={"csrf_token": csrf_of(overview.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    assert (await client.get("/console/connections", follow_redirects=False)).status_code == 303


async def test_the_session_cookie_is_secure_over_https(services: Runtime) -> None:
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app, base_url="https://console.test") as client:
        response = await sign_in(client, ADMIN_TOKEN)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if "unihook_console=" in c)
    assert "Secure" in cookie


async def test_a_bad_token_is_401_with_the_form_again(client: Any) -> None:
    response = await sign_in(client, "uh_ak_not-a-key")
    assert response.status_code == 401
    assert 'name="token"' in response.text
    assert "not a valid" in response.text
    assert not any(
        "unihook_console=" in c
        for c in response.headers.get_list("set-cookie")
        if "Max-Age=0" not in c and 'unihook_console=""' not in c
    )


async def test_posts_without_a_valid_csrf_token_are_403(client: Any) -> None:
    assert (await client.post("/console/login", data={"token": ADMIN_TOKEN})).status_code == 403
    form = await client.get("/console/")
    forged = {"token": ADMIN_TOKEN, "csrf_token": csrf_of(form.text)[:-2] + "xx"}
    assert (await client.post("/console/login", data=forged)).status_code == 403
    assert (await sign_in(client, ADMIN_TOKEN)).status_code == 303
    made = await connect(client, "breezy")
    for path in (
        f"/console/connections/{made['id']}/delete",
        "/console/logout",
        "/console/subscriptions",
        "/console/quarantine/reprocess",
    ):
        assert (await client.post(path, data={})).status_code == 403, path
    assert (await client.get(f"/v1/connections/{made['id']}", headers=ADMIN)).status_code == 200


async def test_the_csrf_token_of_one_session_does_not_work_in_another(
    client: Any, services: Runtime
) -> None:
    await sign_in(client, ADMIN_TOKEN)
    stolen = csrf_of((await client.get("/console/")).text)
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app) as other:
        await sign_in(other, ADMIN_TOKEN)
        response = await other.post("/console/logout", data={"csrf_token": stolen})
    assert response.status_code == 403


# The limiter keeps its counts in the process, not the database: the waits are measured on
# SQLite only (the sign-in tests above cover both drivers).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_repeated_failed_sign_ins_are_slowed_down(client: Any) -> None:
    for _ in range(FREE_FAILURES):
        assert (await sign_in(client, "wrong")).status_code == 401
    started = time.monotonic()
    assert (await sign_in(client, "wrong")).status_code == 401
    assert time.monotonic() - started >= 0.9  # the sixth try waited its second
    started = time.monotonic()
    assert (await sign_in(client, ADMIN_TOKEN)).status_code == 303  # the right key still works
    assert time.monotonic() - started >= 1.9  # after waiting two
    client.cookies.clear()  # signed in or not, the address's failures still count
    started = time.monotonic()
    assert (await sign_in(client, "wrong")).status_code == 401
    assert time.monotonic() - started >= 1.9  # the success forgave nothing


# The limiter keeps its counts in the process, not the database: the waits are measured on
# SQLite only (the sign-in tests above cover both drivers).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_try_arriving_while_another_waits_is_refused(settings: Settings) -> None:
    # a real server: the test client answers one request at a time
    with ThreadedServer(create_app(settings, run_worker=False), lifespan="on") as server:
        async with (
            httpx.AsyncClient(base_url=server.base_url) as first,
            httpx.AsyncClient(base_url=server.base_url) as second,
        ):
            for _ in range(FREE_FAILURES + 1):
                assert (await sign_in(first, "wrong")).status_code == 401
            waiting = asyncio.create_task(sign_in(first, "wrong"))  # waits 2 s
            await asyncio.sleep(0.5)
            refused = await sign_in(second, ADMIN_TOKEN)
            assert refused.status_code == 429
            assert int(refused.headers["retry-after"]) >= 1
            assert 'name="token"' in refused.text
            assert (await waiting).status_code == 401


def test_the_limiter_forgets_the_oldest_addresses_beyond_its_capacity() -> None:
    limiter = SignInLimiter(capacity=100)
    for n in range(10_000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}", now=1000.0)
    assert len(limiter) == 100
    assert limiter.delay("10.0.0.0", now=1000.0) == 0  # forgotten, not kept
    for _ in range(FREE_FAILURES + 3):
        limiter.failed("192.0.2.1", now=2000.0)
    assert len(limiter) == 100
    assert limiter.delay("192.0.2.1", now=2000.0) == 8
    for _ in range(20):
        limiter.failed("192.0.2.1", now=2000.0)
    assert limiter.delay("192.0.2.1", now=2000.0) == 10  # the wait is bounded too
    assert limiter.delay("192.0.2.1", now=2000.0 + 3600) == 0


async def test_a_tenant_session_gets_404_for_another_tenants_things(
    client: Any, services: Runtime
) -> None:
    theirs = await connect(client, "breezy", tenant="globex")
    body, headers = signed("breezy", "candidateAdded")
    ingested = await client.post("/ingest/breezy/globex", content=body, headers=headers)
    event_id = ingested.json()["event_id"]
    globex = await tenant_key(services, "globex")
    sub = await client.post(
        "/v1/subscriptions", json={"url": "https://app.example/h", "events": ["*"]}, headers=globex
    )
    sub_id = sub.json()["id"]
    mine = await connect(client, "breezy", tenant="acme")
    acme_key = (await tenant_key(services, "acme"))["Authorization"].split()[1]

    assert (await sign_in(client, acme_key)).status_code == 303
    for url in (
        f"/console/connections/{theirs['id']}",
        f"/console/events/{event_id}",
        f"/console/events/{event_id}/deliveries",
        f"/console/subscriptions/{sub_id}",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert "globex" not in response.text
    token = csrf_of((await client.get("/console/connections")).text)
    for url in (
        f"/console/connections/{theirs['id']}/delete",
        f"/console/events/{event_id}/redeliver",
        f"/console/subscriptions/{sub_id}/pause",
        f"/console/subscriptions/{sub_id}/rotate",
    ):
        assert (await client.post(url, data={"csrf_token": token})).status_code == 404, url
    assert (await client.get(f"/v1/connections/{theirs['id']}", headers=ADMIN)).status_code == 200
    listing = await client.get("/console/connections")
    assert mine["id"] in listing.text
    assert theirs["id"] not in listing.text
    events = await client.get("/console/events")
    assert event_id not in events.text
    assert (await client.get(f"/console/connections/{mine['id']}")).status_code == 200


async def test_a_tenant_cannot_connect_another_tenant(client: Any, services: Runtime) -> None:
    key = (await tenant_key(services, "acme"))["Authorization"].split()[1]
    await sign_in(client, key)
    token = csrf_of((await client.get("/console/connections")).text)
    response = await client.post(
        "/console/connections",
        data={
            "csrf_token": token,
            "mode": "manual",
            "provider": "breezy",
            "tenant": "globex",
            "secret": "s",
            "verify": "on",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    listing = (await client.get("/v1/connections", headers=ADMIN)).json()["data"]
    assert [(c["provider"], c["tenant"]) for c in listing] == [("breezy", "acme")]


async def test_no_page_shows_a_stored_secret(client: Any) -> None:
    made = await connect(client, "breezy", tenant="acme")
    await sign_in(client, ADMIN_TOKEN)
    page = await client.get(f"/console/connections/{made['id']}")
    assert page.status_code == 200
    assert "whsec_test_breezy_secret" not in page.text
    assert made["ingest_url"] in page.text


@pytest.mark.parametrize("path", ["/console/static/htmx.min.js", "/console/static/console.css"])
async def test_assets_are_served_from_the_package(client: Any, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert len(response.content) > 1000


async def test_pages_send_a_content_security_policy(client: Any) -> None:
    response = await client.get("/console/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


async def test_the_ingest_sign_in_helper_signs_like_the_vendor(client: Any) -> None:
    made = await connect(client, "breezy", tenant="acme")
    body, _ = signed("breezy", "candidateAdded")
    response = await client.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert response.status_code == 202
    await sign_in(client, ADMIN_TOKEN)
    page = await client.get(f"/console/connections/{made['id']}")
    assert response.json()["event_id"] in page.text


async def test_every_form_on_every_page_carries_the_csrf_token(client: Any) -> None:
    made = await connect(client, "breezy", tenant="acme")
    body, headers = signed("breezy", "candidateAdded")
    event_id = (await client.post("/ingest/breezy/acme", content=body, headers=headers)).json()[
        "event_id"
    ]
    sub = await client.post(
        "/v1/subscriptions", json={"url": "https://app.example/h", "events": ["*"]}, headers=ADMIN
    )
    await sign_in(client, ADMIN_TOKEN)
    for path in (
        "/console/",
        "/console/connections",
        f"/console/connections/{made['id']}",
        "/console/events",
        f"/console/events/{event_id}",
        "/console/subscriptions",
        f"/console/subscriptions/{sub.json()['id']}",
        "/console/quarantine",
        "/console/timeline?q=a",
    ):
        page = await client.get(path)
        assert page.status_code == 200, path
        forms = page.text.count('method="post"')
        tokens = CSRF.findall(page.text)
        assert len(tokens) >= forms, path
        assert all(tokens), path


async def test_a_secret_mix_up_shows_on_the_overview_and_is_recovered_from_the_connection_page(
    client: Any,
) -> None:
    """A request the stored secret cannot verify is named on the overview; the connection's page
    lists it (never its body) and re-verifies it, by a CSRF-checked POST, after a rotation."""
    assert (await sign_in(client, ADMIN_TOKEN)).status_code == 303
    made = await connect(client, "breezy", secret="not-what-breezy-signs-with")
    body, headers = signed("breezy", "candidateAdded")
    assert (
        await client.post("/ingest/breezy/acme", content=body, headers=headers)
    ).status_code == 401
    overview = await client.get("/console/")
    assert "Requests that do not verify" in overview.text
    assert f"/console/connections/{made['id']}" in overview.text
    page = await client.get(f"/console/connections/{made['id']}")
    assert "invalid signature" in page.text
    assert "Re-verify" in page.text
    assert body.decode()[:40] not in page.text
    path = f"/console/connections/{made['id']}/reverify"
    assert (await client.post(path, data={})).status_code == 403
    rotated = await client.post(
        f"/v1/connections/{made['id']}/secrets",
        json={"secret": "whsec_test_breezy_secret", "previous_expires_in": 0},
        headers=ADMIN,
    )
    assert rotated.status_code == 200
    answer = await client.post(
        path, data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert answer.status_code == 303
    events = (await client.get("/v1/events", headers=ADMIN)).json()["data"]
    assert [e["type"] for e in events] == ["ats.application.created"]
    page = await client.get(f"/console/connections/{made['id']}")
    assert "1 recovered" in page.text
    assert "every request to this connection verified" in page.text


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/console/events?type=ats.*", "/console/events?type=ats.*"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/console//evil.example/", "/console/"),
        ("/console/\\evil.example", "/console/"),
        ("/console/static/console.css", "/console/"),
        ("/v1/events", "/console/"),
    ],
)
async def test_sign_in_returns_only_to_a_console_page_of_this_site(
    client: Any, asked: str, lands: str
) -> None:
    form = await client.get("/console/", params={"next": asked})
    shown = 'name="next"' in form.text
    assert shown == (asked == lands)  # an unsafe target is not even put in the form
    response = await client.post(
        "/console/login",
        data={"token": ADMIN_TOKEN, "csrf_token": csrf_of(form.text), "next": asked},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == lands


async def test_a_tenant_neither_sees_nor_dismisses_another_tenants_quarantine(
    client: Any, services: Runtime
) -> None:
    await connect(client, "breezy", tenant="globex")
    junk = b"not JSON"
    theirs = await client.post("/ingest/breezy/globex", content=junk, headers=sign("breezy", junk))
    receipt = theirs.json()["receipt_id"]
    key = (await tenant_key(services, "acme"))["Authorization"].split()[1]
    await sign_in(client, key)
    listing = await client.get("/console/quarantine", params={"tenant": "globex"})
    assert receipt not in listing.text
    refused = await client.post(
        "/console/quarantine/dismiss",
        data={"csrf_token": csrf_of(listing.text), "receipt_id": receipt},
    )
    assert refused.status_code == 404
    client.cookies.clear()
    await sign_in(client, ADMIN_TOKEN)
    assert receipt in (await client.get("/console/quarantine")).text
