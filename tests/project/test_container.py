"""The Dockerfile and compose.yaml: linted by hadolint, and the essentials a deploy relies on."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    joined = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def _final_stage() -> list[tuple[str, str]]:
    steps = _instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def _hadolint() -> str | None:
    beside = Path(sys.executable).with_name("hadolint")
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_passes() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (the lint dependency group has it on Linux x86-64)")
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_hadolint_fails_a_bad_dockerfile(tmp_path: Path) -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN cd /src && pip install .\n")
    done = subprocess.run([hadolint, "--no-color", str(bad)], capture_output=True, text=True)
    assert done.returncode != 0
    assert "DL3007" in done.stdout  # the latest tag


def test_the_image_is_multi_stage_and_runs_serve_as_a_non_root_user() -> None:
    steps = _instructions()
    assert sum(word == "FROM" for word, _ in steps) >= 2
    final = _final_stage()
    assert any(word == "COPY" and args.startswith("--from=build ") for word, args in final)
    users = [args for word, args in final if word == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert ("ENTRYPOINT", '["unihook"]') in final
    assert ("CMD", '["serve"]') in final
    env = " ".join(args for word, args in final if word == "ENV")
    assert "UNIHOOK_HOST=0.0.0.0" in env  # reachable from outside the container


def test_the_healthcheck_asks_healthz() -> None:
    (check,) = [args for word, args in _final_stage() if word == "HEALTHCHECK"]
    assert "CMD" in shlex.split(check)
    assert "/healthz" in check


def test_dockerignore_keeps_local_state_out() -> None:
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    lines = [s.strip() for s in text.splitlines() if s.strip() and not s.startswith("#")]
    assert lines[0] == "*"  # deny everything, then allow what the build copies
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = {
        part.rstrip("/")
        for word, args in _instructions()
        if word == "COPY" and not args.startswith("--from")
        for part in args.split()[:-1]
    }
    assert copied <= allowed
    assert not allowed & {".git", ".venv", "tests", "unihook.db"}


def _compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_postgres_two_gateways_and_a_worker() -> None:
    services = _compose()["services"]
    commands = [s.get("command", []) for s in services.values()]
    assert sum(c[:1] == ["serve"] for c in commands) == 2
    assert sum(c[:1] == ["worker"] for c in commands) == 1
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    for name, service in services.items():
        if name == "postgres":
            continue
        env = service["environment"]
        assert env["UNIHOOK_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert "@postgres:5432/" in env["UNIHOOK_DATABASE_URL"]
        # every process shares one key and one admin token, which the operator must supply
        assert env["UNIHOOK_SECRET_KEY"].startswith("${UNIHOOK_SECRET_KEY:?")
        assert env["UNIHOOK_ADMIN_TOKEN"].startswith("${UNIHOOK_ADMIN_TOKEN:?")
        assert service["build"] == "."


def test_compose_publishes_only_on_loopback() -> None:
    for service in _compose()["services"].values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port


def test_compose_migrates_before_the_gateways_start() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in services.values():
        if service.get("command", [""])[0] in {"serve", "worker"}:
            condition = service["depends_on"]["migrate"]["condition"]
            assert condition == "service_completed_successfully"
