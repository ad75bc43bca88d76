"""Figures a benchmark run records, written to a JSON file and compared with a previous run's.

Each figure has a name, a value, a unit and which way is better; ``compare`` flags those more
than ``TOLERANCE`` worse than the previous run's. Timings on a shared machine move by 10 to 15%
between sittings: a flag says "measure again, quietly", not "this commit is slower".
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

TOLERANCE = 0.10
FIGURES: list[Figure] = []


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    higher_is_better: bool


def record(name: str, value: float, unit: str, *, higher_is_better: bool) -> None:
    FIGURES.append(Figure(name, float(value), unit, higher_is_better))


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        )
        return out.stdout.strip()
    except OSError:
        return ""


def write(path: Path) -> None:
    data = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": list(os.getloadavg()),
        },
        "figures": [asdict(f) for f in FIGURES],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


def compare(previous: Path) -> list[str]:
    """Lines for every figure of this run that is more than ``TOLERANCE`` worse than before."""
    before = {f["name"]: f for f in json.loads(previous.read_text())["figures"]}
    worse = []
    for f in FIGURES:
        old = before.get(f.name)
        if old is None or not old["value"]:
            continue
        change = (f.value - old["value"]) / old["value"]
        if (-change if f.higher_is_better else change) > TOLERANCE:
            worse.append(
                f"REGRESSION {f.name}: {old['value']:,.3g} -> {f.value:,.3g} {f.unit} "
                f"({change:+.0%})"
            )
    return worse
