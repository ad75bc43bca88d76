"""The console in a real headless Chromium: sign-in, the tenant portal's walls, the live tail,
redelivery to a real receiver, a subscription's secret shown once, CSRF, and no script errors.

Each test leaves a screenshot in ``build/console-screenshots/``.
"""

from __future__ import annotations

import re
import time
from typing import Any

from selenium.webdriver.common.by import By
from standardwebhooks import Webhook

from tests.conftest import ADMIN_TOKEN
from tests.console.browser import (
    javascript_errors,
    page_left,
    screenshot,
    start_browser,
    wait_until,
)
from tests.console.conftest import Site, sign_in, submit
from tests.gateway.helpers import sign


def text_of(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def test_a_page_without_a_session_is_the_sign_in_form(signed_out: Any, site: Site) -> None:
    signed_out.get(f"{site.url}/console/events")
    assert signed_out.current_url == f"{site.url}/console/?next=%2Fconsole%2Fevents"
    assert signed_out.find_element(By.NAME, "token").get_attribute("type") == "password"
    screenshot(signed_out, "sign-in")


def test_sign_in_with_a_bad_token_then_the_admin_token_then_sign_out(
    signed_out: Any, site: Site
) -> None:
    signed_out.get(f"{site.url}/console/")
    signed_out.find_element(By.NAME, "token").send_keys("not-a-token")
    submit(signed_out, "form[action='/console/login'] button")
    assert "not a valid admin token or API key" in text_of(signed_out)

    signed_out.find_element(By.NAME, "token").send_keys(ADMIN_TOKEN)
    submit(signed_out, "form[action='/console/login'] button")
    assert "Overview" in text_of(signed_out)
    assert "operator" in text_of(signed_out)
    session = signed_out.get_cookie("unihook_console")
    assert session is not None
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Strict"
    screenshot(signed_out, "overview")

    submit(signed_out, "form[action='/console/logout'] button")
    assert signed_out.find_elements(By.NAME, "token")
    assert signed_out.get_cookie("unihook_console") is None
    signed_out.get(f"{site.url}/console/subscriptions")
    assert signed_out.current_url == f"{site.url}/console/?next=%2Fconsole%2Fsubscriptions"


def test_a_tenant_session_sees_only_its_tenant_even_by_typing_urls(
    browser: Any, site: Site
) -> None:
    sign_in(browser, site, site.keys["acme"])
    assert "tenant acme" in text_of(browser)
    for page in ("connections", "events", "subscriptions"):
        browser.get(f"{site.url}/console/{page}")
        source = browser.page_source
        assert site.connections["globex"] not in source
        assert site.events["globex"] not in source
        assert site.subscriptions["globex"] not in source
        assert "globex" not in text_of(browser)
    browser.get(f"{site.url}/console/events")
    assert site.events["acme"] in browser.page_source
    screenshot(browser, "tenant-portal-events")

    for url in (
        f"/console/connections/{site.connections['globex']}",
        f"/console/events/{site.events['globex']}",
        f"/console/subscriptions/{site.subscriptions['globex']}",
        "/console/timeline?subject=application/none",
    ):
        browser.get(site.url + url)
        if "timeline" in url:
            continue
        assert "Not found" in text_of(browser), url
        assert "globex" not in browser.page_source
    browser.get(f"{site.url}/console/events/{site.events['globex']}")
    screenshot(browser, "tenant-portal-not-found")


def test_the_live_tail_shows_an_event_ingested_while_the_page_is_open(
    browser: Any, site: Site
) -> None:
    sign_in(browser, site, ADMIN_TOKEN)
    browser.get(f"{site.url}/console/events")
    wait_until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#tail[hx-get]"))
    time.sleep(0.5)  # the page's first poll is on its way
    event_id = site.ingest("acme", vendor_type="candidateAdded")
    wait_until(
        browser,
        lambda b: b.find_elements(
            By.CSS_SELECTOR, f"#event-rows a[href='/console/events/{event_id}']"
        ),
    )
    rows = browser.find_elements(By.CSS_SELECTOR, "#event-rows tr")
    assert event_id in rows[0].get_attribute("innerHTML")
    when = rows[0].find_element(By.TAG_NAME, "time")
    wait_until(browser, lambda b: when.get_attribute("data-local") is not None)
    assert when.get_attribute("title").endswith(" UTC")  # UTC on hover, local in the text
    screenshot(browser, "events-live-tail")


def test_redeliver_from_the_event_page_makes_a_new_attempt_at_the_receiver(
    browser: Any, site: Site
) -> None:
    sign_in(browser, site, ADMIN_TOKEN)
    event_id = site.ingest("acme", vendor_type="candidateAdded")
    path = "/hook/acme"

    def deliveries_to_receiver() -> list[Any]:
        return [r for r in site.receiver.received(path) if r.headers.get("webhook-id") == event_id]

    wait_until(browser, lambda b: len(deliveries_to_receiver()) == 1)
    browser.get(f"{site.url}/console/events/{event_id}")
    wait_until(browser, lambda b: "succeeded" in b.find_element(By.ID, "deliveries").text)
    assert "Raw vendor payload" in text_of(browser)
    screenshot(browser, "event")

    submit(browser, "form[action$='/redeliver'] button")
    assert "Queued 1 new delivery" in text_of(browser)
    wait_until(browser, lambda b: len(deliveries_to_receiver()) == 2)
    wait_until(
        browser,
        lambda b: (
            len(b.find_elements(By.CSS_SELECTOR, "#deliveries .panel")) == 2
            and b.find_element(By.ID, "deliveries").text.count("succeeded") == 2
        ),
    )
    screenshot(browser, "event-redelivered")


def test_a_new_subscription_shows_its_secret_once_and_it_signs_deliveries(
    browser: Any, site: Site
) -> None:
    sign_in(browser, site, site.keys["globex"])
    browser.get(f"{site.url}/console/subscriptions")
    screenshot(browser, "subscriptions")
    browser.find_element(By.NAME, "url").send_keys(f"{site.receiver.url}/fresh")
    browser.find_element(By.CSS_SELECTOR, "input[name=events][value='ats.application.*']").click()
    submit(browser, "form[action='/console/subscriptions'] button")
    secret = browser.find_element(By.ID, "secret").get_attribute("value")
    assert secret.startswith("whsec_")
    screenshot(browser, "subscription-secret")

    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.LINK_TEXT, "Done: open the subscription").click()
    wait_until(browser, page_left(page))
    assert "/console/subscriptions/sub_" in browser.current_url
    page_url = browser.current_url
    assert secret not in browser.page_source
    browser.get(f"{site.url}/console/subscriptions")
    assert secret not in browser.page_source

    event_id = site.ingest("globex", vendor_type="candidateAdded")
    wait_until(browser, lambda b: site.receiver.received("/hook/fresh"))
    got = site.receiver.received("/hook/fresh")[0]
    assert got.headers["webhook-id"] == event_id
    Webhook(secret).verify(got.body, got.headers)  # raises unless the shown secret signed it
    browser.get(page_url)
    submit(browser, "form[action$='/test'] button")
    assert "answered 200" in text_of(browser)
    probe = site.receiver.received("/hook/fresh")[-1]
    assert b'"type":"connection.test"' in probe.body
    Webhook(secret).verify(probe.body, probe.headers)
    screenshot(browser, "subscription")


