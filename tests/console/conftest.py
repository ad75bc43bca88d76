"""A real gateway (with its dispatcher) on loopback, seeded with two tenants, and a browser."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.browser import chromium_or_skip, page_left, start_browser
from tests.delivery.receiver import Receiver
from tests.gateway.helpers import SECRETS, sign, signed, tenant_key
from tests.support.servers import ThreadedServer


@dataclass
class Site:
    """The running gateway and what was seeded into it."""

    url: str
    api: httpx.Client
    receiver: Receiver
    keys: dict[str, str]  # tenant -> API key
    connections: dict[str, str]  # tenant -> its breezy connection id
    events: dict[str, str]  # tenant -> one of its event ids
    subscriptions: dict[str, str]  # tenant -> a subscription its key made

    def ingest(
        self, tenant: str, provider: str = "breezy", vendor_type: str = "candidateAdded"
    ) -> str:
        body, _ = signed(provider, vendor_type)
        payload = json.loads(body)
        payload["_id"] = f"{payload.get('_id', 'x')}-{time.time_ns()}"
        raw = json.dumps(payload).encode()
        response = self.api.post(
            f"/ingest/{provider}/{tenant}", content=raw, headers=sign(provider, raw)
        )
        assert response.status_code == 202, response.text
        event_id: str = response.json()["event_id"]
        return event_id


def _make_keys(settings: Settings) -> dict[str, str]:
    async def go() -> dict[str, str]:
        runtime = Runtime.build(settings)
        try:
            await runtime.migrate()
            return {
                tenant: (await tenant_key(runtime, tenant))["Authorization"].split()[1]
                for tenant in ("acme", "globex")
            }
        finally:
            await runtime.close()

    return asyncio.run(go())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n`` (``--dist loadgroup``) the tests on the one seeded gateway run in one
    worker: another worker would start a second gateway and a second Chromium for them."""
    for item in items:
        if "site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("console-site"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    chromium_or_skip()
    folder: Path = tmp_path_factory.mktemp("console")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder}/unihook.db",
        admin_token=ADMIN_TOKEN,
        secret_key=Fernet.generate_key().decode(),
        ingest_writer="thread",
        allow_insecure_destinations=True,
        poll_interval=0.2,
        retry_schedule=(0.2, 0.2),
        delivery_timeout=5.0,
    )
    keys = _make_keys(settings)
    server = ThreadedServer(None, name="console-gateway", lifespan="on")
    settings = replace(settings, public_url=server.bind())
    server.app = create_app(settings)
    with server, Receiver() as receiver, httpx.Client(base_url=server.base_url, timeout=10) as api:
        connections, events, subscriptions = {}, {}, {}
        for tenant in ("acme", "globex"):
            made = api.post(
                "/v1/connections",
                json={"provider": "breezy", "tenant": tenant, "secret": SECRETS["breezy"]},
                headers=ADMIN,
            )
            assert made.status_code == 201, made.text
            connections[tenant] = made.json()["id"]
            sub = api.post(
                "/v1/subscriptions",
                json={"url": f"{receiver.url}/{tenant}", "events": ["ats.*"]},
                headers={"Authorization": f"Bearer {keys[tenant]}"},
            )
            assert sub.status_code == 201, sub.text
            subscriptions[tenant] = sub.json()["id"]
        made = api.post(
            "/v1/connections",
            json={"provider": "hatchbeacon", "tenant": "acme", "secret": SECRETS["hatchbeacon"]},
            headers=ADMIN,
        )
        assert made.status_code == 201, made.text
        seeded = Site(server.base_url, api, receiver, keys, connections, events, subscriptions)
        for tenant in ("acme", "globex"):
            events[tenant] = seeded.ingest(tenant, vendor_type="candidateStatusUpdated")
        seeded.ingest("acme", "hatchbeacon", "application_status_changed")
        yield seeded


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Any]:
    driver = start_browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def signed_out(browser: Any, site: Site) -> Any:
    """The browser with no console session."""
    browser.get(f"{site.url}/console/")
    browser.delete_all_cookies()
    return browser


def submit(browser: Any, css: str) -> None:
    """Click the button ``css`` names and wait for the page it leads to."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(browser, 15).until(page_left(page))


def sign_in(browser: Any, site: Site, token: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(f"{site.url}/console/")
    browser.find_element(By.NAME, "token").send_keys(token)
    submit(browser, "form[action='/console/login'] button")
    assert browser.find_elements(By.CSS_SELECTOR, "header.top"), browser.page_source[:2000]
