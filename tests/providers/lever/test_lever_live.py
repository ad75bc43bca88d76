"""``unihook send-test lever`` against ``unihook serve`` as a process: it signs inside the body."""

from __future__ import annotations

import json

from tests.gateway.test_live import Gateway, gateway, workdir  # noqa: F401 - the fixtures


def test_send_test_signs_lever_bodies_as_lever_does(gateway: Gateway) -> None:  # noqa: F811
    connected = json.loads(gateway.cli("connect", "lever", "acme", "--secret", "tok-1").stdout)
    assert connected["ingest_url"] == f"{gateway.url}/ingest/lever/acme"
    for event in ("candidateStageChange", "candidateHired:test", "candidateArchiveChange"):
        sent = gateway.cli("send-test", "lever", "acme", "--event", event, "--secret", "tok-1")
        assert sent.stdout.startswith("202 "), sent.stdout
        assert '"status":"accepted"' in sent.stdout
    wrong = gateway.cli(
        "send-test", "lever", "acme", "--event", "contactCreated", "--secret", "no", check=False
    )
    assert wrong.returncode == 1
    assert "401" in wrong.stdout
    unknown = gateway.cli(
        "send-test", "lever", "acme", "--event", "jobCreated", "--secret", "tok-1", check=False
    )
    assert unknown.returncode == 2
    assert "candidateHired:test" in unknown.stderr
    listed = gateway.cli("providers").stdout
    assert "signature header: (none: signed inside the body)" in listed
