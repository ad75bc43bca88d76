"""The ``unihook`` command line."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from providers import default_registry

    for item in default_registry():
        print(item.name, item.distribution, item.version)
    return 0
