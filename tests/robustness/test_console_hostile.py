"""The console against a hostile client: forms refused before they are read, the sign-in token
good only for signing in, the Origin checked, failures counted whatever succeeds, sessions that
end on sign-out, and refusals that carry the console's security headers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from gateway.http.app import create_app
from gateway.http.console.limiter import FREE_FAILURES, SignInLimiter
from gateway.runtime import Runtime
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.test_http import csrf_of, sign_in
from tests.gateway.helpers import connect, tenant_key

MEGABYTE_FORM = b"csrf_token=x&token=" + b"a" * (1024 * 1024)


async def _head_answer(url: str, head: bytes) -> bytes:
    """Send only a request's head (its body promised, never sent) and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head)
        await writer.drain()
        # a server that waited for the promised body would answer only at its body deadline
        return await asyncio.wait_for(reader.read(65536), timeout=5)
    finally:
        writer.close()


@pytest.mark.parametrize("path", ["/console/login", "/console/logout", "/console/subscriptions"])
async def test_a_console_post_without_a_session_is_refused_before_its_body(
    live: str, path: str
) -> None:
    answer = await _head_answer(
        live,
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        "content-type: application/x-www-form-urlencoded\r\n"
        f"content-length: {1024 * 1024}\r\n\r\n".encode(),
    )
    # 403, or for a page behind a session the way to the sign-in form: either way unread
    assert answer.startswith((b"HTTP/1.1 403", b"HTTP/1.1 303")), answer[:200]


