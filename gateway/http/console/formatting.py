"""Jinja filters and globals: times the browser shows in its own zone, JSON, icons."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.filters import do_urlencode
from markupsafe import Markup, escape

from gateway import __version__

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _moment(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def when(value: Any) -> Markup:
    """A ``<time>`` in UTC text; console.js rewrites the text in the viewer's zone and the
    title keeps the UTC value (so it reads right with JavaScript off, too)."""
    moment = _moment(value)
    if moment is None:
        return NEVER
    utc = moment.astimezone(UTC)
    iso = utc.isoformat().replace("+00:00", "Z")
    text = f"{iso[:10]} {iso[11:19]} UTC"
    # Both texts are a datetime's digits and separators, with nothing to escape: formatted
    # straight into the markup (``Markup.format`` escapes each argument, and a page of 50 events
    # spent a third of its rendering on that).
    return Markup(f'<time datetime="{iso}" title="{text}">{text}</time>')  # noqa: S704


NEVER = Markup('<span class="muted">never</span>')


def pretty_json(value: Any) -> str:
    """Indented JSON text of a decoded value or of raw JSON bytes (shown as text otherwise)."""
    if isinstance(value, bytes | bytearray):
        try:
            value = msgspec.json.decode(value)
        except msgspec.DecodeError:
            return bytes(value).decode("utf-8", "replace")
    return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def millis(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.0f} s"
    if value >= 1000:
        return f"{value / 1000:.1f} s"
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def icon(name: str, label: str | None = None) -> Markup:
    """An icon from the vendored sprite; decorative unless ``label`` is given."""
    aria = f' role="img" aria-label="{escape(label)}"' if label else ' aria-hidden="true"'
    return Markup(  # noqa: S704 - both values are escaped
        f'<svg class="icon"{aria} width="16" height="16">'
        f'<use href="/console/static/icons.svg#{escape(name)}"></use></svg>'
    )


_NOTHING_TO_QUOTE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what Jinja's urlencode leaves as it is


def urlencode(value: Any) -> str:
    """Jinja's ``urlencode``, answering at once for text with nothing to quote (the ids,
    subjects and tenants the pages link by), which Jinja's filter runs through ``urllib``'s
    quoting every time: 2 to 3 us a link, and a search page has a hundred."""
    if isinstance(value, str) and _NOTHING_TO_QUOTE.fullmatch(value):
        return value
    return do_urlencode(value)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # package files: no stat of each template on every page
    )
    env.filters.update(
        when=when, pretty_json=pretty_json, percent=percent, millis=millis, urlencode=urlencode
    )
    env.globals.update(icon=icon, version=__version__)
    return env
