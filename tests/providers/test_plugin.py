"""A third-party adapter is found through its entry-point metadata alone, and the kit judges it.

The example package in ``examples/unihook-example-adapter`` is installed into a directory of its
own (its package plus the metadata setuptools writes from its ``pyproject.toml``), never imported
by path: unihook sees it only because that directory is on ``sys.path``. The conformance kit is
then shown to pass it and to fail deliberately broken adapters, test by test.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.pool import NullPool

from gateway.core.settings import Settings
from gateway.http.app import create_app
from gateway.runtime import Runtime
from providers.registry import default_registry, load_registry
from tests.conftest import ADMIN

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "unihook-example-adapter"
DIST = "unihook-example-adapter"
MODULE = "unihook_example_adapter"


def _write_dist_info(site: Path) -> None:
    """What an installer writes, from the pyproject, for interpreters without setuptools."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    info = site / f"{MODULE}-{project['version']}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    lines = []
    for group, entries in project["entry-points"].items():
        lines.append(f"[{group}]")
        lines += [f"{name} = {value}" for name, value in entries.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the installed example: its package and its entry-point metadata."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(EXAMPLE / "src" / MODULE, site / MODULE)
    if importlib.util.find_spec("setuptools") is None:
        _write_dist_info(site)
        return site
    # setuptools itself reads the example's pyproject.toml (a copy: nothing is written in the
    # work tree) and writes the metadata, as `pip install` would, but offline and without `wheel`.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(
        EXAMPLE,
        source,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".pytest_cache"),
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import setuptools; setuptools.setup()",
            "-q",
            "egg_info",
            "--egg-base",
            str(site),
        ],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return site


def _env(site: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
    }


def test_metadata_declares_the_entry_point(site: Path) -> None:
    (dist,) = list(importlib.metadata.distributions(path=[str(site)]))
    assert dist.metadata["Name"] == DIST
    assert dist.version == "0.1.0"
    eps = dist.entry_points.select(group="unihook.providers")
    assert [(ep.name, ep.value) for ep in eps] == [("example", f"{MODULE}:adapter")]


