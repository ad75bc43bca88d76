"""Cross-vendor consistency as a property: every golden event of every vendor (each folder of
``tests/providers/``, so a new vendor is held to it with no change here), and every event its
body implies besides (``also_emits``), follows the SPEC's rules for where and how a fact lands.

- dates (fields named ``*_date``) are ``YYYY-MM-DD``;
- instants (``timestamp``, fields named ``*_at``) are RFC 3339 in UTC (``...Z``);
- ``rejection_reason`` is the reason's text, never an id (its id goes to ``rejection_reason_id``);
- the event is valid against its type's JSON Schema in the catalogue (enums included);
- an id is filed under the resource it belongs to: the subject's ``<resource>/<id>`` is found at a
  ``<resource>`` of ``data`` with that ``id``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from providers.registry import default_registry
from providers.testing import jsonschema_validate
from schemas import to_event

HERE = Path(__file__).resolve().parent
RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UUID_OR_NUMBER = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+"
)


@dataclass(frozen=True)
class Golden:
    vendor: str
    case: str
    event: dict[str, Any]


def _events() -> Iterator[Golden]:
    """Each vendor folder's expected events, and the events their bodies imply besides."""
    registry = default_registry()
    for expected in sorted(HERE.glob("*/*.expected.json")):
        vendor, case = expected.parent.name, expected.name.removesuffix(".expected.json")
        yield Golden(vendor, case, json.loads(expected.read_text(encoding="utf-8")))
        request = expected.with_name(f"{case}.request.json")
        if vendor not in registry or not request.exists():
            continue
        sent = json.loads(request.read_text(encoding="utf-8"))
        body = (expected.parent / sent["body_file"]).read_bytes()
        headers = {k.lower(): v for k, v in sent["headers"].items()}
        parts = registry.get(vendor).normalize_request(body, headers, received_at=RECEIVED_AT)
        for n, more in enumerate(parts.also):
            event = to_event(
                more,
                id="evt_golden",
                tenant="acme",
                provider=vendor,
                connection_id="con_golden",
                received_at="2025-01-01T00:00:00Z",
            )
            yield Golden(vendor, f"{case}+also{n}", json.loads(msgspec.json.encode(event)))


GOLDEN = list(_events())
IDS = [f"{g.vendor}/{g.case}" for g in GOLDEN]


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Every (path, key, value) below ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else key
            yield where, key, inner
            yield from _walk(inner, where)
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _walk(inner, f"{path}[{n}]")


def _shaped(event: dict[str, Any]) -> dict[str, Any]:
    """The canonical part of the event: what the vendor sent as is (``raw``, an unmapped
    event's ``data``) follows the vendor's rules, not these."""
    shaped = {k: v for k, v in event.items() if k != "raw"}
    if event.get("type") == "unmapped":
        shaped.pop("data", None)
    return shaped


def test_every_vendor_has_golden_events() -> None:
    vendors = {p.name for p in HERE.iterdir() if p.is_dir() and any(p.glob("*.expected.json"))}
    assert vendors <= {g.vendor for g in GOLDEN}
    assert {"ashby", "greenhouse", "lever", "workable"} <= vendors


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_dates_are_dates_and_instants_are_utc(golden: Golden) -> None:
    for path, key, value in _walk(_shaped(golden.event)):
        if key.endswith("_date") and value is not None:
            assert isinstance(value, str), (path, value)
            assert DATE.fullmatch(value), (path, value)
            date.fromisoformat(value)
        elif (key == "timestamp" or key.endswith("_at")) and value is not None:
            assert isinstance(value, str), (path, value)
            assert INSTANT.fullmatch(value), (path, value)
            datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_a_rejection_reason_is_text(golden: Golden) -> None:
    for path, key, value in _walk(_shaped(golden.event)):
        if key == "rejection_reason":
            assert isinstance(value, str), (path, value)
            assert value.strip(), (path, value)
            assert not UUID_OR_NUMBER.fullmatch(value.strip()), f"{path} is an id: {value}"


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_the_event_fits_its_catalogue_schema(golden: Golden) -> None:
    """Enums (job status, employment type...) and shapes as the catalogue publishes them."""
    jsonschema_validate(golden.event, golden.event["type"])


def _filed(data: Any, resource: str, id: str) -> bool:
    return any(
        key == resource and isinstance(value, dict) and value.get("id") == id
        for _, key, value in _walk({"data": data})
    )


@pytest.mark.parametrize("golden", GOLDEN, ids=IDS)
def test_the_subjects_id_sits_under_its_resource(golden: Golden) -> None:
    subject = golden.event.get("subject")
    if subject is None:
        return
    resource, _, id = subject.partition("/")
    data = golden.event.get("data", {})
    id_list = data.get(f"{resource}_ids") if isinstance(data, dict) else None
    assert _filed(data, resource, id) or id_list == [id], (
        f"subject {subject} names no {resource} with that id in data"
    )
