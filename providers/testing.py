"""The adapter conformance kit: a pytest plugin that gives any adapter a ready test class.

Installed with unihook (entry point ``pytest11``), so a plugin package's tests need two lines::

    from providers.testing import get_adapter_test_class
    from my_vendor import adapter

    TestMyVendor = get_adapter_test_class(adapter)

A vendor with a webhook management API adds ``TestMyVendorProvisioner =
get_provisioner_test_class(adapter)`` and a ``provisioner_harness`` fixture pointing at the
simulator it ships (see ``ProvisionerHarness``).

Every check runs per vendor event type of ``sample_events()``: the sample verifies when signed
as the vendor signs (``sign_request``, so vendors that sign inside the body are signed there),
and fails with one flipped byte (or, where only the envelope is signed, is marked
``signature_scope: "envelope"``), a tampered, missing or empty signature, a wrong secret, or no
secrets; it normalises to an event of the declared canonical type that round-trips through the
canonical Struct and validates against the type's JSON Schema; normalising the same bytes twice
gives the same event. Sample variants map to a type the adapter declares. An unknown vendor type
gives ``unmapped``, and hostile bytes give ``NormalizationError`` or ``False``, never anything
else.

The module imports nothing from pytest at import time beyond what a plugin needs, and does no
I/O.
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import msgspec
import pytest

from providers import Header, NormalizationError, ProviderAdapter, Signature
from providers._loopback import LoopbackServer, is_loopback, loopback_only
from providers._provisioner_kit import (
    FixedHarness,
    ProvisionerConformance,
    ProvisionerHarness,
    get_provisioner_test_class,
    run_provisioner_call,
)
from providers._sim_requests import (
    Delivery,
    Reject,
    SimCall,
    SimRequest,
    absolute_url,
    basic_user,
    bearer_token,
    event_names,
)
from providers._simulator import BearerTokenSimulator, VendorSimulator, route, simulator_fixtures
from providers.registry import emitted_types
from providers.signatures import encode_digest
from schemas import CATALOGUE, EVENT_DECODER, Normalized, to_event

RECEIVED_AT = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
# A non-ASCII character in the key catches encoding slips.
SECRET = "conformance-kit-secret-\u00e9"  # noqa: S105
OTHER_SECRET = "conformance-kit-other-secret"  # noqa: S105
UNKNOWN_TYPE = "unihook.conformance.unknown_type"

HOSTILE_BODIES: tuple[bytes, ...] = (
    b"",
    b" ",
    b"\xff\xfe\xfd",
    b"{",
    b"[]",
    b'"a string"',
    b"null",
    b"12345",
    b'{"a": 1}',
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"type": 1e999999, "event": 10000000000000000000000000000000000}',
    b'{"type": null, "event": null, "data": null, "payload": null}',
    b'{"type": [], "event": {}, "data": [], "payload": "x"}',
    b'{"x": NaN}',
)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names as the gateway hands them to adapters: lower-cased, as ASGI delivers them."""
    return {name.lower(): value for name, value in headers.items()}


def _flip(body: bytes, index: int) -> bytes:
    return body[:index] + bytes([body[index] ^ 0x01]) + body[index + 1 :]


def _replace_string(node: Any, old: str, new: str) -> tuple[Any, bool]:
    """``node`` with the first string equal to ``old`` (breadth-first) replaced by ``new``."""
    queue: list[Any] = [node]
    while queue:
        current = queue.pop(0)
        items: list[tuple[Any, Any]] = (
            list(current.items())
            if isinstance(current, dict)
            else list(enumerate(current))
            if isinstance(current, list)
            else []
        )
        for key, value in items:
            if value == old:
                current[key] = new
                return node, True
            if isinstance(value, dict | list):
                queue.append(value)
    return node, False


def jsonschema_validate(event: Any, event_type: str) -> None:
    """Validate an event (as JSON) against its type's published JSON Schema: raises
    ``jsonschema.ValidationError`` where it does not fit."""
    _schema_validator(event_type).validate(event)


