"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by Selenium.

The browser resolves no name but loopback (``--host-resolver-rules``) and fetches nothing in
the background, so a test run sends no traffic off the machine.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("UNIHOOK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("UNIHOOK_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "console-screenshots"
DOCS_SCREENSHOTS = os.environ.get("UNIHOOK_CONSOLE_SCREENSHOTS")
"""Where ``make screenshots`` has the layout tests write the pages for docs/console.md."""
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium_or_skip() -> None:
    """Skip (with how to get one) where there is no Chromium; in CI a missing one fails."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not (shutil.which(p) or Path(p).is_file())]
    if not missing:
        return
    reason = (
        f"no headless Chromium here ({', '.join(missing)} missing): "
        "apt-get install chromium chromium-driver (bash .ci/run does)"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def start_browser(*, javascript: bool = True) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    return driver


def wait_until(browser: Any, check: Callable[[Any], Any], timeout: float = 15) -> Any:
    """Poll ``check`` until it is true. A live page replaces its parts (the event page's
    deliveries, the tail): an element found just before it was replaced is asked again."""
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, timeout, poll_frequency=0.2, ignored_exceptions=ignored).until(
        check
    )


def screenshot(driver: Any, name: str) -> Path:
    """Keep what the page looked like (``build/console-screenshots/``, not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(int(height), 800), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 1000)
    return path


def sized_screenshot(driver: Any, name: str, width: int, height: int) -> Path:
    """The whole page at ``width`` CSS pixels (``make screenshots`` sends these to the docs)."""
    folder = Path(DOCS_SCREENSHOTS) if DOCS_SCREENSHOTS else SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{width}.png"
    full = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(int(full), height), 2400))
    driver.save_screenshot(str(path))
    driver.set_window_size(width, height)
    return path


def axe_violations(driver: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """What axe-core (vendored, ``vendor/axe.min.js``) finds on the page at ``impacts``, one
    line per rule with the elements it names."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))),
                e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
        """
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {v['nodes']}"
        for v in result
        if v["impact"] in impacts
    ]


def javascript_errors(driver: Any) -> list[dict[str, Any]]:
    """The browser console's errors since the last call (reading the log empties it)."""
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def page_left(page: Any) -> Any:
    """A wait condition: true once ``page`` (an element) no longer belongs to the document.

    Selenium's ``staleness_of`` knows only ``StaleElementReferenceException``; while a
    navigation is under way chromedriver may instead answer "Node with given id does not
    belong to the document", which says the same thing.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def left(_driver: Any) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return left
