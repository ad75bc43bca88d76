"""Runs the benchmarks: all of them in sequence (``make bench``), or one by name with its options.

python -m bench                              # every benchmark, shortened to fit ten minutes
python -m bench ingest --requests 2000       # one benchmark, options passed through

Run all together, the longest benchmarks take shorter options (``SWEEP``: one round where they
alternate rounds, smaller backlogs and tables), so that the whole sweep fits in ten minutes on a
2-core machine; its figures are compared with the previous sweep's, like with like. Run one by
name for its full figures.

A run of them all writes its figures to ``bench-results.json`` (one benchmark: to
``bench-results.<name>.json``) (``UNIHOOK_BENCH_RESULTS`` to
choose the file) and, when that file was there already, first compares the new figures with
it and prints each more than 10% worse (``bench.results``).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from collections.abc import Callable

BENCHMARKS = (
    "adapters",
    "ingest",
    "delivery",
    "completion",
    "postgres",
    "console",
    "hostile",
    "claims",
    "events",
    "erasure",
)


# What each benchmark is given in the sweep of them all (the rest take their defaults): on a
# loaded 2-core machine the defaults took 29 minutes in all, these four 23 of them. Much of what
# is left is fixed: servers and brokers starting, a read API answering in 100 ms.
SWEEP = {
    "delivery": ["--scale", "0.3", "--backlog", "100000"],
    "completion": ["--rounds", "1", "--requests", "3000", "--events", "150"],
    "hostile": ["--rounds", "1"],
    "events": ["--events", "50000", "--requests", "100"],
}


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
        if entry is None:
            return 2
        status = entry(rest)
        _results(f"bench-results.{name}.json")
        return status
    status = 0
    took: dict[str, float] = {}
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
        started = time.monotonic()
        try:
            status = entry(SWEEP.get(name, [])) or status
        except Exception as exc:  # one benchmark failing must not cost the others' figures
            traceback.print_exc()
            print(f"bench {name} failed: {exc}", flush=True)
            status = 1
        took[name] = time.monotonic() - started
    print("\n==== time taken ====")
    for name, seconds in took.items():
        print(f"{name:<12}{seconds:7.0f} s")
    print(f"{'all':<12}{sum(took.values()):7.0f} s")
    _results("bench-results.json")
    return status


def _results(default: str) -> None:
    from pathlib import Path

    from bench import results

    if not results.FIGURES:
        return
    path = Path(os.environ.get("UNIHOOK_BENCH_RESULTS", default))
    if path.exists():
        worse = results.compare(path)
        print(f"\n==== against the previous run ({path}) ====")
        print("\n".join(worse) if worse else "no figure more than 10% worse")
        path.rename(path.with_suffix(".previous.json"))
    results.write(path)
    print(f"figures written to {path}")


if __name__ == "__main__":
    sys.exit(main())
