"""The adapter contract (a Protocol) and ``BaseAdapter``, which carries the shared pieces once.

Shared pieces: the constant-time HMAC check over candidate signed contents and digest encodings,
compact JSON re-serialisation, timestamp parsing, and the ``sha256:`` event id. Nothing here does
I/O or reads the clock: ``received_at`` is passed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import msgspec

from providers.errors import NormalizationError
from providers.provisioning import Provisioner
from schemas import Completeness, EventData, Normalized

Encoding = Literal["hex", "base64", "base64url"]
Category = Literal["ats", "hris"]


@runtime_checkable
class ProviderAdapter(Protocol):
    """What the gateway needs from a vendor adapter. Plugins need not inherit from anything."""

    name: str
    display_name: str
    category: Category
    signature_header: str
    event_types: Mapping[str, str]

    def detect(self, headers: Mapping[str, str]) -> bool:
        """Whether a request (lower-cased header names) looks like it came from this vendor."""
        ...

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        """Whether any of ``secrets`` signed ``raw_body`` as this vendor signs. Never raises."""
        ...

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        """The canonical parts of a verified body; raises ``NormalizationError`` only."""
        ...

    def sign(self, raw_body: bytes, secret: str) -> dict[str, str]:
        """The headers this vendor would send with ``raw_body`` (for ``send-test`` and tests)."""
        ...

    def sample_events(self) -> dict[str, bytes]:
        """One realistic body per vendor event type, as the vendor would send it."""
        ...


# ---- shared helpers (pure functions) --------------------------------------------------------


def parse_json(raw_body: bytes) -> Any:
    """Parse a body strictly as UTF-8 JSON; raise ``ValueError`` (never anything else)."""
    try:
        return json.loads(raw_body.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        raise ValueError(str(exc)) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def compact_json(obj: Any) -> bytes:
    """``json.dumps(obj, separators=(",", ":"), ensure_ascii=False)`` as UTF-8, key order kept."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def js_restringify(raw_body: bytes) -> bytes:
    """``JSON.stringify(JSON.parse(body))`` in one pass, with msgspec: numbers are written as
    JavaScript writes them while parsing, so nothing walks the document afterwards. Raises
    ``ValueError`` only."""
    try:
        return msgspec.json.encode(_JS_DECODER.decode(raw_body))
    except (msgspec.DecodeError, msgspec.EncodeError, RecursionError, ValueError) as exc:
        raise ValueError(str(exc)) from None


def js_number(value: float) -> str:
    """ECMAScript's Number::toString for a finite float: the shortest round-trip digits (the
    same digits as Python's ``repr``), laid out as JavaScript does (``1e+21``, ``1e-7``,
    ``0.00001``, ``1`` for ``1.0``)."""
    if value != value or value in (float("inf"), float("-inf")):
        return "null"  # what JSON.stringify writes for NaN and the infinities
    if value == 0:
        return "0"
    if value < 0:
        return "-" + js_number(-value)
    mantissa, _, exp = repr(value).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + int(exp or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    sign = "+" if e >= 0 else "-"
    head = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(e)}"


def _js_float(text: str) -> msgspec.Raw:
    return msgspec.Raw(js_number(float(text)).encode("ascii"))


_JS_DECODER = msgspec.json.Decoder(float_hook=_js_float)


def python_dumps(obj: Any) -> bytes:
    """What Python's ``json.dumps(payload)`` gives with its default separators and escaping."""
    return json.dumps(obj).encode("ascii")


def hmac_sha256(secret: str, content: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), content, hashlib.sha256).digest()


def encode_digest(digest: bytes, encoding: Encoding) -> str:
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    return base64.urlsafe_b64encode(digest).decode("ascii")


def decode_signature(signature: str, encodings: Sequence[Encoding]) -> list[bytes]:
    """Every digest the presented signature could stand for under the accepted encodings."""
    sig = signature.strip()
    if sig.lower().startswith("sha256="):
        sig = sig[7:]
    out: list[bytes] = []
    for encoding in encodings:
        try:
            if encoding == "hex":
                out.append(bytes.fromhex(sig))
            elif encoding == "base64":
                out.append(base64.b64decode(sig + "=" * (-len(sig) % 4), validate=True))
            else:
                if "+" in sig or "/" in sig:
                    continue
                padded = sig + "=" * (-len(sig) % 4)
                out.append(base64.b64decode(padded, altchars=b"-_", validate=True))
        except (ValueError, binascii.Error):
            continue
    return [d for d in out if len(d) == hashlib.sha256().digest_size]


def hmac_matches(
    secrets: Sequence[str],
    contents: Iterable[bytes],
    signature: str,
    encodings: Sequence[Encoding],
) -> bool:
    """Constant-time check of ``signature`` against HMAC-SHA256 of each content by each secret.

    ``contents`` may be a lazy iterator: later candidates (re-serialisations) are only computed
    when the earlier ones did not match.
    """
    presented = decode_signature(signature, encodings)
    if not presented or not secrets:
        return False
    for content in contents:
        for secret in secrets:
            expected = hmac_sha256(secret, content)
            for candidate in presented:
                if hmac.compare_digest(expected, candidate):
                    return True
    return False


