"""The package as a user gets it: the wheel's metadata and console script, and the pinned lock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = ROOT / "requirements" / "dev.lock"


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _declared() -> set[str]:
    project = PYPROJECT["project"]
    names = {_name(r) for r in project["dependencies"]}
    names |= {_name(r) for r in project["optional-dependencies"]["otel"]}
    for group in PYPROJECT["dependency-groups"].values():
        names |= {_name(r) for r in group if isinstance(r, str)}
    return names


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def test_the_lock_pins_every_declared_dependency() -> None:
    missing = _declared() - set(_locked())
    assert not missing, f"{sorted(missing)} not in requirements/dev.lock: run `make lock`"


def test_the_lock_pins_exact_versions_only() -> None:
    lines = [
        line
        for line in LOCK.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    loose = [line for line in lines if "==" not in line.split("#", 1)[0]]
    assert lines
    assert not loose


def test_the_licence_is_an_spdx_expression_with_its_text_shipped() -> None:
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def _run(cmd: list[str | os.PathLike[str]], cwd: Path, **env: str) -> str:
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env},
        check=False,
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_wheel_installs_into_a_fresh_venv_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    out = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT], cwd=tmp_path
    )
    assert "warning" not in out.lower().replace("byte-compiling is disabled", "")
    (wheel,) = dist.glob("unihook-*.whl")
    (sdist,) = dist.glob("unihook-*.tar.gz")
    assert sdist.stat().st_size > 0

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(f"{info}/METADATA").decode()
        entry_points = zf.read(f"{info}/entry_points.txt").decode()
    assert "License-Expression: Apache-2.0" in metadata
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if n.split("/")[0] in {"tests", "docs", "bench", "examples"}]
    assert any(re.match(r"gateway/(.+/)?migrations/versions/0001_", n) for n in names)
    assert "gateway/http/static/swagger-ui/swagger-ui-bundle.js" in names
    assert "unihook = gateway.cli:main" in entry_points
    for vendor, target in PYPROJECT["project"]["entry-points"]["unihook.providers"].items():
        assert f"{vendor} = {target}" in entry_points

    venv = tmp_path / "venv"
    # without pip: uv installs the wheel, and ensurepip alone took 5 s of CPU
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    uv = Path(sys.executable).with_name("uv")
    _run([uv, "pip", "install", "--quiet", "--python", python, "-c", LOCK, wheel], cwd=tmp_path)

    home = tmp_path / "home"  # away from the checkout, so only the installed copy imports
    home.mkdir()
    assert _run([venv / "bin" / "unihook", "--version"], cwd=home).strip() == (
        f"unihook {PYPROJECT['project']['version']}"
    )
    listing = _run([venv / "bin" / "unihook", "providers"], cwd=home, NO_COLOR="1")
    vendors = PYPROJECT["project"]["entry-points"]["unihook.providers"]
    assert f"{len(vendors)} providers loaded" in listing
    for vendor in vendors:
        assert re.search(rf"^{vendor}  \(", listing, re.MULTILINE), listing
    origin = _run([python, "-c", "import gateway; print(gateway.__file__)"], cwd=home)
    assert origin.startswith(str(venv)), origin
