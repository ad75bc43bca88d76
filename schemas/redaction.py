"""Field redaction: dotted paths (``*`` for any one key) removed from a canonical event's JSON.

A subscription's ``redact`` list is checked against the JSON Schemas of the event types it
selects (``unknown_paths``) and compiled once into a ``Redactor``, which strips those fields from
each delivery body. Arrays are looked through: ``data.employee.emails.value`` names the ``value``
of every element of ``emails``. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from schemas.catalogue import CATALOGUE, matches

WILDCARD = "*"
MAX_PATHS = 100
MAX_PATH_LENGTH = 300

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()

# A compiled path set: each key is a path segment; ``None`` marks the end of a path.
Trie = dict[str, "Trie | None"]


class InvalidPath(ValueError):
    """A ``redact`` entry that is not a dotted path of non-empty segments."""


def parse_path(path: Any) -> tuple[str, ...]:
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_LENGTH:
        raise InvalidPath(f"a redact path is a dotted string of at most {MAX_PATH_LENGTH} chars")
    segments = tuple(path.split("."))
    if any(not s or s != s.strip() for s in segments):
        raise InvalidPath(f"{path!r} is not a dotted path (empty segment or spaces)")
    return segments


def compile_paths(paths: Iterable[str]) -> Trie:
    trie: Trie = {}
    for path in paths:
        node = trie
        segments = parse_path(path)
        for segment in segments[:-1]:
            child = node.get(segment, {})
            if child is None:  # a shorter path already removes everything below
                break
            node[segment] = child
            node = child
        else:
            node[segments[-1]] = None
    return trie


def _strip(value: Any, trie: Trie) -> None:
    if isinstance(value, list):
        for item in value:
            _strip(item, trie)
        return
    if not isinstance(value, dict):
        return
    for segment, child in trie.items():
        keys = list(value) if segment == WILDCARD else [segment] if segment in value else []
        for key in keys:
            if child is None:
                del value[key]
            else:
                _strip(value[key], child)


class Redactor:
    """A subscription's ``redact`` list, compiled once; ``apply`` runs per delivery."""

    __slots__ = ("_trie",)

    def __init__(self, paths: Sequence[str]) -> None:
        self._trie = compile_paths(paths)

    def apply(self, body: bytes) -> bytes:
        """``body`` (a JSON object) without the redacted fields; key order is kept."""
        document = _decoder.decode(body)
        _strip(document, self._trie)
        return _encoder.encode(document)


# ---- validation against the catalogue's JSON Schemas --------------------------------------------


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    """The concrete object/array schemas a node may stand for (``$ref`` and ``anyOf`` opened)."""
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in node:
        return [n for branch in node["anyOf"] for n in _resolve(branch, defs)]
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _resolve(node["items"], defs)
    return [node]


def _names_field(node: dict[str, Any], defs: dict[str, Any], path: Sequence[str]) -> bool:
    if not path:
        return True
    head, rest = path[0], path[1:]
    for concrete in _resolve(node, defs):
        properties = concrete.get("properties")
        if not isinstance(properties, dict):
            continue  # free-form objects declare no fields: a path into them names none
        children = properties.values() if head == WILDCARD else [properties.get(head)]
        if any(c is not None and _names_field(c, defs, rest) for c in children):
            return True
    return False


def selected_types(patterns: Iterable[str]) -> list[str]:
    """The catalogued types a subscription's ``events`` patterns select."""
    patterns = list(patterns)
    return [name for name in CATALOGUE if any(matches(p, name) for p in patterns)]


def unknown_paths(paths: Sequence[str], event_types: Iterable[str]) -> list[str]:
    """The paths that name no declared field of any of ``event_types``."""
    schemas = [CATALOGUE[name].json_schema() for name in event_types]
    unknown = []
    for path in paths:
        segments = parse_path(path)
        if not any(_names_field(s, s.get("$defs", {}), segments) for s in schemas):
            unknown.append(path)
    return unknown
