"""Alembic's command line on this package's scripts, e.g.
``python -m gateway.storage.migrations revision --autogenerate -m "add a column"``."""

from __future__ import annotations

import sys

from alembic.config import CommandLine

from gateway.storage.migrations import alembic_config


def main(argv: list[str] | None = None) -> None:
    cli = CommandLine(prog="python -m gateway.storage.migrations")
    options = cli.parser.parse_args(argv if argv is not None else sys.argv[1:])
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    cli.run_cmd(alembic_config(), options)


if __name__ == "__main__":
    main()
