"""The operator's daily loop in a real headless Chromium, as a tenant: find the event a
subscriber failed and why (its answer), fix the subscription's URL, retry every failed delivery
since a time with one confirmed action, and see a refusal as an error.

Leaves screenshots in ``build/console-screenshots/``.
"""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By

from tests.console.browser import screenshot, wait_until
from tests.console.conftest import Site, sign_in, submit
from tests.delivery.receiver import Received, Receiver, Reply

BROKEN = Reply(500, headers={"x-failure": "db-down"}, body=b'{"error":"database is down"}')


def answer(request: Received) -> Reply:
    return BROKEN if request.path == "/broken" else Reply()


def test_find_a_failure_fix_the_url_and_recover_it(browser: Any, site: Site) -> None:
    headers = {"Authorization": f"Bearer {site.keys['acme']}"}
    with Receiver(decide=answer) as receiver:
        base = f"http://127.0.0.1:{receiver.port}"
        made = site.api.post(
            "/v1/subscriptions",
            json={"url": f"{base}/broken", "events": ["ats.*"], "description": "ops"},
            headers=headers,
        )
        assert made.status_code == 201, made.text
        sub_id = made.json()["id"]
        event_id = site.ingest("acme", vendor_type="candidateAdded")

        def failed() -> bool:
            listed = site.api.get(
                f"/v1/subscriptions/{sub_id}/deliveries",
                params={"status": "failed"},
                headers=headers,
            )
            return bool(listed.json()["data"])

        sign_in(browser, site, site.keys["acme"])
        wait_until(browser, lambda _b: failed())

        # what failed? the events list, filtered to this subscription's failures
        browser.get(f"{site.url}/console/events?delivery=failed&subscription={sub_id}")
        rows = browser.find_elements(By.CSS_SELECTOR, "#event-rows tr")
        assert [r.find_element(By.TAG_NAME, "a").get_attribute("href") for r in rows] == [
            f"{site.url}/console/events/{event_id}"
        ]
        assert "failed" in rows[0].find_element(By.CSS_SELECTOR, ".delivery-states").text
        screenshot(browser, "events-failed")

        # why: the attempt's request (signed) and the subscriber's answer, failed attempts too
        rows[0].find_element(By.TAG_NAME, "a").click()
        wait_until(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "details.attempt"))
        panel = next(
            p
            for p in browser.find_elements(By.CSS_SELECTOR, "#deliveries .panel")
            if "/broken" in p.text
        )
        first = panel.find_element(By.CSS_SELECTOR, "details.attempt")
        first.find_element(By.TAG_NAME, "summary").click()
        opened = first.text
        assert "webhook-signature" in opened
        assert f"webhook-id {event_id}" in opened
        assert '"type":"ats.application.created"' in opened.replace(" ", "")
        assert "x-failure db-down" in opened
        assert '{"error":"database is down"}' in opened
        sent = [r for r in receiver.received("/broken") if r.headers["webhook-id"] == event_id]
        assert sent[0].headers["webhook-signature"] in opened  # the signature that was sent
        browser.execute_script("arguments[0].scrollIntoView()", first)
        screenshot(browser, "event-attempt-inspected")

        # the subscription says it is failing, with deliveries (not attempts) counted
        browser.get(f"{site.url}/console/subscriptions/{sub_id}")
        assert browser.find_element(By.CSS_SELECTOR, "p.lead .badge").text == "failing"
        health = browser.find_element(By.CSS_SELECTOR, ".health-deliveries").text
        assert "1 failed" in health
        screenshot(browser, "subscription-failing")

        # fix the URL: a refused pattern keeps what was typed and names the pattern
        submit(browser, "a[href$='/edit']")
        url_field = browser.find_element(By.NAME, "url")
        url_field.clear()
        url_field.send_keys(f"{base}/fixed")
        events = browser.find_element(By.NAME, "events")
        events.clear()
        events.send_keys("ats.* ats.nothing.*")
        submit(browser, "#edit-subscription button")
        assert "Invalid events: ats.nothing.*" in browser.find_element(By.ID, "form-error").text
        assert browser.find_element(By.NAME, "url").get_attribute("value") == f"{base}/fixed"
        events = browser.find_element(By.NAME, "events")
        events.clear()
        events.send_keys("ats.*")
        submit(browser, "#edit-subscription button")
        assert browser.find_element(By.CSS_SELECTOR, "p.notice").text == "Saved."
        assert f"{base}/fixed" in browser.find_element(By.TAG_NAME, "h1").text

        # retry failed since ...: the count first, then one confirmed action
        browser.find_element(By.CSS_SELECTOR, "#recover-form input[name=since]").send_keys(
            "2000-01-01T00:00:00Z"
        )
        submit(browser, "#recover-form button")
        assert (
            "1 failed delivery will be sent again"
            in browser.find_element(By.ID, "recover-confirm").text
        )
        screenshot(browser, "recover-confirm")
        submit(browser, "#recover-confirm button")
        assert (
            "Queued 1 failed delivery again."
            in browser.find_element(By.CSS_SELECTOR, "p.notice").text
        )
        wait_until(browser, lambda _b: receiver.received("/fixed"))
        assert receiver.received("/fixed")[0].headers["webhook-id"] == event_id

        # a refused replay is an error, not a green success
        browser.find_element(
            By.CSS_SELECTOR, "form[action$='/replay'] input[name=since]"
        ).send_keys("2000-01-01T00:00:00Z")
        submit(browser, "form[action$='/replay'] button")
        refusal = browser.find_element(By.CSS_SELECTOR, "p.error[role=alert]").text
        assert refusal.startswith("Not replayed:")
        assert not browser.find_elements(By.CSS_SELECTOR, "p.notice")
        screenshot(browser, "replay-refused")
