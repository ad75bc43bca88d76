"""The adapter contract (a Protocol, every optional hook declared once) and ``BaseAdapter``,
which carries the shared pieces and the hooks' defaults.

Shared pieces: the declared signature (``providers.signatures``), timestamp parsing, the
``sha256:`` event ids, lenient decoding into vendor Structs. Nothing here does I/O or reads the
clock: ``received_at`` and ``now`` are passed in.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import msgspec

from providers._json import compact_json, parse_json
from providers.completion import Completer
from providers.errors import NormalizationError
from providers.provisioning import Provisioner
from providers.signatures import Signature
from schemas import Completeness, EventData, Normalized, SignatureScope

Category = Literal["ats", "hris"]


@dataclass(frozen=True, slots=True)
class Handshake:
    """A request that sets a webhook up rather than reporting an event (SmartRecruiters'
    ``X-Hook-Secret`` activation, Gusto's ``verification_token`` POST): answered as the vendor
    requires and never stored as an event."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    token: str | None = None
    """A value the vendor hands over for the provisioner to confirm at the vendor (Gusto's
    ``verification_token``); None when answering is all there is to do."""


@runtime_checkable
class ProviderAdapter(Protocol):
    """What the gateway needs from a vendor adapter. Plugins need not inherit from anything, but
    ``BaseAdapter`` supplies every member below except the vendor's own data and ``normalize``.
    Members after ``sample_events`` are the optional hooks; their defaults are ``BaseAdapter``'s.
    """

    name: str
    display_name: str
    category: Category
    event_types: Mapping[str, str]

    @property
    def signature_header(self) -> str:
        """The header the signature arrives in; empty when it is inside the body (Lever)."""
        ...

    def detect(self, headers: Mapping[str, str]) -> bool:
        """Whether a request (lower-cased header names) looks like it came from this vendor."""
        ...

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        """Whether any of ``secrets`` signed ``raw_body`` as this vendor signs. Never raises."""
        ...

    def normalize(self, raw_body: bytes, *, received_at: datetime) -> Normalized:
        """The canonical parts of a verified body; raises ``NormalizationError`` only."""
        ...

    def sign_request(
        self, raw_body: bytes, secret: str, *, now: datetime
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers the vendor would send for ``raw_body`` signed with ``secret`` at
        ``now`` (``send-test``, the demo, the conformance kit)."""
        ...

    def sample_events(self) -> dict[str, bytes]:
        """One realistic body per vendor event type, as the vendor would send it."""
        ...

    @property
    def signature_scope(self) -> SignatureScope:
        """What the signature covers, copied into ``source.signature_scope``: ``body``,
        ``envelope`` (some envelope fields only) or ``token`` (a shared token, no digest)."""
        ...

    @property
    def accepted_status(self) -> int | None:
        """The one status the vendor counts as delivered, answered for every accepted, duplicate
        or quarantined body; None (the default): 202 accepted, 200 duplicate."""
        ...

    @property
    def secret_hint(self) -> str:
        """Which value of the vendor's is the connection's secret (shown by the connection form,
        ``unihook providers`` and ``GET /v1/providers``); empty when it is the obvious one."""
        ...

    @property
    def kept_headers(self) -> Sequence[str]:
        """Vendor headers (lower-case) kept with each receipt beyond content type, agent, x-*."""
        ...

    @property
    def also_emits(self) -> Mapping[str, Sequence[str]]:
        """``{vendor type: canonical types}`` a vendor type may map to besides ``event_types``."""
        ...

    @property
    def provisioner(self) -> Provisioner | None:
        """The vendor's webhook management API, where it has one (``providers.provisioning``)."""
        ...

    @property
    def completer(self) -> Completer | None:
        """Fetches the records the vendor's thin events name, where its API can read them
        (``providers.completion``); used for connections with ``complete: true``."""
        ...

    def check_request(
        self,
        raw_body: bytes,
        headers: Mapping[str, str],
        *,
        now: datetime,
        settings: Mapping[str, str],
    ) -> str | None:
        """After a request verified, a reason to refuse it anyway (``401``: a stale signed
        timestamp), else None. ``settings`` are the provider's ``UNIHOOK_PROVIDER_<NAME>_<KEY>``."""
        ...

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        """Recognise a request on ``/ingest/{tenant}`` by its body, for vendors that send no
        header of their own; asked only when no header matched. Never raises."""
        ...

    def sample_variants(self) -> dict[str, bytes]:
        """Further realistic bodies beyond one per type (``"<vendor type>:<variant>"``)."""
        ...

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        """A set-up request's answer, asked before verification (handshakes come unsigned),
        else None (the default): the request is an event. Never raises."""
        ...

    def normalize_request(
        self, raw_body: bytes, headers: Mapping[str, str], *, received_at: datetime
    ) -> Normalized:
        """The canonical parts of a verified request, for vendors that say in headers what the
        event is (SmartRecruiters' ``event-name`` and ``event-id``); the default is
        ``normalize(raw_body)``. Raises ``NormalizationError`` only."""
        ...


# ---- shared helpers (pure functions) --------------------------------------------------------


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
    """Defaults for adapters: the declared signature does detection, verification, the
    timestamp tolerance and signing; unmapped events; the optional hooks' defaults.

    A vendor module sets the class attributes (``signature`` among them) and implements
    ``normalize`` and ``sample_payloads``; everything else is shared.
    """

    name: ClassVar[str]
    display_name: ClassVar[str]
    category: ClassVar[Category]
    event_types: ClassVar[Mapping[str, str]]
    signature: ClassVar[Signature | None] = None
    """How the vendor signs (``providers.signatures``); None only for a vendor whose signature
    does not fit the model and that implements ``verify`` and ``sign_request`` itself."""
    signature_scope: ClassVar[SignatureScope] = "body"
    accepted_status: ClassVar[int | None] = None
    kept_headers: ClassVar[Sequence[str]] = ()
    also_emits: ClassVar[Mapping[str, Sequence[str]]] = {}
    secret_hint: ClassVar[str] = ""
    """Which value of the vendor's to paste as the connection's secret, in the vendor's words
    (shown by the connection form, ``unihook providers`` and ``GET /v1/providers``)."""

    def __init__(
        self, *, provisioner: Provisioner | None = None, completer: Completer | None = None
    ) -> None:
        self._provisioner = provisioner
        self._completer = completer

    @property
    def provisioner(self) -> Provisioner | None:
        """The vendor's webhook management API, declared where the adapter is made."""
        return self._provisioner

    @property
    def completer(self) -> Completer | None:
        """The completer of the vendor's thin events, declared where the adapter is made."""
        return self._completer

    @property
    def signature_header(self) -> str:
        return self.signature.header if self.signature is not None else ""

    def detect(self, headers: Mapping[str, str]) -> bool:
        return self.signature is not None and self.signature.detect(headers)

    def detect_body(self, raw_body: bytes, headers: Mapping[str, str]) -> bool:
        return False

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        return self.signature is not None and self.signature.verify(raw_body, headers, secrets)

    def check_request(
        self,
        raw_body: bytes,
        headers: Mapping[str, str],
        *,
        now: datetime,
        settings: Mapping[str, str],
    ) -> str | None:
        if self.signature is None:
            return None
        return self.signature.stale(headers, now=now, settings=settings)

    def request_headers(self, raw_body: bytes) -> dict[str, str]:
        """Headers the vendor sends besides its signature (and the timestamp it signs)."""
        return {"content-type": "application/json"}

    def sign_request(
        self, raw_body: bytes, secret: str, *, now: datetime
    ) -> tuple[bytes, dict[str, str]]:
        if self.signature is None:
            raise NotImplementedError(f"{self.name} declares no signature to sign with")
        headers = self.signature.sign(
            raw_body, secret, now=now, headers=self.request_headers(raw_body)
        )
        return raw_body, headers

    def sample_variants(self) -> dict[str, bytes]:
        return {}

    def handshake(self, raw_body: bytes, headers: Mapping[str, str]) -> Handshake | None:
        return None

    def normalize_request(
        self, raw_body: bytes, headers: Mapping[str, str], *, received_at: datetime
    ) -> Normalized:
        return self.normalize(raw_body, received_at=received_at)

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
                    obj, copied = self._copy(obj, where), True
                self._leave_out(obj, exc, where)
            except (RecursionError, ValueError) as exc:
                raise NormalizationError(self.name, f"invalid {where}: {exc}") from None
        raise NormalizationError(self.name, f"invalid {where}: too many mistyped fields")

    def _copy(self, obj: Any, where: str) -> Any:
        """A copy to leave fields out of; a document too deep to copy is not a vendor's."""
        try:
            return copy.deepcopy(obj)
        except RecursionError:
            raise NormalizationError(self.name, f"invalid {where}: nested too deeply") from None

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
        canonical: str | None = None,
    ) -> Normalized:
        """The ``Normalized`` event of ``vendor_type``; ``canonical`` when the body, not the
        event table, decides its canonical type (a subtype, a record's model)."""
        return Normalized(
            type=canonical or self.event_types[vendor_type],
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


# ---- what the registry, the docs and the kit read off an adapter ---------------------------


def all_samples(adapter: ProviderAdapter) -> dict[str, bytes]:
    """One body per vendor type, then the variants (``<vendor type>:<variant>``)."""
    return {**adapter.sample_events(), **adapter.sample_variants()}


def emitted_types(adapter: ProviderAdapter) -> set[str]:
    """Every canonical type the adapter's mapping can produce."""
    out = set(adapter.event_types.values())
    for types in adapter.also_emits.values():
        out.update(types)
    return out