def test_posts_without_the_csrf_token_are_refused(browser: Any, site: Site) -> None:
    sign_in(browser, site, site.keys["acme"])
    browser.get(f"{site.url}/console/subscriptions/{site.subscriptions['acme']}")
    status = browser.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        fetch(arguments[0], {method: "POST", body: new URLSearchParams({}),
                             credentials: "same-origin", redirect: "manual"})
          .then(r => done(r.status), e => done(String(e)));
        """,
        f"/console/subscriptions/{site.subscriptions['acme']}/pause",
    )
    assert status == 403
    browser.refresh()
    assert "paused" not in browser.find_element(By.CSS_SELECTOR, "p.lead").text


def test_no_page_logs_a_javascript_error(browser: Any, site: Site) -> None:
    sign_in(browser, site, ADMIN_TOKEN)
    javascript_errors(browser)
    pages = {
        "overview": "/console/",
        "connections": "/console/connections",
        "connection": f"/console/connections/{site.connections['acme']}",
        "events": "/console/events",
        "event-detail": f"/console/events/{site.events['acme']}",
        "timeline-search": "/console/timeline?q=a",
        "subscription-detail": f"/console/subscriptions/{site.subscriptions['acme']}",
        "quarantine": "/console/quarantine",
    }
    for name, path in pages.items():
        browser.get(site.url + path)
        time.sleep(0.3)  # htmx has loaded and run its first triggers
        assert not javascript_errors(browser), (name, javascript_errors(browser))
        if name != "overview":
            screenshot(browser, name)
    browser.get(f"{site.url}/console/events/{site.events['acme']}")
    link = browser.find_element(By.CSS_SELECTOR, "dl.facts a[href^='/console/timeline?subject=']")
    page = browser.find_element(By.TAG_NAME, "html")
    link.click()
    wait_until(browser, page_left(page))
    assert "/console/timeline?subject=" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "ol.timeline li")
    screenshot(browser, "timeline")
    assert not javascript_errors(browser)


def test_the_action_buttons_carry_the_session_csrf_token(browser: Any, site: Site) -> None:
    sign_in(browser, site, site.keys["acme"])
    page = f"{site.url}/console/subscriptions/{site.subscriptions['acme']}"
    browser.get(page)
    submit(browser, "form[action$='/pause'] button")
    assert "Paused" in text_of(browser)
    assert browser.find_element(By.CSS_SELECTOR, "p.lead .badge").text == "paused"
    submit(browser, "form[action$='/resume'] button")
    assert browser.find_element(By.CSS_SELECTOR, "p.lead .badge").text == "active"

    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/rotate'] button").click()
    browser.switch_to.alert.accept()  # the page asks before making a new secret
    wait_until(browser, page_left(old))
    assert browser.find_element(By.ID, "secret").get_attribute("value").startswith("whsec_")

    body = b"this is not JSON"
    quarantined = site.api.post("/ingest/breezy/acme", content=body, headers=sign("breezy", body))
    assert quarantined.json()["status"] == "quarantined", quarantined.text
    browser.get(f"{site.url}/console/quarantine")
    assert quarantined.json()["receipt_id"] in browser.page_source
    screenshot(browser, "quarantine-receipt")
    submit(
        browser,
        "form[action$='/quarantine/reprocess'] input[value='"
        + quarantined.json()["receipt_id"]
        + "'] ~ button",
    )
    assert "1 still quarantined" in text_of(browser)


def test_pages_read_and_forms_work_with_javascript_off(site: Site) -> None:
    browser = start_browser(javascript=False)
    try:
        sign_in(browser, site, site.keys["acme"])
        browser.get(f"{site.url}/console/events")
        assert site.events["acme"] in browser.page_source
        first_time = browser.find_element(By.CSS_SELECTOR, "#event-rows time")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", first_time.text)
        assert first_time.get_attribute("data-local") is None  # no script made it local
        browser.get(f"{site.url}/console/events/{site.events['acme']}")
        assert "Canonical event" in text_of(browser)
        assert "succeeded" in browser.find_element(By.ID, "deliveries").text
        copy = browser.find_elements(By.CSS_SELECTOR, "[data-copy]")
        assert all(not button.is_displayed() for button in copy)
        browser.get(f"{site.url}/console/subscriptions/{site.subscriptions['acme']}")
        submit(browser, "form[action$='/pause'] button")
        assert browser.find_element(By.CSS_SELECTOR, "p.lead .badge").text == "paused"
        submit(browser, "form[action$='/resume'] button")
        screenshot(browser, "subscription-without-javascript")
    finally:
        browser.quit()
