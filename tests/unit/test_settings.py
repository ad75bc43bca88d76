"""Settings: each variable read from its one declaration, and a bad value named clearly."""

from __future__ import annotations

import pytest

from gateway.cli import main
from gateway.core.settings import VARIABLES, Settings, SettingsError


def test_an_empty_environment_gives_the_declared_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"UNIHOOK_PORT": "", "UNIHOOK_LEASE_SECONDS": " "}) == Settings()


def test_values_are_read_by_their_declared_type() -> None:
    settings = Settings.from_env(
        {
            "UNIHOOK_PORT": "9000",
            "UNIHOOK_HOST": "127.0.0.2",
            "UNIHOOK_PUBLIC_URL": "https://hooks.example.test/",
            "UNIHOOK_POLL_INTERVAL": "0.25",
            "UNIHOOK_RETRY_SCHEDULE": "1, 2,3",
            "UNIHOOK_ALLOW_INSECURE_DESTINATIONS": "yes",
            "UNIHOOK_FORGET_VENDOR_TOKENS": "1",
            "UNIHOOK_PROVIDER_ACME_API_URL": "http://127.0.0.1:9",
        }
    )
    assert (settings.port, settings.host) == (9000, "127.0.0.2")
    assert settings.public_url == "https://hooks.example.test"
    assert settings.poll_interval == 0.25
    assert settings.retry_schedule == (1.0, 2.0, 3.0)
    assert settings.allow_insecure_destinations is True
    assert settings.store_vendor_tokens is False
    assert settings.provider_settings("acme").get("API_URL") == "http://127.0.0.1:9"
    assert settings.is_given("port")
    assert not settings.is_given("database_url")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("UNIHOOK_PORT", "eighty", "must be an integer, got 'eighty'"),
        ("UNIHOOK_PORT", "70000", "must be at most 65535, got 70000"),
        ("UNIHOOK_MAX_BODY_BYTES", "-1", "must not be negative"),
        ("UNIHOOK_DELIVERY_TIMEOUT", "0", "must be positive"),
        ("UNIHOOK_ALLOW_INSECURE_DESTINATIONS", "maybe", "must be 1 or 0"),
        ("UNIHOOK_INGEST_WRITER", "fork", "must be one of process, thread"),
        ("UNIHOOK_RETRY_SCHEDULE", "5,soon", "must be comma-separated seconds"),
    ],
)
def test_a_bad_value_names_its_variable_and_what_it_takes(
    name: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError, match=f"^{name} {expected}"):
        Settings.from_env({name: value})


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["purge"]])
def test_the_cli_reports_a_bad_setting_in_one_line_and_exits_2(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNIHOOK_PORT", "80x")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.strip() == "configuration error: UNIHOOK_PORT must be an integer, got '80x'"


def test_send_test_posts_to_the_public_url_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNIHOOK_PUBLIC_URL", "http://127.0.0.1:9/")  # nothing listens on 9
    args = ["send-test", "breezy", "acme", "--event", "candidateAdded", "--secret", "s"]
    assert main(args) == 1
    assert "cannot reach http://127.0.0.1:9/ingest/breezy/acme" in capsys.readouterr().err


def test_every_variable_is_documented_once() -> None:
    names = [v.name for v in VARIABLES]
    assert len(names) == len(set(names))
    assert {"UNIHOOK_HOST", "UNIHOOK_PORT", "UNIHOOK_PUBLIC_URL"} <= set(names)