def test_registry_loads_it_with_distribution_and_version(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builtins = load_registry()
    if "example" in builtins:
        pytest.skip("the example adapter is installed in this environment; uninstall it")
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    monkeypatch.syspath_prepend(str(site))
    registry = load_registry()
    monkeypatch.delitem(sys.modules, MODULE)  # loaded by the registry, from the site directory

    loaded = registry.info("example")
    assert (loaded.distribution, loaded.version) == (DIST, "0.1.0")
    assert loaded.entry_point == f"{MODULE}:adapter"
    assert type(loaded.adapter).__module__ == MODULE
    assert loaded.adapter.display_name == "Examplehire"
    assert registry.names() == sorted([*builtins.names(), "example"])
    assert registry.emitters("ats.candidate.hired") == sorted(
        [*builtins.emitters("ats.candidate.hired"), "example"]
    )


def test_unihook_providers_lists_it(site: Path) -> None:
    unihook = Path(sys.executable).with_name("unihook")
    cmd = [str(unihook)] if unihook.exists() else [sys.executable, "-m", "gateway.cli"]
    out = subprocess.run(
        [*cmd, "providers"], env=_env(site), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert f"example  (Examplehire, ats) {DIST} 0.1.0" in out.stdout
    assert "X-Examplehire-Signature" in out.stdout
    assert re.search(r"application\.stage_moved\s+ats\.application\.stage_changed", out.stdout)
    assert f"{len(default_registry().names()) + 1} providers loaded" in out.stdout


def test_its_own_conformance_tests_pass(site: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:asyncio",
            "tests",
        ],
        cwd=EXAMPLE,
        env=_env(site),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    # Every kit check ran for its three vendor types and none failed: the adapter checks, the
    # package's own two tests and the provisioner suite (pause and resume skipped: Examplehire's
    # API cannot pause).
    ran = re.search(r"^(\d+) passed, 1 skipped in", out.stdout, re.MULTILINE)
    assert ran is not None, out.stdout[-3000:]
    assert int(ran.group(1)) >= 100, out.stdout[-3000:]


# ---- the kit fails broken adapters, with the right tests -------------------------------------

BROKEN = f"""
import json

from providers.testing import get_adapter_test_class
from {MODULE} import ExamplehireAdapter


class TrustsEveryone(ExamplehireAdapter):
    def verify(self, raw_body, headers, secrets):
        return True


class MapsToAnUncataloguedType(ExamplehireAdapter):
    event_types = {{
        "application.submitted": "ats.application.created",
        "application.stage_moved": "ats.application.stage_changed",
        "candidate.hired": "ats.candidate.onboarded",
    }}


class LeaksKeyError(ExamplehireAdapter):
    def normalize(self, raw_body, *, received_at):
        json.loads(raw_body)["event"]
        return super().normalize(raw_body, received_at=received_at)


class ForgetsASample(ExamplehireAdapter):
    def sample_payloads(self):
        samples = dict(super().sample_payloads())
        del samples["candidate.hired"]
        return samples


TestGood = get_adapter_test_class(ExamplehireAdapter())
TestTrustsEveryone = get_adapter_test_class(TrustsEveryone())
TestUncatalogued = get_adapter_test_class(MapsToAnUncataloguedType())
TestLeaksKeyError = get_adapter_test_class(LeaksKeyError())
TestForgetsASample = get_adapter_test_class(ForgetsASample())
"""


def test_the_kit_fails_broken_adapters(pytester: pytest.Pytester, site: Path) -> None:
    pytester.syspathinsert(site)
    pytester.makepyfile(test_broken=BROKEN)
    recorder = pytester.inline_run("-p", "no:cacheprovider", "-p", "no:asyncio")
    passed, skipped, failed = recorder.listoutcomes()
    assert not skipped

    failures: dict[str, set[str]] = defaultdict(set)
    for report in failed:
        _, cls, test = report.nodeid.split("::")
        failures[cls].add(test)

    assert "TestGood" not in failures
    assert set(failures) == {
        "TestTrustsEveryone",
        "TestUncatalogued",
        "TestLeaksKeyError",
        "TestForgetsASample",
    }
    every_type = ["application.stage_moved", "application.submitted", "candidate.hired"]
    assert failures["TestTrustsEveryone"] == {
        f"{test}[{kind}]"
        for test in (
            "test_one_flipped_byte_fails",
            "test_tampered_signature_fails",
            "test_wrong_secret_fails",
            "test_missing_or_empty_signature_fails",
            "test_no_secrets_fails",
        )
        for kind in every_type
    } | {f"test_verify_never_raises_on_hostile_input[hostile{i}]" for i in range(15)}
    assert failures["TestUncatalogued"] == {
        "test_mapping_targets_are_catalogued",
        "test_sample_normalizes_to_its_declared_type[candidate.hired]",
        "test_event_round_trips_through_the_struct[candidate.hired]",
        "test_event_validates_against_its_json_schema[candidate.hired]",
        "test_normalizing_twice_gives_the_same_event[candidate.hired]",
    }
    # Bodies that are not a JSON object with an "event" key leak KeyError/TypeError/ValueError.
    leaked = failures["TestLeaksKeyError"]
    assert leaked, "the kit let an adapter raise something other than NormalizationError"
    assert all(t.startswith("test_hostile_bytes_raise_normalization_error_only[") for t in leaked)
    # all but the three hostile objects that have an "event" key (hostile11 to hostile13)
    assert len(leaked) == 12
    assert failures["TestForgetsASample"] == {"test_one_sample_per_vendor_type"}
    assert len(passed) > 68


# ---- a plugin provisions with no gateway change ------------------------------------------------


async def test_the_example_provisions_through_the_gateway(
    site: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plugin's provisioner, loaded from its entry point, drives ``POST /v1/connections``
    against the plugin's own simulator; its secret verifies Examplehire's signed delivery."""
    if "example" in load_registry():
        pytest.skip("the example adapter is installed in this environment; uninstall it")
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(EXAMPLE / "tests"))
    registry = load_registry()
    from simulator import API_KEY, ExamplehireSim

    with ExamplehireSim() as sim:
        env = {"UNIHOOK_PROVIDER_EXAMPLE_API_URL": sim.base_url}
        # the client runs the app on its own loop: no asyncpg pool shared across loops
        pool: dict[str, Any] = {} if settings.is_sqlite else {"poolclass": NullPool}
        runtime = Runtime.build(replace(settings, provider_env=env), registry=registry, **pool)
        await runtime.migrate()
        app = create_app(runtime=runtime, run_worker=False, migrate=False)
        try:
            async with AsyncTestClient(app=app) as client:
                made = await client.post(
                    "/v1/connections",
                    json={
                        "provider": "example",
                        "tenant": "acme",
                        "provision": {"api_key": API_KEY},
                    },
                    headers=ADMIN,
                )
                assert made.status_code == 201, made.text
                assert API_KEY not in made.text
                [hook] = sim.webhooks.values()
                assert hook["url"] == "http://testserver.local/ingest/example/acme"
                assert made.json()["provisioned"]["endpoint_id"] == hook["id"]

                adapter = registry.get("example")
                body = adapter.sample_events()["candidate.hired"]
                signed = await client.post(
                    "/ingest/example/acme",
                    content=body,
                    headers=adapter.sign_request(body, hook["secret"], now=datetime.now(UTC))[1],
                )
                assert signed.status_code == 202, signed.text
                forged = await client.post(
                    "/ingest/example/acme",
                    content=body,
                    headers=adapter.sign_request(body, "wrong", now=datetime.now(UTC))[1],
                )
                assert forged.status_code == 401

                described = (await client.get("/v1/providers", headers=ADMIN)).json()["data"]
                example = next(p for p in described if p["name"] == "example")
                assert example["provisioning"]["capabilities"] == ["health"]

                gone = await client.delete(f"/v1/connections/{made.json()['id']}", headers=ADMIN)
                assert gone.status_code == 200
                assert sim.webhooks == {}
        finally:
            await runtime.close()
            monkeypatch.delitem(sys.modules, MODULE, raising=False)
            monkeypatch.delitem(sys.modules, "simulator", raising=False)
