"""Writes the settings table of ``docs/operations.md`` from ``gateway.core.settings.VARIABLES``.

python -m gateway.settingsdoc            # rewrite the table (``make docs``)
python -m gateway.settingsdoc --check    # exit 1 when the table is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gateway.core.settings import settings_table

OPERATIONS_MD = Path(__file__).resolve().parent.parent / "docs" / "operations.md"
BEGIN = "<!-- settings:begin (written by `make docs` from gateway/core/settings.py) -->\n"
END = "<!-- settings:end -->\n"


def render(current: str) -> str:
    """``current`` with the text between the markers replaced by the generated table."""
    head, found, rest = current.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError("the settings markers are missing from docs/operations.md")
    return head + BEGIN + settings_table() + END + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.settingsdoc", description=__doc__)
    parser.add_argument("--output", type=Path, default=OPERATIONS_MD)
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args(argv)
    current = args.output.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{args.output} has a stale settings table: run `make docs`", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
