"""Hostile input, generated: every registered adapter fails closed and raises only what it may.

For arbitrary bytes and for each adapter's own samples mutated (bytes flipped, truncated, junk
inserted, fields given the wrong JSON type, deep nesting, huge numbers), ``verify`` returns a
bool and never raises, and ``normalize`` either raises ``NormalizationError`` or returns an event
of a catalogued type that the gateway can store and read back.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers import NormalizationError, ProviderAdapter
from providers.registry import default_registry
from providers.testing import secret_as_issued
from schemas import CATALOGUE, EVENT_DECODER, EVENT_ENCODER, Normalized, to_event

SECRET = "hostile-secret-\u00e9"
RECEIVED_AT = datetime(2025, 1, 1, tzinfo=UTC)
ADAPTERS = default_registry().names()

HOSTILE = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _adapter(name: str) -> ProviderAdapter:
    return default_registry().get(name)


def _headers(adapter: ProviderAdapter, body: bytes) -> dict[str, str]:
    """The headers the vendor would send with ``body`` (none beyond the content type where it
    signs inside a body that is no longer JSON: Lever)."""
    try:
        _, headers = adapter.sign_request(
            body, secret_as_issued(adapter, SECRET), now=datetime.now(UTC)
        )
    except ValueError:
        return {"content-type": "application/json"}
    return {k.lower(): v for k, v in headers.items()}


def _signed(adapter: ProviderAdapter, body: bytes) -> tuple[bytes, dict[str, str]]:
    """The request as the vendor sends it (re-signed inside the body where the vendor does)."""
    signed, headers = adapter.sign_request(body, secret_as_issued(adapter, SECRET), now=RECEIVED_AT)
    return signed, {k.lower(): v for k, v in headers.items()}


def _assert_fails_closed(adapter: ProviderAdapter, body: bytes, headers: dict[str, str]) -> bool:
    verified = adapter.verify(body, headers, [secret_as_issued(adapter, SECRET)])
    assert verified is True or verified is False, f"verify returned {verified!r}"
    return verified


def _assert_normalizes_or_rejects(adapter: ProviderAdapter, body: bytes) -> None:
    try:
        parts = adapter.normalize(body, received_at=RECEIVED_AT)
    except NormalizationError:
        return
    assert isinstance(parts, Normalized)
    assert parts.type in CATALOGUE, f"{parts.type!r} is not a catalogued type"
    event = to_event(
        parts,
        id="evt_hostile",
        tenant="hostile",
        provider=adapter.name,
        connection_id="con_hostile",
        received_at="2025-01-01T00:00:00Z",
    )
    # What the gateway does with it: encode to store and deliver, decode to read back.
    assert EVENT_DECODER.decode(EVENT_ENCODER.encode(event)).__struct_config__.tag == parts.type


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document, the root excluded."""
    out: list[tuple[Any, ...]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        out.append((*path, key))
        out.extend(_paths(value, (*path, key)))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


samples = st.sampled_from
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([10**400, -(10**400), 2**63, 2**64, -(2**63) - 1]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["", "null", "2025-13-45T99:99:99Z", "\x00", "\ud7ff", "9" * 400]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@functools.cache
def _samples(name: str) -> dict[str, bytes]:
    """An adapter's samples, made once: some adapters build them from files on each call, which
    was most of an example's time."""
    return _adapter(name).sample_events()


def _sample(adapter: ProviderAdapter, data: st.DataObject) -> bytes:
    made = _samples(adapter.name)
    return made[data.draw(samples(sorted(made)), label="vendor type")]


# ---- arbitrary bytes --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ADAPTERS)
@HOSTILE
@given(
    body=st.binary(max_size=2048),
    signature=st.one_of(
        st.text(max_size=100),
        st.binary(min_size=32, max_size=32).map(bytes.hex),
        st.sampled_from(["sha256=", "v1,", "=" * 64, "0" * 64, "\x00"]),
    ),
)
def test_arbitrary_bytes(name: str, body: bytes, signature: str) -> None:
    adapter = _adapter(name)
    headers = {adapter.signature_header.lower(): signature, "content-type": "application/json"}
    assert _assert_fails_closed(adapter, body, headers) is False
    _assert_normalizes_or_rejects(adapter, body)


# ---- mutated samples --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ADAPTERS)
@HOSTILE
@given(data=st.data())
def test_mutated_bytes(name: str, data: st.DataObject) -> None:
    adapter = _adapter(name)
    body = _sample(adapter, data)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mutation = data.draw(st.sampled_from(["flip", "truncate", "insert"]), label="mutation")
    if mutation == "flip":
        mask = data.draw(st.integers(1, 255), label="xor")
        mutated = body[:index] + bytes([body[index] ^ mask]) + body[index + 1 :]
    elif mutation == "truncate":
        mutated = body[:index]
    else:
        junk = data.draw(st.binary(min_size=1, max_size=64), label="junk")
        mutated = body[:index] + junk + body[index:]
    _assert_fails_closed(adapter, mutated, _headers(adapter, body))
    _assert_fails_closed(adapter, mutated, _headers(adapter, mutated))
    _assert_normalizes_or_rejects(adapter, mutated)


@pytest.mark.parametrize("name", ADAPTERS)
@HOSTILE
@given(data=st.data())
def test_a_flipped_bit_never_verifies(name: str, data: st.DataObject) -> None:
    adapter = _adapter(name)
    body, headers = _signed(adapter, _sample(adapter, data))
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    bit = data.draw(st.sampled_from([0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80]), label="bit")
    tampered = body[:index] + bytes([body[index] ^ bit]) + body[index + 1 :]
    if not adapter.verify(tampered, headers, [secret_as_issued(adapter, SECRET)]):
        return
    # Only a vendor that signs just the envelope, or sends a bare token, may verify a changed
    # body, and it must say so.
    assert adapter.signature_scope in ("envelope", "token")
    try:
        parts = adapter.normalize(tampered, received_at=RECEIVED_AT)
    except NormalizationError:
        return
    assert parts.signature_scope == adapter.signature_scope


@pytest.mark.parametrize("name", ADAPTERS)
@HOSTILE
@given(data=st.data(), value=json_values)
def test_fields_of_the_wrong_type(name: str, data: st.DataObject, value: Any) -> None:
    adapter = _adapter(name)
    doc = json.loads(_sample(adapter, data))
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    body = json.dumps(_replace(doc, path, value), ensure_ascii=False).encode()
    body, headers = _signed(adapter, body)
    # A signed body verifies whatever it holds: the signature is over bytes, not meaning.
    assert _assert_fails_closed(adapter, body, headers) is True
    _assert_normalizes_or_rejects(adapter, body)


@pytest.mark.parametrize("name", ADAPTERS)
@settings(HOSTILE, max_examples=50)
@given(data=st.data(), depth=st.integers(50, 30_000), brackets=st.sampled_from(["[]", "{}"]))
def test_deep_nesting(name: str, data: st.DataObject, depth: int, brackets: str) -> None:
    adapter = _adapter(name)
    sample = _sample(adapter, data)
    doc = json.loads(sample)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    marker = "\x00deep\x00"
    body = json.dumps(_replace(doc, path, marker)).encode()
    if brackets == "[]":
        nested = b"[" * depth + b"1" + b"]" * depth
    else:
        nested = b'{"a":' * depth + b"1" + b"}" * depth
    body = body.replace(json.dumps(marker).encode(), nested)
    # Not re-signed: HatchBeacon's sign() re-serialises, which recurses on this depth. A bare
    # token (Personio) covers no body, so only there may it still verify.
    verified = _assert_fails_closed(adapter, body, _headers(adapter, sample))
    assert verified is (adapter.signature_scope == "token")
    _assert_normalizes_or_rejects(adapter, body)