async def test_a_sign_in_form_above_its_cap_is_413_before_its_body(live: str) -> None:
    answer = await _head_answer(
        live,
        b"POST /console/login HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        b"cookie: unihook_console_csrf=seed\r\n"
        b"content-type: application/x-www-form-urlencoded\r\n"
        b"content-length: 1048576\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


async def test_console_forms_above_their_caps_are_refused(client: Any) -> None:
    form = await client.get("/console/")
    token = csrf_of(form.text)
    big = await client.post("/console/login", content=MEGABYTE_FORM, headers=_FORM)
    assert big.status_code == 413
    many = "&".join(f"f{n}=x" for n in range(300)) + f"&csrf_token={token}&token=x"
    refused = await client.post("/console/login", content=many.encode(), headers=_FORM)
    assert refused.status_code == 413
    assert (await sign_in(client, ADMIN_TOKEN)).status_code == 303  # the form itself still works
    page = await client.get("/console/subscriptions")
    token = csrf_of(page.text)
    fields = "&".join(f"events=e{n}" for n in range(2000)) + f"&csrf_token={token}"
    refused = await client.post("/console/subscriptions", content=fields.encode(), headers=_FORM)
    assert refused.status_code == 413
    assert (await client.get("/v1/subscriptions", headers=ADMIN)).json()["data"] == []


_FORM = {"content-type": "application/x-www-form-urlencoded"}


async def test_the_sign_in_token_works_on_no_other_form(client: Any) -> None:
    made = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    sub_id = made.json()["id"]
    await sign_in(client, ADMIN_TOKEN)
    # an attacker plants a pre-session cookie it knows the token of (a sibling subdomain)
    form = await AsyncTestClient(app=client.app).__aenter__()
    try:
        page = await form.get("/console/")
        planted_seed = page.cookies["unihook_console_csrf"]
        planted_token = csrf_of(page.text)
    finally:
        await form.__aexit__(None, None, None)
    client.cookies.set("unihook_console_csrf", planted_seed, path="/console")
    response = await client.post(
        f"/console/subscriptions/{sub_id}/pause",
        data={"csrf_token": planted_token},
        follow_redirects=False,
    )
    assert response.status_code == 403
    shown = (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).json()
    assert shown["status"] == "active"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://attacker.example"},
        {"origin": "null"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},  # a sibling subdomain
    ],
)
async def test_a_cross_site_console_post_is_403(client: Any, headers: dict[str, str]) -> None:
    made = await client.post(
        "/v1/subscriptions",
        json={"url": "https://hooks.example.com/x", "events": ["*"]},
        headers=ADMIN,
    )
    sub_id = made.json()["id"]
    await sign_in(client, ADMIN_TOKEN)
    token = csrf_of((await client.get("/console/subscriptions")).text)
    response = await client.post(
        f"/console/subscriptions/{sub_id}/pause",
        data={"csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert (await client.get(f"/v1/subscriptions/{sub_id}", headers=ADMIN)).json()[
        "status"
    ] == "active"
    same = await client.post(
        f"/console/subscriptions/{sub_id}/pause",
        data={"csrf_token": token},
        headers={"origin": "http://testserver.local", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )
    assert same.status_code == 303


async def test_console_cookies_are_host_prefixed_over_https(services: Runtime) -> None:
    app = create_app(runtime=services, run_worker=False, migrate=False)
    async with AsyncTestClient(app=app, base_url="https://console.test") as client:
        form = await client.get("/console/")
        presession = [c for c in form.headers.get_list("set-cookie") if "csrf" in c]
        assert presession
        assert all(c.startswith("__Host-") for c in presession), presession
        assert all("Path=/;" in c or c.endswith("Path=/") for c in presession), presession
        response = await client.post(
            "/console/login",
            data={"token": ADMIN_TOKEN, "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert response.status_code == 303
        session = [
            c
            for c in response.headers.get_list("set-cookie")
            if c.startswith("__Host-unihook_console=")
        ]
        assert session
        assert "Secure" in session[0]
        assert "Overview" in (await client.get("/console/")).text


async def test_a_success_does_not_forgive_the_failures_before_it(
    client: Any, services: Runtime
) -> None:
    key = (await tenant_key(services, "acme"))["Authorization"].split()[1]
    for _ in range(FREE_FAILURES - 1):
        assert (await sign_in(client, "wrong")).status_code == 401
    assert (await sign_in(client, key)).status_code == 303
    client.cookies.clear()  # back to the sign-in form, as a new browser
    assert (await sign_in(client, "wrong")).status_code == 401
    limiter: SignInLimiter = client.app.state.console.limiter
    assert limiter.delay("testclient") > 0  # the fifth failure counts: the next try waits


async def test_signing_out_ends_the_session_for_its_cookie(client: Any) -> None:
    await sign_in(client, ADMIN_TOKEN)
    cookie = client.cookies.get("unihook_console")
    page = await client.get("/console/")
    out = await client.post(
        "/console/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert out.status_code == 303
    client.cookies.set("unihook_console", cookie, path="/console")  # kept by an attacker
    again = await client.get("/console/connections", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"] == "/console/?next=%2Fconsole%2Fconnections"


async def test_console_refusals_carry_the_security_headers(client: Any) -> None:
    refused = await client.post("/console/login", data={"token": "x"})
    await sign_in(client, ADMIN_TOKEN)
    missing = await client.get("/console/connections/con_nope")
    unknown = await client.get("/console/no-such-page")
    for response in (refused, missing, unknown):
        assert response.status_code in (403, 404), response.status_code
        assert "frame-ancestors 'none'" in response.headers.get("content-security-policy", "")
        assert response.headers.get("cache-control") == "no-store"
        assert response.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.parametrize("hours", ["inf", "-inf", "nan", "1e308"])
async def test_a_rotation_grace_no_clock_reaches_is_refused_on_the_page(
    client: Any, hours: str
) -> None:
    made = await connect(client, "breezy")
    await sign_in(client, ADMIN_TOKEN)
    page = await client.get(f"/console/connections/{made['id']}")
    response = await client.post(
        f"/console/connections/{made['id']}/rotate",
        data={"csrf_token": csrf_of(page.text), "secret": "new", "grace_hours": hours},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Not rotated" in (await client.get(response.headers["location"])).text


async def test_the_console_events_page_refuses_a_time_past_the_calendar(client: Any) -> None:
    await sign_in(client, ADMIN_TOKEN)
    response = await client.get("/console/events?since=9999-12-31T23:59:59-23:59")
    assert response.status_code in (200, 400)
    assert "RFC 3339" in response.text
