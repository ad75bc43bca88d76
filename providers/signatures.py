"""Declared signatures: what a vendor signs, and how, as data.

A vendor's signature is a ``Signature``: the header it arrives in, the HMAC (or plain token) it
is, the bytes it covers (a recipe of the body, literal text and other headers), the encodings of
the digest, an optional prefix, how several signatures share one header, how the key is derived
from the secret, and a tolerance for a signed timestamp. ``verify`` and ``sign`` follow from the
declaration, so a vendor folder states only its differences (the shape of django-anymail's
``webhooks/base.py``). Every comparison is constant-time; nothing here reads the clock (``now``
is passed in) or raises on hostile input.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeAlias

from providers._json import compact_json, js_restringify, parse_json, python_dumps

Encoding = Literal["hex", "base64", "base64url"]
"""Digest encodings. ``base64url`` accepts the digest with or without its ``=`` padding and
``base64`` accepts it without padding too (vendors differ, and padding proves nothing)."""
Algorithm = Literal["hmac-sha256", "hmac-sha512", "token"]
"""``token``: no digest, the header holds a shared token compared with the secret itself."""
KeyEncoding = Literal["utf-8", "base64"]
"""How the HMAC key is made from a secret: its UTF-8 bytes, or (Standard Webhooks, Finch) the
base64 it is, after an optional ``whsec_``."""
BodyForm = Literal["raw", "compact", "js", "python"]
"""Which bytes stand for the body: as received, or a re-serialisation of the parsed body for
vendors that sign what they serialised rather than what they sent (``compact``: Python's compact
``json.dumps``; ``js``: ``JSON.stringify``; ``python``: ``json.dumps`` with default separators)."""
TimestampUnit = Literal["s", "ms"]


@dataclass(frozen=True)
class Header:
    """A request header's value as part of the signed bytes."""

    name: str
    required: bool = True
    """A missing required header fails verification; a missing optional one is empty text."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.name.lower())


class _Body:
    def __repr__(self) -> str:
        return "BODY"


BODY = _Body()
"""The request body (in each accepted ``BodyForm``) as part of the signed bytes."""

Part: TypeAlias = _Body | Header | str
"""One piece of the signed bytes: the body, a header's value, or literal text."""

_DIGEST_SIZES = {"hmac-sha256": 32, "hmac-sha512": 64}
_HASHES: dict[str, Callable[[], hashlib._Hash]] = {
    "hmac-sha256": hashlib.sha256,
    "hmac-sha512": hashlib.sha512,
}
_FORMS: dict[BodyForm, Callable[[bytes], bytes]] = {
    "raw": lambda body: body,
    "compact": lambda body: compact_json(parse_json(body)),
    "js": js_restringify,
    "python": lambda body: python_dumps(parse_json(body)),
}
_HEX = re.compile(r"[0-9a-fA-F]+")
MAX_SIGNATURES = 16
"""At most this many signatures in one header are tried (rotation lists a handful)."""


