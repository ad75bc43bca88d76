"""Every vendor fixture in ``tests/providers/<vendor>/``: verify as the vendor signs, normalise,
and compare with the hand-checked canonical event.

A case is ``<case>.request.json`` (headers, secret, body file), the exact body bytes, and
``<case>.expected.json``. ``regen.py`` writes the requests from the adapters' samples.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from providers.registry import default_registry
from schemas import to_event

HERE = Path(__file__).resolve().parent
RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Fixture:
    vendor: str
    name: str
    headers: dict[str, str]
    secret: str
    body: bytes
    expected: Any

    @property
    def signature(self) -> str:
        header = default_registry().get(self.vendor).signature_header.lower()
        return self.headers[header]


def _load(request_file: Path) -> Fixture:
    request = json.loads(request_file.read_text(encoding="utf-8"))
    name = request_file.name.removesuffix(".request.json")
    return Fixture(
        vendor=request_file.parent.name,
        name=name,
        # Header names arrive lower-cased from the gateway, as they do from any ASGI server.
        headers={k.lower(): v for k, v in request["headers"].items()},
        secret=request["secret"],
        body=(request_file.parent / request["body_file"]).read_bytes(),
        expected=json.loads(
            (request_file.parent / f"{name}.expected.json").read_text(encoding="utf-8")
        ),
    )


FIXTURES = [_load(p) for p in sorted(HERE.glob("*/*.request.json"))]
VENDORS = sorted({f.vendor for f in FIXTURES})


def _ids(fixtures: list[Fixture]) -> list[str]:
    return [f"{f.vendor}/{f.name}" for f in fixtures]


def canonical(fixture: Fixture) -> Any:
    adapter = default_registry().get(fixture.vendor)
    parts = adapter.normalize_request(fixture.body, fixture.headers, received_at=RECEIVED_AT)
    event = to_event(
        parts,
        id="evt_golden",
        tenant="acme",
        provider=fixture.vendor,
        connection_id="con_golden",
        received_at="2025-01-01T00:00:00Z",
    )
    return msgspec.json.decode(msgspec.json.encode(event))


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_fixture_verifies_and_normalises_to_golden(fixture: Fixture) -> None:
    adapter = default_registry().get(fixture.vendor)
    assert adapter.detect(fixture.headers) or adapter.detect_body(fixture.body, fixture.headers)
    assert adapter.verify(fixture.body, fixture.headers, [fixture.secret])
    assert canonical(fixture) == fixture.expected


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_fixture_fails_with_a_wrong_secret(fixture: Fixture) -> None:
    adapter = default_registry().get(fixture.vendor)
    assert not adapter.verify(fixture.body, fixture.headers, [fixture.secret + "x"])
    assert not adapter.verify(fixture.body, fixture.headers, ["whsec_not-the-secret"])
    assert not adapter.verify(fixture.body, fixture.headers, [])
    # During a rotation the old and the new secret are both live: either verifies.
    assert adapter.verify(fixture.body, fixture.headers, ["whsec_old", fixture.secret])


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_fixture_fails_with_another_body(fixture: Fixture) -> None:
    """A changed body fails, unless the vendor signs only the envelope or sends a bare token:
    then it verifies and the event says so (``source.signature_scope``)."""
    adapter = default_registry().get(fixture.vendor)
    try:
        payload = json.loads(fixture.body)
    except ValueError:  # a form post or a bare string (BambooHR, HiBob's ping): append to it
        tampered = fixture.body + b"&tampered=1"
    else:
        payload["tampered"] = True
        tampered = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    if adapter.signature_scope == "body":
        assert not adapter.verify(tampered, fixture.headers, [fixture.secret])
        return
    scope = adapter.signature_scope
    assert adapter.verify(tampered, fixture.headers, [fixture.secret])
    assert adapter.normalize(tampered, received_at=RECEIVED_AT).signature_scope == scope
    assert fixture.expected["source"]["signature_scope"] == scope


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_vendor_type_has_a_fixture(vendor: str) -> None:
    adapter = default_registry().get(vendor)
    covered = {
        f.expected["source"]["event_type"]
        for f in FIXTURES
        if f.vendor == vendor and f.expected["type"] != "unmapped"
    }
    assert covered == set(adapter.event_types)
    assert any(f.vendor == vendor and f.expected["type"] == "unmapped" for f in FIXTURES)
    assert set(adapter.sample_events()) == set(adapter.event_types)


@pytest.mark.parametrize("vendor", VENDORS)
def test_each_vendor_has_pretty_and_non_ascii_bodies(vendor: str) -> None:
    """The re-serialisation path (Breezy, HatchBeacon) and non-ASCII names are exercised."""
    bodies = [f.body for f in FIXTURES if f.vendor == vendor]
    assert any(b.startswith(b"{\n  ") for b in bodies)
    assert any(any(byte > 0x7F for byte in b) for b in bodies)


PRETTY = [f for f in FIXTURES if f.vendor in ("breezy", "hatchbeacon") and b"\n" in f.body]


@pytest.mark.parametrize("fixture", PRETTY, ids=_ids(PRETTY))
def test_pretty_bodies_verify_through_the_compact_form(fixture: Fixture) -> None:
    """The signature is not over the raw bytes: only the re-serialisation can verify it."""
    raw_digest = hmac.new(fixture.secret.encode(), fixture.body, hashlib.sha256).hexdigest()
    assert raw_digest != fixture.signature


BINDBEE = [f for f in FIXTURES if f.vendor == "bindbee"]


@pytest.mark.parametrize("fixture", BINDBEE, ids=_ids(BINDBEE))
def test_bindbee_accepts_each_encoding_of_the_raw_body_digest(fixture: Fixture) -> None:
    adapter = default_registry().get("bindbee")
    digest = hmac.new(fixture.secret.encode(), fixture.body, hashlib.sha256).digest()
    forms = {
        "hex": digest.hex(),
        "HEX": digest.hex().upper(),
        "base64": base64.b64encode(digest).decode(),
        "base64url": base64.urlsafe_b64encode(digest).decode(),
        "base64url unpadded": base64.urlsafe_b64encode(digest).decode().rstrip("="),
    }
    assert fixture.signature in forms.values()
    header = adapter.signature_header.lower()
    for form, signature in forms.items():
        assert adapter.verify(fixture.body, {header: signature}, [fixture.secret]), form
    assert (
        adapter.sign_request(fixture.body, fixture.secret, now=datetime.now(UTC))[1][header]
        == forms["base64url"]
    )


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_sign_produces_headers_that_verify(fixture: Fixture) -> None:
    adapter = default_registry().get(fixture.vendor)
    body, headers = adapter.sign_request(fixture.body, fixture.secret, now=datetime.now(UTC))
    assert adapter.detect(headers) or adapter.detect_body(body, headers)
    assert adapter.verify(fixture.body, headers, [fixture.secret])


NODE_SIGNED = [
    f for f in FIXTURES if f.vendor == "hatchbeacon" and not f.name.endswith(".python_signed")
]


@pytest.mark.parametrize("fixture", NODE_SIGNED, ids=_ids(NODE_SIGNED))
def test_hatchbeacon_signs_as_its_node_sample(fixture: Fixture) -> None:
    """``sign`` gives what HatchBeacon sends: hex HMAC of ``JSON.stringify(payload)``."""
    adapter = default_registry().get("hatchbeacon")
    assert (
        adapter.sign_request(fixture.body, fixture.secret, now=datetime.now(UTC))[1][
            "x-webhook-signature"
        ]
        == fixture.signature
    )
