"""Output for people: aligned tables, colour only when writing to a terminal."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def use_colour(stream: TextIO = sys.stdout) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


def paint(text: str, style: str, stream: TextIO = sys.stdout) -> str:
    if not use_colour(stream):
        return text
    return f"\033[{_CODES[style]}m{text}\033[0m"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Sequence[str | None] | None = None,
    stream: TextIO = sys.stdout,
    *,
    row_style: Callable[[Sequence[str]], str | None] | None = None,
    styled_column: int = 1,
) -> None:
    """Print rows under headers, columns aligned. On a TTY, ``styles`` colours whole columns and
    ``row_style`` (a style per row) colours that row's ``styled_column``."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    line = "  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True))
    print(paint(line.rstrip(), "dim", stream), file=stream)
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = cell.ljust(widths[i])
            style = styles[i] if styles else None
            if row_style is not None and i == styled_column:
                style = row_style(row) or style
            cells.append(paint(text, style, stream) if style else text)
        print("  ".join(cells).rstrip(), file=stream)
