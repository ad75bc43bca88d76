"""The API docs at /schema work offline: a real gateway serves the page and every asset itself."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests.gateway.test_live import Gateway
from tests.gateway.test_live import gateway as live_gateway
from tests.gateway.test_live import workdir as live_workdir

gateway, workdir = live_gateway, live_workdir


class _References(HTMLParser):
    """Every URL the page makes a browser load: script src, link href, img src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.urls.append(value)


def _references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def test_the_page_and_each_asset_come_from_the_gateway(gateway: Gateway) -> None:
    with httpx.Client(base_url=gateway.url, timeout=10) as http:
        page = http.get("/schema")
        document = http.get("/schema/openapi.json")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert document.status_code == 200
        # outside the OpenAPI document it embeds, the page names no other site at all
        assert document.text in page.text
        assert not re.search(r"\w+://|//[\w.-]+\.\w", page.text.replace(document.text, ""))

        urls = _references(page.text)
        assert len(urls) >= 3  # Swagger UI's script, its preset and its stylesheet
        for url in urls:
            assert url.startswith("/"), url
            assert not url.startswith("//"), url
            asset = http.get(url)
            assert asset.status_code == 200, url
            assert asset.content, url
            if url.endswith(".css"):
                nested = re.findall(r"url\(\s*['\"]?([^'\")]+)", asset.text)
                assert all(u.startswith("data:") for u in nested), nested
        assert http.get("/schema/static/swagger-ui-bundle.js").headers["cache-control"]
        assert http.get("/schema/static/missing.js").status_code == 404
        assert http.get("/schema/static/..%2f..%2fapp.py").status_code == 404


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed")
    return found


@pytest.mark.slow
def test_a_browser_without_network_renders_the_operations(
    gateway: Gateway, chromium: str, tmp_path: Path
) -> None:
    """Every name resolves to nothing and every non-loopback request goes to a dead proxy."""
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={tmp_path}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            f"{gateway.url}/schema",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'class="swagger-ui' in dom
    for path in [
        "/v1/connections",
        "/v1/events",
        "/v1/subscriptions",
        "/ingest/{provider}/{tenant}",
    ]:
        assert f'data-path="{path}"' in dom, path
