"""HatchBeacon signs ``JSON.stringify(payload)``: our re-serialisation must write numbers exactly
as JavaScript does. The expected strings were produced by Node.js 20 (``x.toString()`` and
``JSON.stringify({v: x})``), not by our code."""

from __future__ import annotations

import json

import pytest

from providers import js_number, js_restringify

NODE = [
    (1.5, "1.5"),
    (0.1, "0.1"),
    (1e21, "1e+21"),
    (1e-7, "1e-7"),
    (9.38595867742349e-7, "9.38595867742349e-7"),
    (3.933536230698396e21, "3.933536230698396e+21"),
    (0.00001, "0.00001"),
    (0.000001, "0.000001"),
    (1.5e-6, "0.0000015"),
    (123.456, "123.456"),
    (-0.5, "-0.5"),
    (1e300, "1e+300"),
    (-1e-300, "-1e-300"),
    (5e-324, "5e-324"),
    (1.7976931348623157e308, "1.7976931348623157e+308"),
    (0.1 + 0.2, "0.30000000000000004"),
    (2.5e-5, "0.000025"),
    (1.2345e22, "1.2345e+22"),
    (100.25, "100.25"),
    (-0.0001234, "-0.0001234"),
    (1.0, "1"),
    (1e20, "100000000000000000000"),
    (-0.0, "0"),
]


@pytest.mark.parametrize(("value", "expected"), NODE)
def test_numbers_are_written_as_javascript_writes_them(value: float, expected: str) -> None:
    assert js_number(value) == expected
    pretty = json.dumps({"v": value}, indent=2).encode()
    assert js_restringify(pretty) == b'{"v":' + expected.encode() + b"}"


def test_restringify_keeps_text_and_order_and_maps_what_json_cannot_hold() -> None:
    body = '{\n  "z": "Jos\u00e9 \u674e\u96f7 \\u0001 \\/",\n  "a": [1E3, 1e400, true, null]\n}'
    assert js_restringify(body.encode()) == (
        '{"z":"Jos\u00e9 \u674e\u96f7 \\u0001 /","a":[1000,null,true,null]}'.encode()
    )


@pytest.mark.parametrize("body", [b"", b"{", b'{"a": NaN}', b"\xff", b"[" * 100_000])
def test_restringify_raises_value_error_only(body: bytes) -> None:
    with pytest.raises(ValueError, match=r"truncated|malformed|recursion"):
        js_restringify(body)
