"""The console's day-to-day pages in a real headless Chromium: a deep link that survives sign-in,
the 404 page with its navigation, the New connection page that keeps what was typed (never a
token), the set-up guide a tenant reads, event summaries, per-tenant timelines in the order
things happened, the quarantine's filter and dismiss, and the event catalogue."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from selenium.webdriver.common.by import By

from providers.registry import default_registry
from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.browser import page_left
from tests.console.conftest import Site, sign_in, submit
from tests.console.test_browser import text_of, wait_until
from tests.gateway.helpers import sign, signed


def click_link(browser: Any, text: str) -> None:
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.LINK_TEXT, text).click()
    wait_until(browser, page_left(page))


def test_sign_in_returns_to_the_deep_link_and_forms_keep_their_input(
    signed_out: Any, site: Site
) -> None:
    browser = signed_out
    browser.get(f"{site.url}/console/events?provider=hatchbeacon")
    browser.find_element(By.NAME, "token").send_keys(ADMIN_TOKEN)
    submit(browser, "form[action='/console/login'] button")
    assert browser.current_url == f"{site.url}/console/events?provider=hatchbeacon"

    for missing in ("/console/events/evt_none", "/console/no-such-page"):
        browser.get(site.url + missing)
        assert "Not found" in text_of(browser)
        assert len(browser.find_elements(By.CSS_SELECTOR, "header.top nav a")) >= 8, missing

    browser.get(f"{site.url}/console/connections")
    assert not browser.find_elements(By.CSS_SELECTOR, "main form[method=post]")
    click_link(browser, "New connection")
    assert browser.current_url == f"{site.url}/console/connections/new"
    provision = "form[action='/console/connections']:has(input[name=provider][value=breezy])"
    browser.find_element(By.XPATH, "//summary[.='Provision breezy at the vendor']").click()
    browser.find_element(By.CSS_SELECTOR, f"{provision} input[name=tenant]").send_keys("acme")
    browser.find_element(
        By.CSS_SELECTOR, f"{provision} input[name='provision.company_id']"
    ).send_keys("co-42")
    browser.find_element(
        By.CSS_SELECTOR, f"{provision} input[name='provision.api_token']"
    ).send_keys("tok-not-to-echo")
    submit(browser, f"{provision} button")  # acme has breezy already: refused before the vendor
    assert "Not connected" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    kept = browser.find_element(By.CSS_SELECTOR, provision)
    assert kept.find_element(By.NAME, "tenant").get_attribute("value") == "acme"
    assert kept.find_element(By.NAME, "provision.company_id").get_attribute("value") == "co-42"
    assert kept.find_element(By.NAME, "provision.api_token").get_attribute("value") == ""
    assert "tok-not-to-echo" not in browser.page_source

    connection = f"{site.url}/console/connections/{site.connections['acme']}"
    ingest_url = site.api.get(f"/v1/connections/{site.connections['acme']}", headers=ADMIN).json()[
        "ingest_url"
    ]
    browser.get(connection)
    assert browser.find_elements(By.XPATH, '//summary[starts-with(., "The operator\'s guide")]')
    sign_in(browser, site, site.keys["acme"])
    browser.get(connection)
    steps = browser.find_element(By.CSS_SELECTOR, "ol.steps").text
    assert ingest_url in steps
    assert "UNIHOOK_" not in text_of(browser)
    assert "curl" not in text_of(browser)


def test_summaries_timelines_quarantine_and_the_event_catalogue(browser: Any, site: Site) -> None:
    # Lever names a stage change by ids only: the summary says so, never "stage None"
    lever = site.api.post(
        "/v1/connections",
        json={"provider": "lever", "tenant": "acme", "secret": "lever-secret"},
        headers=ADMIN,
    )
    assert lever.status_code == 201, lever.text
    adapter = default_registry().get("lever")
    body, headers = adapter.sign_request(  # Lever signs inside the body
        adapter.sample_events()["candidateStageChange"], "lever-secret", now=datetime.now(UTC)
    )
    moved = site.api.post("/ingest/lever/acme", content=body, headers=headers)
    assert moved.status_code == 202, moved.text
    sign_in(browser, site, ADMIN_TOKEN)
    browser.get(f"{site.url}/console/events?provider=lever")
    row = browser.find_element(By.CSS_SELECTOR, "#event-rows tr").text
    assert "None" not in row
    assert "992f01a9-ee19-41d2-ae79-1040701b195c" in row  # the stage it left, by its id

    # acme's candidate and globex's share a vendor id; acme's earlier step arrives last
    earlier, _ = signed("breezy", "candidateStatusUpdated")
    payload = json.loads(earlier)
    payload["_id"] = "late-but-earlier"
    payload["creation_date"] = "2025-01-16T08:00:00.000Z"
    raw = json.dumps(payload).encode()
    late = site.api.post("/ingest/breezy/acme", content=raw, headers=sign("breezy", raw))
    assert late.status_code == 202, late.text
    browser.get(f"{site.url}/console/events/{site.events['globex']}")
    browser.find_element(By.CSS_SELECTOR, "dl.facts a[href^='/console/timeline?subject=']")
    subject = site.api.get(f"/v1/events/{site.events['globex']}", headers=ADMIN).json()["subject"]
    browser.get(f"{site.url}/console/timeline?subject={subject}")
    assert "2 tenants have a resource with this vendor id" in text_of(browser)
    sections = browser.find_elements(By.CSS_SELECTOR, "main h3")
    assert [s.text.split(" (")[0] for s in sections] == ["Tenant acme", "Tenant globex"]
    acme, globex = browser.find_elements(By.CSS_SELECTOR, "ol.timeline")
    acme_ids = [
        a.get_attribute("href").rsplit("/", 1)[1]
        for a in acme.find_elements(By.CSS_SELECTOR, "li strong a")
    ]
    assert acme_ids == [late.json()["event_id"], site.events["acme"]]  # by when it happened
    assert site.events["globex"] not in acme.get_attribute("innerHTML")
    assert all("tenant globex" in li.text for li in globex.find_elements(By.TAG_NAME, "li"))
    click_link(browser, "(only this tenant)")
    assert len(browser.find_elements(By.CSS_SELECTOR, "ol.timeline")) == 1
    assert site.events["globex"] not in browser.page_source

    # quarantine: filtered by tenant and reason, one dismissed (and audited)
    receipts = {}
    for tenant in ("acme", "globex"):
        junk = f"not JSON from {tenant}".encode()
        answer = site.api.post(
            f"/ingest/breezy/{tenant}", content=junk, headers=sign("breezy", junk)
        )
        assert answer.json()["status"] == "quarantined", answer.text
        receipts[tenant] = answer.json()["receipt_id"]
    browser.get(f"{site.url}/console/quarantine")
    browser.find_element(By.NAME, "tenant").send_keys("globex")
    submit(browser, "form.filters button")
    assert receipts["globex"] in browser.page_source
    assert receipts["acme"] not in browser.page_source
    browser.get(f"{site.url}/console/quarantine?reason=no+such+reason+at+all")
    assert "No quarantined receipt matches these filters" in text_of(browser)
    browser.get(f"{site.url}/console/quarantine?provider=breezy")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(
        By.CSS_SELECTOR,
        f"form[action$='/quarantine/dismiss'] input[value='{receipts['acme']}'] ~ button",
    ).click()
    browser.switch_to.alert.accept()
    wait_until(browser, page_left(old))
    assert f"Dismissed {receipts['acme']}" in text_of(browser)
    assert f'value="{receipts["acme"]}"' not in browser.page_source
    assert receipts["globex"] in browser.page_source
    browser.get(f"{site.url}/console/audit?action=receipt.dismiss")
    assert receipts["acme"] in text_of(browser)

    # the event catalogue: every type, who emits it, its schema and an example
    browser.get(f"{site.url}/console/event-types")
    rows = browser.find_elements(By.CSS_SELECTOR, "main tbody tr")
    assert len(rows) == len(site.api.get("/v1/event-types", headers=ADMIN).json()["data"])
    click_link(browser, "ats.application.stage_changed")
    page = text_of(browser)
    assert "breezy" in page
    assert '"$defs"' in page or '"properties"' in page  # the JSON Schema
    assert '"type": "ats.application.stage_changed"' in page  # the example event
