"""The adapter contract (a Protocol) and ``BaseAdapter``, which carries the shared pieces once.

Shared pieces: the constant-time HMAC check over candidate signed contents and digest encodings,
compact JSON re-serialisation, timestamp parsing, and the ``sha256:`` event id. Nothing here does
I/O or reads the clock: ``received_at`` is passed in.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import copy
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import msgspec

from providers.errors import NormalizationError
from providers.provisioning import Provisioner
from schemas import Completeness, EventData, Normalized, SignatureScope

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
    """The event id for vendors that send none and sign the raw bytes only:
    ``sha256:<hex of the raw body>``."""
    return "sha256:" + hashlib.sha256(raw_body).hexdigest()


def canonical_event_id(raw_body: bytes) -> str:
    """The event id for vendors that send none and whose signature may verify over a
    re-serialisation: ``sha256:`` of the compact form of the parsed body (``compact_json``), so a
    copy re-sent pretty-printed, ASCII-escaped or with a trailing newline is the same event. A
    body that is not JSON keeps the raw hash."""
    try:
        return sha256_event_id(compact_json(parse_json(raw_body)))
    except ValueError:
        return sha256_event_id(raw_body)


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


EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def parse_timestamp(value: object, *, plausible: bool = True) -> str | None:
    """A vendor time (ISO 8601 string, or unix seconds or milliseconds) as RFC 3339 UTC, else
    None. A number is seconds when that reads as a time from 1990 to 2100, else milliseconds
    when that does; with ``plausible`` (the default) any time outside those years is None, so
    the caller falls back to the time it received the event (a year 5138 is a vendor's bug)."""
    if isinstance(value, bool):
        return None
    try:
        moment = _moment(value, plausible)
    except (ValueError, OverflowError, OSError):
        return None
    if moment is None or (plausible and not EARLIEST <= moment < LATEST):
        return None
    return format_timestamp(moment)


def _moment(value: object, plausible: bool) -> datetime | None:
    if isinstance(value, int | float):
        if not plausible:
            return datetime.fromtimestamp(value / 1000 if abs(value) > 1e11 else value, tz=UTC)
        for seconds in (value, value / 1000):
            with contextlib.suppress(ValueError, OverflowError, OSError):
                moment = datetime.fromtimestamp(seconds, tz=UTC)
                if EARLIEST <= moment < LATEST:
                    return moment
        return None
    if isinstance(value, str) and value:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return None


def first_timestamp(*values: object) -> str | None:
    for value in values:
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed
    return None


_US_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: object) -> str | None:
    """A vendor's calendar date (``YYYY-MM-DD``, ``MM/DD/YYYY``, or an ISO 8601 time whose date
    part is the day meant, e.g. a start date written as midnight) as ``YYYY-MM-DD``, else None.
    The date is taken as written, never shifted to UTC: a start date is a day, not an instant."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    us = _US_DATE.fullmatch(text)
    if us:
        text = f"{us[3]}-{us[1]}-{us[2]}"
    iso = _ISO_DATE.match(text)
    if iso is None or (len(text) > 10 and text[10] not in "Tt "):
        return None
    try:
        return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
    except ValueError:
        return None


# ---- fields left out ------------------------------------------------------------------------

MAX_DROPPED_FIELDS = 16
_DROPPED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "unihook_dropped_fields", default=None
)
_PATH = re.compile(r" - at `\$((?:\.[^.\[`]+|\[\d+\])+)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


@contextlib.contextmanager
def dropped_fields() -> Iterator[list[str]]:
    """Collect the ``provider:field`` names ``BaseAdapter.decode`` leaves out inside the block
    (the gateway counts them in a metric)."""
    found: list[str] = []
    token = _DROPPED.set(found)
    try:
        yield found
    finally:
        _DROPPED.reset(token)


def _note_dropped(name: str) -> None:
    found = _DROPPED.get()
    if found is not None:
        found.append(name)


def _error_path(error: Exception) -> list[str | int] | None:
    match = _PATH.search(str(error))
    if match is None:
        return None
    return [int(i) if i else key for key, i in _STEP.findall(match.group(1))]


def _field_name(path: list[str | int]) -> str:
    return ".".join(str(step) for step in path if isinstance(step, str))


def _drop(document: Any, path: list[str | int]) -> bool:
    """Remove the field the path ends in (for a list element: the list's whole field)."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    if not path:
        return False
    parent = document
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return False
    if not isinstance(parent, dict) or path[-1] not in parent:
        return False
    del parent[path[-1]]
    return True


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
    signature_scope: ClassVar[SignatureScope] = "body"
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
        """Decode with msgspec into a vendor Struct; any failure becomes ``NormalizationError``.

        A field of the wrong type is left out (reported through ``dropped_fields``) and the rest
        decoded, so one mistyped optional field does not quarantine the event; a required field
        of the wrong type still fails."""
        body, document = raw_body, None
        for _ in range(MAX_DROPPED_FIELDS + 1):
            try:
                return msgspec.json.decode(body, type=type_)
            except msgspec.ValidationError as exc:
                if document is None:
                    document = self._untyped(raw_body, exc)
                self._leave_out(document, exc, "payload")
                body = msgspec.json.encode(document)
            except (msgspec.DecodeError, RecursionError, UnicodeDecodeError, ValueError) as exc:
                raise NormalizationError(self.name, f"invalid payload: {exc}") from None
        raise NormalizationError(self.name, "invalid payload: too many mistyped fields")

    def convert(self, obj: Any, type_: type[Any], where: str) -> Any:
        """``msgspec.convert`` a decoded sub-document, errors naming ``where``; mistyped fields
        are left out as in ``decode``."""
        copied = False
        for _ in range(MAX_DROPPED_FIELDS + 1):
            try:
                return msgspec.convert(obj, type=type_)
            except msgspec.ValidationError as exc:
                if not copied:
                    obj, copied = copy.deepcopy(obj), True
                self._leave_out(obj, exc, where)
            except (RecursionError, ValueError) as exc:
                raise NormalizationError(self.name, f"invalid {where}: {exc}") from None
        raise NormalizationError(self.name, f"invalid {where}: too many mistyped fields")

    def _untyped(self, raw_body: bytes, error: Exception) -> Any:
        try:
            return msgspec.json.decode(raw_body)
        except (msgspec.DecodeError, RecursionError, ValueError):
            raise NormalizationError(self.name, f"invalid payload: {error}") from None

    def _leave_out(self, document: Any, error: Exception, where: str) -> None:
        """Drop the field ``error`` names from ``document``, or raise when it names none."""
        path = _error_path(error)
        # An id is what names the resource: one that cannot be read is a malformed resource,
        # never an optional detail to leave out.
        if path is None or path[-1] == "id" or not _drop(document, path):
            raise NormalizationError(self.name, f"invalid {where}: {error}") from None
        _note_dropped(f"{self.name}:{_field_name(path)}")

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
            signature_scope=self.signature_scope,
        )

    def parts(
        self,
        *,
        vendor_type: str,
        event_id: str,
        timestamp: str,
        completeness: Completeness,
        data: EventData,
        also: tuple[Normalized, ...] = (),
    ) -> Normalized:
        return Normalized(
            type=self.event_types[vendor_type],
            timestamp=timestamp,
            event_id=event_id,
            event_type=vendor_type,
            completeness=completeness,
            data=data,
            signature_scope=self.signature_scope,
            also=also,
        )

    def derived(self, main: Normalized, type: str, event_id: str, data: EventData) -> Normalized:
        """An event ``main``'s body implies besides it (declared in ``also_emits``): same vendor
        type, time and completeness; ``event_id`` is its own dedup key."""
        return Normalized(
            type=type,
            timestamp=main.timestamp,
            event_id=event_id,
            event_type=main.event_type,
            completeness=main.completeness,
            data=data,
            signature_scope=main.signature_scope,
        )