def sha256_event_id(raw_body: bytes) -> str:
    """The event id for vendors that send none: ``sha256:<hex of the raw body>``."""
    return "sha256:" + hashlib.sha256(raw_body).hexdigest()


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``; fraction only when there is one (ms, else µs)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    micro = moment.microsecond
    if micro == 0:
        return moment.isoformat("T", "seconds") + "Z"
    if micro % 1000 == 0:
        return moment.isoformat("T", "milliseconds") + "Z"
    return moment.isoformat("T", "microseconds") + "Z"


def parse_timestamp(value: object) -> str | None:
    """A vendor time (ISO 8601 string, or unix seconds/milliseconds) as RFC 3339 UTC, else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if abs(value) > 1e11 else value
            return format_timestamp(datetime.fromtimestamp(seconds, tz=UTC))
        if isinstance(value, str) and value:
            text = value.strip()
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            return format_timestamp(datetime.fromisoformat(text))
    except (ValueError, OverflowError, OSError):
        return None
    return None


def first_timestamp(*values: object) -> str | None:
    for value in values:
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed
    return None


# ---- the convenience base class -------------------------------------------------------------


class BaseAdapter:
    """Defaults for adapters: header lookup, HMAC verification, detection, unmapped events.

    A vendor module sets the class attributes, lists its signed contents in ``signed_contents``
    and implements ``normalize``; everything else is shared.
    """

    name: ClassVar[str]
    display_name: ClassVar[str]
    category: ClassVar[Category]
    signature_header: ClassVar[str]
    event_types: ClassVar[Mapping[str, str]]
    encodings: ClassVar[Sequence[Encoding]] = ("hex",)
    sign_encoding: ClassVar[Encoding] = "hex"
    provisioner: ClassVar[Provisioner | None] = None
    """The vendor's webhook management API, where it has one (see ``providers.provisioning``)."""
    accepted_status: ClassVar[int] = 202
    """What ingest answers an accepted or quarantined body: 200 where a vendor counts only 200."""
    kept_headers: ClassVar[Sequence[str]] = ()
    """Vendor headers (lower-case) kept with each receipt beyond content type, agent and x-*."""

    def detect(self, headers: Mapping[str, str]) -> bool:
        return self.signature_header.lower() in headers

    def signed_contents(self, raw_body: bytes) -> Iterator[bytes]:
        """The byte strings this vendor may have signed, cheapest first. Default: the raw body."""
        yield raw_body

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        signature = headers.get(self.signature_header.lower(), "")
        if not signature or not secrets:
            return False
        try:
            return hmac_matches(secrets, self.signed_contents(raw_body), signature, self.encodings)
        except Exception:  # fail closed on anything hostile input can provoke
            return False

    def sign(self, raw_body: bytes, secret: str) -> dict[str, str]:
        digest = hmac_sha256(secret, raw_body)
        return {
            "content-type": "application/json",
            self.signature_header.lower(): encode_digest(digest, self.sign_encoding),
        }

    def sample_events(self) -> dict[str, bytes]:
        return {kind: compact_json(payload) for kind, payload in self.sample_payloads().items()}

    def sample_payloads(self) -> dict[str, dict[str, Any]]:
        raise NotImplementedError

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        raise NotImplementedError

    # -- helpers for subclasses --

    def decode(self, raw_body: bytes, type_: type[Any]) -> Any:
        """Decode with msgspec into a vendor Struct; any failure becomes ``NormalizationError``."""
        try:
            return msgspec.json.decode(raw_body, type=type_)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise NormalizationError(self.name, f"invalid payload: {exc}") from None
        except (RecursionError, UnicodeDecodeError, ValueError) as exc:
            raise NormalizationError(self.name, f"invalid payload: {exc}") from None

    def convert(self, obj: Any, type_: type[Any], where: str) -> Any:
        """``msgspec.convert`` a decoded sub-document, errors naming ``where``."""
        try:
            return msgspec.convert(obj, type=type_)
        except (msgspec.ValidationError, RecursionError, ValueError) as exc:
            raise NormalizationError(self.name, f"invalid {where}: {exc}") from None

    def unmapped(
        self, raw_body: bytes, vendor_type: str, event_id: str, timestamp: str
    ) -> Normalized:
        """The event for a vendor type this adapter does not know: stored, emitted, never lost."""
        payload = self.decode(raw_body, dict[str, Any])
        return Normalized(
            type="unmapped",
            timestamp=timestamp,
            event_id=event_id,
            event_type=vendor_type,
            completeness="raw",
            data=payload,
        )

    def parts(
        self,
        *,
        vendor_type: str,
        event_id: str,
        timestamp: str,
        completeness: Completeness,
        data: EventData,
    ) -> Normalized:
        return Normalized(
            type=self.event_types[vendor_type],
            timestamp=timestamp,
            event_id=event_id,
            event_type=vendor_type,
            completeness=completeness,
            data=data,
        )
