"""docs/events.md is what ``make docs`` generates from the catalogue and the adapters."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import docgen, settingsdoc
from gateway.core.settings import PROVIDER_PREFIX, VARIABLES, Settings
from providers.registry import Registry
from schemas import CATALOGUE
from schemas.examples import EXAMPLES


def test_events_md_is_up_to_date() -> None:
    assert docgen.EVENTS_MD.read_text(encoding="utf-8") == docgen.render(), (
        "docs/events.md is out of date: run `make docs`"
    )


def _section(text: str, name: str) -> str:
    return text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]


def test_every_type_is_documented_and_every_emitted_type_has_an_example() -> None:
    text = docgen.render()
    emitted = {
        canonical
        for item in docgen.builtin_adapters()
        for canonical in item.adapter.event_types.values()
    } | {"unmapped"}
    for name in CATALOGUE:
        section = _section(text, name)
        assert f"entry `{name}`" in section
        assert CATALOGUE[name].description in section
        if name in emitted:
            assert f'"type": "{name}"' in section, f"{name} has no example event"
            assert "Illustrative example" not in section, name
        elif name in EXAMPLES:
            assert "no built-in adapter yet" in section, name
            assert "Illustrative example" in section, name
            assert f'"type": "{name}"' in section, name
        else:
            assert "no built-in adapter yet" in section, name
            assert "```json" not in section, name


def test_a_type_no_adapter_emits_yet_is_listed_without_emitters() -> None:
    text = docgen.render(Registry([]))
    row = next(line for line in text.splitlines() if line.startswith("| [`ats.job.created`]"))
    assert row.endswith("| — |")
    assert "no built-in adapter yet" in _section(text, "ats.job.created")


def test_check_fails_on_a_stale_file_and_passes_once_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "events.md"
    assert docgen.main(["--check", "--output", str(out)]) == 1
    out.write_text(docgen.render().replace("ats.job.created", "ats.job.made", 1))
    assert docgen.main(["--check", "--output", str(out)]) == 1
    assert "run `make docs`" in capsys.readouterr().err
    assert docgen.main(["--output", str(out)]) == 0
    assert docgen.main(["--check", "--output", str(out)]) == 0


class _RecordingEnv(dict[str, str]):
    """An environment that records every variable ``Settings.from_env`` asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return default


def test_every_setting_read_is_documented() -> None:
    env = _RecordingEnv()
    Settings.from_env(env)
    documented = {v.name for v in VARIABLES}
    assert env.asked, "Settings.from_env read nothing: the recording environment is not used"
    assert env.asked - documented == set(), "add these to VARIABLES in gateway/core/settings.py"
    assert any(name.startswith(PROVIDER_PREFIX) for name in documented)


def test_the_settings_table_is_up_to_date() -> None:
    current = settingsdoc.OPERATIONS_MD.read_text(encoding="utf-8")
    assert current == settingsdoc.render(current), "docs/operations.md: run `make docs`"


def test_settings_check_fails_on_a_stale_table(tmp_path: Path) -> None:
    out = tmp_path / "operations.md"
    current = settingsdoc.OPERATIONS_MD.read_text(encoding="utf-8")
    out.write_text(current.replace("`UNIHOOK_MAX_BODY_BYTES`", "`UNIHOOK_MAX_BODY`", 1))
    assert settingsdoc.main(["--check", "--output", str(out)]) == 1
    assert settingsdoc.main(["--output", str(out)]) == 0
    assert settingsdoc.main(["--check", "--output", str(out)]) == 0
