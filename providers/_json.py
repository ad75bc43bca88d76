"""JSON as vendors write it: strict parsing and the re-serialisations vendors sign."""

from __future__ import annotations

import json
from typing import Any

import msgspec


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
