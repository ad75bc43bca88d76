"""Every console page on a phone (390x844) and a laptop (1280x800): the page is never wider than
the screen (wide tables scroll in their own box), every navigation link and Sign out is visible,
uncovered and clickable, and axe-core finds no serious or critical accessibility violation.

``make screenshots`` runs this module with ``UNIHOOK_CONSOLE_SCREENSHOTS=docs/img/console``: the
screenshots of docs/console.md are the pages this test checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from tests.conftest import ADMIN, ADMIN_TOKEN
from tests.console.browser import axe_violations, page_left, sized_screenshot
from tests.console.conftest import Site, sign_in
from tests.console.test_browser import wait_until

SIZES = [pytest.param((390, 844), id="phone"), pytest.param((1280, 800), id="laptop")]

LAYOUT_PROBLEMS = """
const problems = [];
const width = window.innerWidth;
const page = document.documentElement.scrollWidth;
if (page > width) problems.push(`the page is ${page} px wide on a ${width} px screen`);
const skip = document.querySelector("a.skip[href='#main']");
if (!skip || !document.getElementById("main")) problems.push("no skip link to the content");
for (const el of document.querySelectorAll("header.top a, header.top button")) {
  const name = el.textContent.trim();
  el.scrollIntoView({block: "nearest", inline: "nearest"});
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) { problems.push(`${name}: not shown`); continue; }
  if (box.left < 0 || box.right > width) problems.push(`${name}: clipped at ${box.left}-${box.right}`);
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  if (!hit || !el.contains(hit)) problems.push(`${name}: covered by ${hit && hit.outerHTML.slice(0, 80)}`);
}
return problems;
"""


def operator_pages(site: Site) -> dict[str, str]:
    event = site.api.get(f"/v1/events/{site.events['acme']}", headers=ADMIN).json()
    return {
        "overview": "/console/",
        "connections": "/console/connections",
        "connection-new": "/console/connections/new",
        "connection": f"/console/connections/{site.connections['acme']}",
        "events": "/console/events",
        "event": f"/console/events/{site.events['acme']}",
        "timeline": f"/console/timeline?subject={event['subject']}",
        "timeline-search": "/console/timeline?q=a",
        "subscriptions": "/console/subscriptions",
        "subscription": f"/console/subscriptions/{site.subscriptions['acme']}",
        "streams": "/console/streams",
        "quarantine": "/console/quarantine",
        "event-types": "/console/event-types",
        "audit": "/console/audit",
        "not-found": "/console/events/evt_none",
    }


def check_page(browser: Any, name: str, size: tuple[int, int]) -> list[str]:
    wait_until(browser, lambda b: b.execute_script("return document.readyState") == "complete")
    problems = [f"{name}: {p}" for p in browser.execute_script(LAYOUT_PROBLEMS)]
    problems += [f"{name}: {p}" for p in axe_violations(browser)]
    sized_screenshot(browser, name, *size)
    return problems


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_screen_with_its_navigation_and_passes_axe(
    browser: Any, site: Site, size: tuple[int, int]
) -> None:
    browser.set_window_size(*size)
    try:
        problems: list[str] = []
        browser.delete_all_cookies()
        browser.get(f"{site.url}/console/")
        problems += check_page(browser, "sign-in", size)

        sign_in(browser, site, ADMIN_TOKEN)
        for name, path in operator_pages(site).items():
            browser.get(site.url + path)
            problems += check_page(browser, name, size)
            if name == "connections" and size[0] < 600:  # its table scrolls in its own box
                scrolls = browser.execute_script(
                    "const box = document.querySelector('main .scroll');"
                    "return box !== null && box.scrollWidth > box.clientWidth;"
                )
                if not scrolls:
                    problems.append("connections: the table does not scroll in its own box")
            heading = browser.execute_script(
                "const h = document.querySelector('main h1');"
                "return h ? parseFloat(getComputedStyle(h).fontSize) : null;"
            )
            if heading is not None and heading < 18:
                problems.append(f"{name}: the page heading is {heading} px")
            if name == "events" and not browser.find_elements(
                By.CSS_SELECTOR, "#event-rows[aria-live=polite]"
            ):
                problems.append("events: the live tail is not announced (aria-live)")

        sign_in(browser, site, site.keys["acme"])
        for name, path in {
            "tenant-overview": "/console/",
            "tenant-connection": f"/console/connections/{site.connections['acme']}",
        }.items():
            browser.get(site.url + path)
            problems += check_page(browser, name, size)
        assert not problems, "\n".join(problems)

        # the links a narrow header used to push above the page, clicked for real
        browser.get(f"{site.url}/console/quarantine")
        for label, path in (("Overview", "/console/"), ("Connections", "/console/connections")):
            page = browser.find_element(By.TAG_NAME, "html")
            browser.find_element(By.LINK_TEXT, label).click()
            wait_until(browser, page_left(page))
            assert browser.current_url == site.url + path
        sign_out = browser.find_element(By.CSS_SELECTOR, "form[action='/console/logout'] button")
        page = browser.find_element(By.TAG_NAME, "html")
        sign_out.click()
        wait_until(browser, page_left(page))
        assert browser.find_elements(By.NAME, "token")
    finally:
        browser.set_window_size(1400, 1000)