@dataclass(frozen=True)
class Signature:
    """How one vendor signs a request. See the module docstring; examples in ``docs/adapters.md``.

    ``signed`` is the recipe of the signed bytes, e.g. ``(BODY,)`` (the default),
    ``("POST", BODY)``, ``(BODY, ":", Header("x-remote-timestamp"))`` or
    ``(Header("webhook-id"), ".", Header("webhook-timestamp"), ".", BODY)``.
    """

    header: str
    algorithm: Algorithm = "hmac-sha256"
    signed: tuple[Part, ...] = (BODY,)
    encodings: tuple[Encoding, ...] = ("hex",)
    """Accepted digest encodings; the first is the one ``sign`` writes."""
    prefix: str = ""
    """Text before each digest (``sha256=``, ``v1,``, ``v1=``)."""
    prefix_case_sensitive: bool = False
    prefix_required: bool = True
    """False where the prefix may be left out: the vendor sends a bare digest, and one with the
    prefix is accepted too (``sign`` then writes none)."""
    separators: str = ""
    """Characters that separate several signatures in one header (``" "`` for Standard
    Webhooks, ``";"`` for SmartRecruiters); empty: the header holds one signature."""
    body_forms: tuple[BodyForm, ...] = ("raw",)
    """The forms of the body tried, cheapest first; the raw bytes should come first."""
    sign_form: BodyForm = "raw"
    """The form ``sign`` signs (what the vendor's own code signs)."""
    sign_padding: bool = True
    """Whether ``sign`` writes base64 padding (vendors that send base64url without it: False)."""
    key: KeyEncoding = "utf-8"
    timestamp_header: str | None = None
    """The header with the signed send time, where there is one (for the tolerance)."""
    timestamp_unit: TimestampUnit = "s"
    tolerance: int | None = None
    """Seconds a signed timestamp may be off ``now`` either way; None: not checked."""
    tolerance_setting: str | None = None
    """Where the vendor suggests no tolerance: the provider setting (``<key>`` of
    ``UNIHOOK_PROVIDER_<NAME>_<KEY>``) that sets one in whole seconds; unset, none is checked."""
    token_schemes: tuple[str, ...] = field(default=())
    """For ``token``: schemes that may precede the token (``Bearer``), stripped before comparing."""
    key_header: str = field(init=False, repr=False)
    """``header`` lower-cased: request headers reach adapters with lower-case names."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_header", self.header.lower())
        if self.timestamp_header is not None:
            object.__setattr__(self, "timestamp_header", self.timestamp_header.lower())
        if self.sign_form not in self.body_forms:
            raise ValueError("sign_form must be one of body_forms")

    # -- verification --

    def detect(self, headers: Mapping[str, str]) -> bool:
        """Whether a request carries this signature's header (with its prefix, if required)."""
        value = headers.get(self.key_header)
        if value is None:
            return False
        if self.prefix and self.prefix_required and self.algorithm != "token":
            return self._has_prefix(value.lstrip())
        return True

    def _has_prefix(self, text: str) -> bool:
        head = text[: len(self.prefix)]
        if self.prefix_case_sensitive:
            return head == self.prefix
        return head.lower() == self.prefix.lower()

    def verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        """Whether any of ``secrets`` signed this request. Never raises; fails closed."""
        try:
            return self._verify(raw_body, headers, secrets)
        except Exception:  # hostile input must fail closed, never reach the caller
            return False

    def _verify(self, raw_body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> bool:
        value = headers.get(self.key_header, "")
        if not value or not secrets:
            return False
        if self.algorithm == "token":
            return self._token_matches(value, secrets)
        presented = self.presented_digests(value)
        if not presented:
            return False
        keys = [k for k in (self.key_bytes(s) for s in secrets) if k]
        for content in self.signed_contents(raw_body, headers):
            for key in keys:
                expected = self.digest(key, content)
                matched = False
                for candidate in presented:
                    matched |= hmac.compare_digest(expected, candidate)
                if matched:
                    return True
        return False

    def _token_matches(self, value: str, secrets: Sequence[str]) -> bool:
        token = value.strip()
        for scheme in self.token_schemes:
            if token[: len(scheme) + 1].lower() == scheme.lower() + " ":
                token = token[len(scheme) + 1 :].strip()
                break
        presented = token.encode("utf-8")
        matched = False
        for secret in secrets:
            matched |= hmac.compare_digest(presented, secret.encode("utf-8"))
        return matched

    def presented_digests(self, value: str) -> list[bytes]:
        """Every digest the header's value may stand for, under the accepted encodings."""
        items = [value]
        if self.separators:
            for sep in self.separators:
                items = [piece for item in items for piece in item.split(sep)]
        out: list[bytes] = []
        for item in items[:MAX_SIGNATURES]:
            text = item.strip()
            if self.prefix and self._has_prefix(text):
                text = text[len(self.prefix) :]
            elif self.prefix and self.prefix_required:
                continue
            out.extend(decode_digest(text, self.encodings, _DIGEST_SIZES[self.algorithm]))
        return out

    def signed_contents(self, raw_body: bytes, headers: Mapping[str, str]) -> Iterator[bytes]:
        """The byte strings the vendor may have signed, in the order of ``body_forms``."""
        seen: set[bytes] = set()
        for form in self.body_forms:
            try:
                body = _FORMS[form](raw_body)
            except (ValueError, UnicodeError):
                continue
            if body in seen:
                continue
            seen.add(body)
            content = self.assemble(body, headers)
            if content is None:
                return
            yield content

    def assemble(self, body: bytes, headers: Mapping[str, str]) -> bytes | None:
        """The signed bytes for one form of the body, or None when a required header is absent."""
        pieces: list[bytes] = []
        for part in self.signed:
            if isinstance(part, _Body):
                pieces.append(body)
            elif isinstance(part, Header):
                value = headers.get(part.name)
                if value is None and part.required:
                    return None
                pieces.append((value or "").encode("utf-8"))
            else:
                pieces.append(part.encode("utf-8"))
        return b"".join(pieces)

    def key_bytes(self, secret: str) -> bytes:
        """The HMAC key a secret stands for (empty when a base64 secret does not decode)."""
        if self.key == "utf-8":
            return secret.encode("utf-8")
        text = secret.strip()
        if text.startswith("whsec_"):
            text = text[len("whsec_") :]
        try:
            return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (ValueError, binascii.Error):
            return b""

    def digest(self, key: bytes, content: bytes) -> bytes:
        return hmac.new(key, content, _HASHES[self.algorithm]).digest()

    def stale(
        self,
        headers: Mapping[str, str],
        *,
        now: datetime,
        settings: Mapping[str, str] | None = None,
    ) -> str | None:
        """Why the signed timestamp is outside the tolerance (or unreadable), else None;
        ``settings`` are the provider's, read for ``tolerance_setting``."""
        tolerance = self._tolerance(settings or {})
        if tolerance is None or self.timestamp_header is None:
            return None
        text = headers.get(self.timestamp_header, "").strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 16:
            return "missing or unreadable signature timestamp"
        sent = int(text) / (1000 if self.timestamp_unit == "ms" else 1)
        if abs(now.timestamp() - sent) > tolerance:
            return "signature timestamp outside the tolerance"
        return None

    def _tolerance(self, settings: Mapping[str, str]) -> int | None:
        if self.tolerance is not None or self.tolerance_setting is None:
            return self.tolerance
        window = settings.get(self.tolerance_setting, "").strip()
        return int(window) if window.isascii() and window.isdigit() else None

    # -- signing (send-test, the conformance kit, the vendors' simulators) --

    def sign(
        self,
        raw_body: bytes,
        secret: str,
        *,
        now: datetime,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """The headers the vendor sends with ``raw_body``: the given ``headers`` (lower-cased),
        the timestamp header (from ``now``) where one is declared and not given, and the
        signature."""
        out = {name.lower(): value for name, value in (headers or {}).items()}
        if self.timestamp_header is not None and self.timestamp_header not in out:
            seconds = now.timestamp()
            out[self.timestamp_header] = str(
                int(seconds * 1000) if self.timestamp_unit == "ms" else int(seconds)
            )
        if self.algorithm == "token":
            out[self.key_header] = secret
            return out
        try:
            body = _FORMS[self.sign_form](raw_body)
        except (ValueError, UnicodeError):  # not JSON: nothing to re-serialise
            body = raw_body
        content = self.assemble(body, out)
        if content is None:
            missing = [p.name for p in self.signed if isinstance(p, Header) and p.name not in out]
            raise ValueError(f"cannot sign without the headers {missing}")
        digest = self.digest(self.key_bytes(secret), content)
        encoded = encode_digest(digest, self.encodings[0])
        if not self.sign_padding:
            encoded = encoded.rstrip("=")
        out[self.key_header] = (self.prefix if self.prefix_required else "") + encoded
        return out


def stale_request(
    sent: float, *, now: datetime, settings: Mapping[str, str], default_max_age: int, what: str
) -> str | None:
    """Why a request sent at ``sent`` (epoch seconds, from ``what``: the field or header that
    signs it) is refused as a replay: it is further from ``now`` than the provider's ``max_age``
    setting (seconds; a value that is not a positive whole number falls back to
    ``default_max_age``). ``None`` when it is fresh."""
    try:
        limit = int(settings.get("max_age", default_max_age))
    except (TypeError, ValueError):
        limit = default_max_age
    if limit <= 0:
        limit = default_max_age
    if abs(now.timestamp() - sent) > limit:
        return f"stale request: {what} is more than {limit} seconds from now"
    return None


def encode_digest(digest: bytes, encoding: Encoding) -> str:
    """A digest in ``encoding``, base64 padded."""
    if encoding == "hex":
        return digest.hex()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    return base64.urlsafe_b64encode(digest).decode("ascii")


def decode_digest(text: str, encodings: Sequence[Encoding], size: int = 32) -> list[bytes]:
    """Every digest of ``size`` bytes that ``text`` decodes to under ``encodings``."""
    out: list[bytes] = []
    if not text or not text.isascii():
        return out
    for encoding in encodings:
        try:
            if encoding == "hex":
                if _HEX.fullmatch(text) is None:
                    continue
                out.append(bytes.fromhex(text))
            elif encoding == "base64":
                if "-" in text or "_" in text:
                    continue
                out.append(base64.b64decode(text + "=" * (-len(text) % 4), validate=True))
            else:
                if "+" in text or "/" in text:
                    continue
                padded = text + "=" * (-len(text) % 4)
                out.append(base64.b64decode(padded, altchars=b"-_", validate=True))
        except (ValueError, binascii.Error):
            continue
    return [d for d in out if len(d) == size]
