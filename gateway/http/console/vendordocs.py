"""A vendor's set-up guide from ``docs/vendors/<name>.md``, rendered for the connection page."""

from __future__ import annotations

import functools
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup

DOCS = Path(__file__).resolve().parents[3] / "docs" / "vendors"
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@functools.lru_cache(maxsize=64)
def setup_guide(provider: str) -> Markup | None:
    """The guide as HTML (raw HTML in the Markdown is escaped), or None where there is none:
    a plugin vendor, or an installed package without the source tree's ``docs/``."""
    if not provider.replace("-", "").replace("_", "").isalnum():
        return None
    path = DOCS / f"{provider}.md"
    if not path.is_file():
        return None
    return Markup(_markdown.render(path.read_text(encoding="utf-8")))  # noqa: S704  # html=False escapes any HTML in the file
