"""Runs the benchmarks: all of them in sequence (``make bench``), or one by name with its options.

python -m bench                              # adapters, ingest, delivery, default options
python -m bench ingest --requests 2000       # one benchmark, options passed through
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable

BENCHMARKS = ("adapters", "ingest", "delivery", "completion", "postgres", "console", "hostile")


def _entry(name: str) -> Callable[[list[str]], int] | None:
    main: Callable[[list[str]], int] | None = getattr(
        importlib.import_module(f"bench.{name}"), "main", None
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print(__doc__.strip())
        print(f"\nbenchmarks: {', '.join(BENCHMARKS)}")
        return 0
    if args:
        name, rest = args[0], args[1:]
        if name not in BENCHMARKS:
            print(
                f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr
            )
            return 2
        entry = _entry(name)
        return entry(rest) if entry is not None else 2
    status = 0
    for name in BENCHMARKS:
        entry = _entry(name)
        if entry is None:
            continue
        print(f"\n==== bench {name} ====", flush=True)
        if name == "postgres" and not (
            os.environ.get("UNIHOOK_BENCH_POSTGRES_URL")
            or os.environ.get("UNIHOOK_TEST_POSTGRES_URL")
        ):
            print("skipped: set UNIHOOK_BENCH_POSTGRES_URL to a PostgreSQL server to run it")
            continue
        status = entry([]) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
