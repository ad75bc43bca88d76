"""Greenhouse's sample payloads, one per action, and how Greenhouse writes them on the wire.

The samples are the JSON examples of Greenhouse's web hook docs, unchanged; ``ping`` (which the
docs do not show) follows a ping captured from Greenhouse by an open-source receiver. They are
package data read on first use, never on the verify or normalise path.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

# ActiveSupport's JSON escapes: what Rails (Greenhouse's stack) writes for these characters.
_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_TABLE = str.maketrans(_ESCAPES)


def wire_json(payload: Any) -> bytes:
    """Compact JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, as Greenhouse signs it."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return text.translate(_TABLE).encode("utf-8")


@cache
def _load() -> dict[str, bytes]:
    folder = resources.files(__package__) / "samples"
    return {
        item.name.removesuffix(".json"): item.read_bytes()
        for item in folder.iterdir()
        if item.name.endswith(".json")
    }


def sample_payloads() -> dict[str, dict[str, Any]]:
    """A fresh copy of every sample, by action."""
    return {action: json.loads(body) for action, body in sorted(_load().items())}