@functools.cache
def _schema_validator(event_type: str) -> Any:
    """One type's validator. The schema itself is not checked against the metaschema here, as
    ``jsonschema.validate`` does on every call: that check is most of a validator's cost, and the
    project's schema tests make it once a type."""
    import jsonschema  # type: ignore[import-untyped]

    schema = CATALOGUE[event_type].json_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def event_json(adapter: ProviderAdapter, parts: Normalized) -> Any:
    """The canonical event for an adapter's output, as the JSON the gateway would store."""
    event = to_event(
        parts,
        id="evt_conformance",
        tenant="conformance",
        provider=adapter.name,
        connection_id="con_conformance",
        received_at="2025-01-01T12:00:00Z",
    )
    return msgspec.json.decode(msgspec.json.encode(event))


class AdapterConformance:
    """The checks every adapter must pass. Use ``get_adapter_test_class``, or subclass and set
    ``adapter``. Override ``unknown_type_body`` when the vendor's type cannot be found by value
    in its samples."""

    adapter: ClassVar[ProviderAdapter]

    # -- parametrisation: one test per vendor event type --------------------------------------

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "vendor_type" in metafunc.fixturenames:
            kinds = sorted(self.adapter.sample_events())
            metafunc.parametrize("vendor_type", kinds, ids=kinds)
        if "hostile_body" in metafunc.fixturenames:
            metafunc.parametrize(
                "hostile_body",
                HOSTILE_BODIES,
                ids=[f"hostile{i}" for i in range(len(HOSTILE_BODIES))],
            )

    # -- helpers --------------------------------------------------------------------------------

    def sample(self, vendor_type: str) -> bytes:
        return self.adapter.sample_events()[vendor_type]

    @property
    def secret(self) -> str:
        """The kit's secret as the vendor issues secrets: base64 where the declared key is the
        base64 the secret is (Finch, Standard Webhooks)."""
        return self._as_issued(SECRET)

    @property
    def other_secret(self) -> str:
        return self._as_issued(OTHER_SECRET)

    def _as_issued(self, secret: str) -> str:
        return secret_as_issued(self.adapter, secret)

    def request(self, vendor_type: str, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The sample as the vendor sends it signed with ``secret`` (default: the kit's; the body
        changes for vendors that sign inside it)."""
        secret = self.secret if secret is None else secret
        body, headers = self.adapter.sign_request(self.sample(vendor_type), secret, now=RECEIVED_AT)
        return body, _lower(headers)

    @property
    def header(self) -> str:
        return self.adapter.signature_header.lower()

    def in_body(self) -> bool:
        """Whether the vendor's signature travels inside the body (no signature header)."""
        return not self.adapter.signature_header

    def signature_span(self, vendor_type: str) -> tuple[int, int]:
        """Where the signature sits in the signed body: the bytes that differ between the same
        request signed with two secrets."""
        body, _ = self.request(vendor_type)
        other, _ = self.request(vendor_type, self.other_secret)
        assert len(body) == len(other), "sign_request changed more than the signature"
        differ = [i for i, (a, b) in enumerate(zip(body, other, strict=True)) if a != b]
        assert differ, "sign_request does not sign inside the body"
        return differ[0], differ[-1] + 1

    def unknown_type_body(self) -> bytes:
        """A sample whose vendor type is replaced by one no adapter knows."""
        for vendor_type, body in sorted(self.adapter.sample_events().items()):
            payload = json.loads(body)
            payload, replaced = _replace_string(payload, vendor_type, UNKNOWN_TYPE)
            if replaced:
                return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        pytest.fail(
            f"{self.adapter.name}: no sample carries its vendor type as a JSON string value; "
            "override unknown_type_body() in the test class"
        )

    # -- the contract's shape -------------------------------------------------------------------

    def test_satisfies_the_protocol(self) -> None:
        adapter = self.adapter
        assert isinstance(adapter, ProviderAdapter), "adapter lacks part of ProviderAdapter"
        assert adapter.name, "name is empty"
        assert adapter.name == adapter.name.lower(), "name must be lower-case"
        assert adapter.name.replace("-", "").replace("_", "").isalnum()
        assert adapter.category in ("ats", "hris")
        assert adapter.event_types, "the adapter maps no vendor event types"
        assert adapter.signature_scope in ("body", "envelope", "token")

    def test_optional_ingest_attributes_are_well_formed(self) -> None:
        status = self.adapter.accepted_status
        assert status in (None, 200, 202), "accepted_status must be None, 200 or 202"
        kept = self.adapter.kept_headers
        assert all(isinstance(h, str) and h == h.lower() for h in kept), (
            "kept_headers must be lower-case header names"
        )
        assert "authorization" not in kept, "credentials are never kept with a receipt"

    def test_mapping_targets_are_catalogued(self) -> None:
        unknown = {k: v for k, v in self.adapter.event_types.items() if v not in CATALOGUE}
        assert not unknown, f"mapped to types missing from the catalogue: {unknown}"
        extra = sorted(t for t in emitted_types(self.adapter) if t not in CATALOGUE)
        assert not extra, f"also_emits names types missing from the catalogue: {extra}"

    def test_one_sample_per_vendor_type(self) -> None:
        samples = set(self.adapter.sample_events())
        declared = set(self.adapter.event_types)
        assert samples == declared, (
            f"samples without a mapping: {sorted(samples - declared)}; "
            f"mapped types without a sample: {sorted(declared - samples)}"
        )
        for key in self.adapter.sample_variants():
            base, _, variant = key.partition(":")
            assert variant, f"sample variant {key!r} is not named <vendor type>:<variant>"
            assert base in declared, f"sample variant {key!r} names an unmapped vendor type"

    # -- verification ---------------------------------------------------------------------------

    def test_sample_verifies_when_signed_as_the_vendor_signs(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        if not self.in_body():
            assert self.header in headers, f"sign() did not set {self.adapter.signature_header}"
        assert self.adapter.verify(body, headers, [self.secret])
        assert self.adapter.detect(headers) or self.adapter.detect_body(body, headers), (
            "neither detect() nor .detect_body() recognises the vendor's request"
        )
        refused = self.adapter.check_request(body, headers, now=RECEIVED_AT, settings={})
        assert refused is None, f"a request signed just now is refused: {refused}"

    def test_any_secret_of_a_rotation_verifies(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        assert self.adapter.verify(body, headers, [self.other_secret, self.secret])
        body, headers = self.request(vendor_type, self.other_secret)
        assert self.adapter.verify(body, headers, [self.other_secret, self.secret])

    def test_one_flipped_byte_fails(self, vendor_type: str) -> None:
        """Any flipped byte fails where the whole body is signed; where only the envelope is
        (``signature_scope`` ``envelope``), a body that still verifies must say so."""
        body, headers = self.request(vendor_type)
        for index in sorted({0, len(body) // 2, len(body) - 1}):
            tampered = _flip(body, index)
            if not self.adapter.verify(tampered, headers, [self.secret]):
                continue
            scope = self.adapter.signature_scope
            assert scope in ("envelope", "token"), f"verified with byte {index} flipped"
            try:
                parts = self.adapter.normalize(tampered, received_at=RECEIVED_AT)
            except NormalizationError:  # quarantined, not stored as a signed event
                continue
            assert parts.signature_scope == scope, "an unsigned change is marked as signed"

    def test_tampered_signature_fails(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        if self.in_body():
            start, end = self.signature_span(vendor_type)
            signature = body[start:end].decode("latin-1")
        else:
            signature = headers[self.header]
        # The middle character carries full value bits in hex and base64 alike (an end character
        # may be padding or carry unused bits), and "0"/"1" differ from it in any letter case.
        mid = len(signature) // 2
        swap = "1" if signature[mid].lower() == "0" else "0"
        tampered = signature[:mid] + swap + signature[mid + 1 :]
        if self.in_body():
            body = body[:start] + tampered.encode("latin-1") + body[end:]
        else:
            headers[self.header] = tampered
        assert not self.adapter.verify(body, headers, [self.secret])

    def test_wrong_secret_fails(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        assert not self.adapter.verify(body, headers, [self.other_secret])
        assert not self.adapter.verify(body, headers, [self.secret + "x"])

    def test_missing_or_empty_signature_fails(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        if self.in_body():
            start, end = self.signature_span(vendor_type)
            for replacement in (b"", b"   "):
                cut = body[:start] + replacement + body[end:]
                assert not self.adapter.verify(cut, headers, [self.secret])
            return
        missing = {k: v for k, v in headers.items() if k != self.header}
        assert not self.adapter.verify(body, missing, [self.secret])
        assert not self.adapter.verify(body, {**headers, self.header: ""}, [self.secret])
        assert not self.adapter.verify(body, {**headers, self.header: "   "}, [self.secret])

    def test_no_secrets_fails(self, vendor_type: str) -> None:
        body, headers = self.request(vendor_type)
        assert not self.adapter.verify(body, headers, [])

    def test_detect_needs_the_vendor_header(self) -> None:
        assert not self.adapter.detect({}), "detect() accepts a request with no headers"
        assert not self.adapter.detect({"content-type": "application/json"})

    def test_detect_body_rejects_other_bodies(self, hostile_body: bytes) -> None:
        assert self.adapter.detect_body(hostile_body, {}) is False

    def test_verify_never_raises_on_hostile_input(self, hostile_body: bytes) -> None:
        for signature in ("", "zz", "sha256=" + "0" * 64, "v1," + "A" * 44, "\x00" * 3, "=" * 90):
            headers = {self.header: signature, "content-type": "application/json"}
            assert self.adapter.verify(hostile_body, headers, [self.secret]) is False

    def test_sample_variants_verify_and_map_to_an_emitted_type(self) -> None:
        for key, raw in self.adapter.sample_variants().items():
            body, headers = self.adapter.sign_request(raw, self.secret, now=RECEIVED_AT)
            assert self.adapter.verify(body, _lower(headers), [self.secret]), key
            parts = self.adapter.normalize(body, received_at=RECEIVED_AT)
            assert parts.type in emitted_types(self.adapter), f"{key} gave {parts.type}"
            assert parts.event_type == key.partition(":")[0]
            jsonschema_validate(event_json(self.adapter, parts), parts.type)

    # -- a declared signature, checked from its declaration ----------------------------------

    def declared(self) -> Signature:
        signature = declared_signature(self.adapter)
        assert signature is not None
        return signature

    def test_each_declared_encoding_verifies(self, vendor_type: str) -> None:
        signature = self.declared()
        body, headers = self.request(vendor_type)
        # The first accepted encoding is the one the vendor writes, so it decodes first.
        digest = signature.presented_digests(headers[signature.key_header])[0]
        for encoding in signature.encodings:
            text = encode_digest(digest, encoding)
            for written in {text, text.rstrip("=")}:
                headers[signature.key_header] = signature.prefix + written
                assert self.adapter.verify(body, headers, [self.secret]), (encoding, written)
                if signature.prefix and not signature.prefix_required:
                    headers[signature.key_header] = written
                    assert self.adapter.verify(body, headers, [self.secret]), (
                        "no prefix",
                        encoding,
                    )

    def test_the_declared_prefix_is_required(self, vendor_type: str) -> None:
        signature = self.declared()
        body, headers = self.request(vendor_type)
        value = headers[signature.key_header]
        assert value.lower().startswith(signature.prefix.lower())
        headers[signature.key_header] = value[len(signature.prefix) :]
        assert not self.adapter.verify(body, headers, [self.secret])

    def test_several_signatures_in_one_header(self, vendor_type: str) -> None:
        """During a rotation a vendor sends one signature per live key: any one verifies."""
        signature = self.declared()
        body, headers = self.request(vendor_type)
        _, other = self.adapter.sign_request(body, self.other_secret, now=RECEIVED_AT)
        sep = signature.separators[0]
        both = _lower(other)[signature.key_header] + sep + headers[signature.key_header]
        assert self.adapter.verify(body, {**headers, signature.key_header: both}, [self.secret])
        assert not self.adapter.verify(body, {**headers, signature.key_header: both}, ["unrelated"])

    def test_signed_headers_are_covered(self, vendor_type: str) -> None:
        """Each header the declaration signs (a timestamp, an event id) is covered: changing
        one fails verification."""
        signature = self.declared()
        body, headers = self.request(vendor_type)
        for part in signature.signed:
            if isinstance(part, Header) and headers.get(part.name):
                changed = {**headers, part.name: headers[part.name] + "1"}
                assert not self.adapter.verify(body, changed, [self.secret]), part.name

    def test_stale_timestamps_are_refused(self, vendor_type: str) -> None:
        signature = self.declared()
        assert signature.tolerance is not None
        body, headers = self.request(vendor_type)
        for drift in (signature.tolerance + 60, -(signature.tolerance + 60)):
            later = RECEIVED_AT + timedelta(seconds=drift)
            refused = self.adapter.check_request(body, headers, now=later, settings={})
            assert refused is not None, f"a request {drift} s off is accepted"
        within = RECEIVED_AT + timedelta(seconds=signature.tolerance - 1)
        assert self.adapter.check_request(body, headers, now=within, settings={}) is None
        missing = {k: v for k, v in headers.items() if k != signature.timestamp_header}
        assert self.adapter.check_request(body, missing, now=RECEIVED_AT, settings={}) is not None

    # -- normalisation --------------------------------------------------------------------------

    def test_sample_normalizes_to_its_declared_type(self, vendor_type: str) -> None:
        parts = self.adapter.normalize(self.sample(vendor_type), received_at=RECEIVED_AT)
        assert parts.signature_scope == self.adapter.signature_scope
        assert parts.type in CATALOGUE, f"{parts.type!r} is not a catalogued event type"
        assert parts.type == self.adapter.event_types[vendor_type], (
            f"{vendor_type} normalised to {parts.type}, but the mapping says "
            f"{self.adapter.event_types[vendor_type]}"
        )
        assert parts.event_type == vendor_type
        assert parts.event_id, "source.event_id is empty"
        assert parts.timestamp.endswith("Z"), "timestamps are RFC 3339 UTC"
        datetime.fromisoformat(parts.timestamp.replace("Z", "+00:00"))

    def test_the_signed_request_normalizes_to_its_declared_type(self, vendor_type: str) -> None:
        """What the gateway normalises: the request as the vendor sends it, headers included
        (``normalize_request``), for vendors that name the event in a header."""
        body, headers = self.request(vendor_type)
        parts = self.adapter.normalize_request(body, headers, received_at=RECEIVED_AT)
        assert parts.type == self.adapter.event_types[vendor_type]
        assert parts.event_type == vendor_type
        assert parts.event_id, "source.event_id is empty"

    def test_event_round_trips_through_the_struct(self, vendor_type: str) -> None:
        parts = self.adapter.normalize(self.sample(vendor_type), received_at=RECEIVED_AT)
        as_json = event_json(self.adapter, parts)
        decoded = EVENT_DECODER.decode(msgspec.json.encode(as_json))
        assert msgspec.json.decode(msgspec.json.encode(decoded)) == as_json
        assert decoded.__struct_config__.tag == parts.type

    def test_event_validates_against_its_json_schema(self, vendor_type: str) -> None:
        parts = self.adapter.normalize(self.sample(vendor_type), received_at=RECEIVED_AT)
        jsonschema_validate(event_json(self.adapter, parts), parts.type)

    def test_normalizing_twice_gives_the_same_event(self, vendor_type: str) -> None:
        body = self.sample(vendor_type)
        first = self.adapter.normalize(body, received_at=RECEIVED_AT)
        second = self.adapter.normalize(bytes(body), received_at=RECEIVED_AT)
        assert event_json(self.adapter, first) == event_json(self.adapter, second)
        # The dedup key must not depend on when a retry arrives.
        later = self.adapter.normalize(body, received_at=datetime(2030, 6, 1, tzinfo=UTC))
        assert later.event_id == first.event_id, "source.event_id depends on received_at"

    def test_unknown_vendor_type_is_unmapped(self) -> None:
        parts = self.adapter.normalize(self.unknown_type_body(), received_at=RECEIVED_AT)
        assert parts.type == "unmapped"
        assert parts.event_type == UNKNOWN_TYPE
        assert parts.completeness == "raw"

    def test_hostile_bytes_raise_normalization_error_only(self, hostile_body: bytes) -> None:
        try:
            parts = self.adapter.normalize(hostile_body, received_at=RECEIVED_AT)
        except NormalizationError:
            return
        # Accepting is allowed only when the result is a well-formed event.
        assert parts.type in CATALOGUE
        EVENT_DECODER.decode(msgspec.json.encode(event_json(self.adapter, parts)))


def secret_as_issued(adapter: ProviderAdapter, secret: str) -> str:
    """A test secret as the vendor issues secrets: its base64 where the declared key is the
    base64 the secret is (Finch, Standard Webhooks), else as it is."""
    signature = declared_signature(adapter)
    if signature is not None and signature.key == "base64":
        return base64.b64encode(secret.encode("utf-8")).decode("ascii")
    return secret


def declared_signature(adapter: ProviderAdapter) -> Signature | None:
    """The adapter's declared ``Signature``, where it has one (``BaseAdapter.signature``)."""
    signature = getattr(adapter, "signature", None)
    return signature if isinstance(signature, Signature) else None


def _inapplicable(adapter: ProviderAdapter) -> set[str]:
    """The declaration checks that do not apply to this adapter's signature (left out of its
    class rather than skipped, so a skip in the kit always means something is missing)."""
    signature = declared_signature(adapter)
    if signature is None:
        return {name for name in vars(AdapterConformance) if name in _DECLARATION_CHECKS}
    out = set()
    if signature.algorithm == "token":
        out.add("test_each_declared_encoding_verifies")
    if not signature.prefix or not signature.prefix_required:
        out.add("test_the_declared_prefix_is_required")
    if not signature.separators:
        out.add("test_several_signatures_in_one_header")
    if signature.tolerance is None:
        out.add("test_stale_timestamps_are_refused")
    return out


_DECLARATION_CHECKS = {
    "test_each_declared_encoding_verifies",
    "test_the_declared_prefix_is_required",
    "test_several_signatures_in_one_header",
    "test_signed_headers_are_covered",
    "test_stale_timestamps_are_refused",
}


def get_adapter_test_class(adapter: ProviderAdapter) -> type[AdapterConformance]:
    """A test class (collect it by assigning it to a ``Test...`` name) for ``adapter``."""
    name = "".join(part.capitalize() for part in adapter.name.replace("-", "_").split("_"))
    members: dict[str, Any] = {"adapter": adapter}
    members.update(dict.fromkeys(_inapplicable(adapter)))
    return type(f"Test{name}Conformance", (AdapterConformance,), members)


__all__ = [
    "AdapterConformance",
    "BearerTokenSimulator",
    "Delivery",
    "FixedHarness",
    "LoopbackServer",
    "ProvisionerConformance",
    "ProvisionerHarness",
    "Reject",
    "SimCall",
    "SimRequest",
    "VendorSimulator",
    "absolute_url",
    "basic_user",
    "bearer_token",
    "event_names",
    "get_adapter_test_class",
    "get_provisioner_test_class",
    "is_loopback",
    "loopback_only",
    "route",
    "run_provisioner_call",
    "secret_as_issued",
    "simulator_fixtures",
]
