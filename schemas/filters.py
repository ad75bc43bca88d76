"""Payload filters over the canonical event: validated and compiled once into a predicate.

The operator set is Hookdeck Outpost's: ``$eq $neq $gt $gte $lt $lte $in $nin $exists
$startsWith $endsWith $and $or $not``. A filter is a JSON object whose entries must all hold:

- ``"a.b.c": value``: the value at that dotted path (a number segment indexes an array) equals
  ``value`` (a bare value means ``$eq``);
- ``"a.b": {"$gt": 3, "$lt": 9}``: every operator of the object holds for the value at the path;
- ``"a": {"b": 1}``: an object with no ``$`` keys is a filter over the value at ``a``;
- ``"$and": [f, ...]``, ``"$or": [f, ...]``, ``"$not": f`` combine filters.

Comparisons never coerce: ``1`` is not ``"1"`` nor ``true``; ``$gt``/``$lt`` compare numbers with
numbers and strings with strings (RFC 3339 UTC timestamps order as strings), anything else does
not match. A missing path matches only ``$neq``, ``$nin`` and ``$exists: false``. ``$in``/``$nin``
against an array value ask whether any element is (none is) in the list.

Size and depth are bounded so a hostile filter costs little to check and to run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

Predicate = Callable[[Any], bool]

MAX_DEPTH = 8  # nested objects and combinators
MAX_NODES = 200  # operators and paths, over the whole filter
MAX_BYTES = 8192  # of the filter as compact JSON
MAX_PATH = 256  # characters of one dotted path
MAX_LIST = 100  # values in one $in / $nin, filters in one $and / $or
MAX_JSON_DEPTH = 32  # of the filter as JSON, operand values included (equality recurses)
MISSING: Any = object()

COMBINATORS = ("$and", "$or", "$not")
FIELD_OPERATORS = (
    "$eq",
    "$neq",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$exists",
    "$startsWith",
    "$endsWith",
)


class InvalidFilter(ValueError):
    """A filter unihook refuses; the message names the operator or path at fault."""


def same(a: Any, b: Any) -> bool:
    """JSON equality without Python's ``True == 1``: types must agree (int and float both are
    numbers)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def orderable(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        return True
    return isinstance(a, str) and isinstance(b, str)


def lookup(steps: tuple[str | int, ...]) -> Callable[[Any], Any]:
    """A getter for a dotted path, resolved once; ``MISSING`` where the path leads nowhere."""

    def get(value: Any) -> Any:
        for step in steps:
            if isinstance(value, dict):
                value = value.get(step if isinstance(step, str) else str(step), MISSING)
            elif isinstance(value, list) and isinstance(step, int) and step < len(value):
                value = value[step]
            else:
                return MISSING
            if value is MISSING:
                return MISSING
        return value

    return get


def split_path(path: str, where: str) -> tuple[str | int, ...]:
    if not path or len(path) > MAX_PATH:
        raise InvalidFilter(f"invalid path {path[:MAX_PATH]!r} at {where}")
    parts = path.split(".")
    if any(not part for part in parts):
        raise InvalidFilter(f"invalid path {path!r} at {where}: empty segment")
    return tuple(int(p) if p.isdigit() else p for p in parts)


class _Compiler:
    def __init__(self) -> None:
        self.nodes = 0

    def count(self, where: str) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InvalidFilter(f"filter too large: more than {MAX_NODES} conditions")

    def filter(self, spec: Any, where: str, depth: int) -> Predicate:
        """An object of entries that must all hold, over the value given to the predicate."""
        if depth > MAX_DEPTH:
            raise InvalidFilter(f"filter nested deeper than {MAX_DEPTH} levels at {where}")
        if not isinstance(spec, dict):
            raise InvalidFilter(f"a filter must be a JSON object at {where}")
        parts = [self.entry(key, value, where, depth) for key, value in spec.items()]
        if len(parts) == 1:
            return parts[0]
        return lambda v: all(p(v) for p in parts)

    def entry(self, key: Any, value: Any, where: str, depth: int) -> Predicate:
        self.count(where)
        if key.startswith("$"):
            return self.combinator(key, value, where, depth)
        steps = split_path(key, where)
        get = lookup(steps)
        here = key if where == "$" else f"{where}.{key}"
        if isinstance(value, dict) and value:
            dollars = [k for k in value if k.startswith("$")]
            if not dollars:  # a nested filter over the value at this path
                inner = self.filter(value, here, depth + 1)
                return lambda v: (x := get(v)) is not MISSING and inner(x)
            if len(dollars) != len(value):
                raise InvalidFilter(f"mixed operators and fields at {here}")
            tests = [self.operator(op, arg, here, depth) for op, arg in value.items()]
            if len(tests) == 1:
                test = tests[0]
                return lambda v: test(get(v))
            return lambda v: all(t(x) for x in (get(v),) for t in tests)
        operand = value
        return lambda v: same(get(v), operand)

    def combinator(self, key: str, value: Any, where: str, depth: int) -> Predicate:
        if key == "$not":
            inner = self.filter(value, f"{where}.$not", depth + 1)
            return lambda v: not inner(v)
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value or len(value) > MAX_LIST:
                raise InvalidFilter(f"{key} takes a list of 1 to {MAX_LIST} filters at {where}")
            parts = [
                self.filter(item, f"{where}.{key}[{i}]", depth + 1) for i, item in enumerate(value)
            ]
            if key == "$and":
                return lambda v: all(p(v) for p in parts)
            return lambda v: any(p(v) for p in parts)
        if key in FIELD_OPERATORS:
            raise InvalidFilter(f"operator {key} needs a path at {where}")
        raise InvalidFilter(f"unknown operator {key} at {where}")

    def operator(self, op: str, arg: Any, where: str, depth: int) -> Callable[[Any], bool]:
        """A test of one value (``MISSING`` when the path leads nowhere)."""
        self.count(where)
        if op == "$not":
            if not isinstance(arg, dict) or not arg or any(not k.startswith("$") for k in arg):
                raise InvalidFilter(f"$not over a field takes an operator object at {where}")
            if depth + 1 > MAX_DEPTH:
                raise InvalidFilter(f"filter nested deeper than {MAX_DEPTH} levels at {where}")
            tests = [self.operator(o, a, where, depth + 1) for o, a in arg.items()]
            return lambda x: not all(t(x) for t in tests)
        if op not in FIELD_OPERATORS:
            raise InvalidFilter(f"unknown operator {op} at {where}")
        if op == "$eq":
            return lambda x: same(x, arg)
        if op == "$neq":
            return lambda x: not same(x, arg)
        if op == "$exists":
            if not isinstance(arg, bool):
                raise InvalidFilter(f"$exists takes true or false at {where}")
            return (lambda x: x is not MISSING) if arg else (lambda x: x is MISSING)
        if op in ("$startsWith", "$endsWith"):
            if not isinstance(arg, str):
                raise InvalidFilter(f"{op} takes a string at {where}")
            if op == "$startsWith":
                return lambda x: isinstance(x, str) and x.startswith(arg)
            return lambda x: isinstance(x, str) and x.endswith(arg)
        if op in ("$in", "$nin"):
            if not isinstance(arg, list) or len(arg) > MAX_LIST:
                raise InvalidFilter(f"{op} takes a list of at most {MAX_LIST} values at {where}")
            options = list(arg)

            def member(x: Any) -> bool:
                if isinstance(x, list):
                    return any(same(item, o) for item in x for o in options)
                return any(same(x, o) for o in options)

            if op == "$in":
                return lambda x: x is not MISSING and member(x)
            return lambda x: x is MISSING or not member(x)
        # $gt $gte $lt $lte
        if isinstance(arg, bool) or not isinstance(arg, int | float | str):
            raise InvalidFilter(f"{op} takes a number or a string at {where}")
        if op == "$gt":
            return lambda x: orderable(x, arg) and x > arg
        if op == "$gte":
            return lambda x: orderable(x, arg) and x >= arg
        if op == "$lt":
            return lambda x: orderable(x, arg) and x < arg
        return lambda x: orderable(x, arg) and x <= arg


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def compile_filter(spec: Any) -> Predicate:
    """Check ``spec`` and return a predicate over a decoded canonical event; ``InvalidFilter``
    names what is wrong."""
    if not isinstance(spec, dict):
        raise InvalidFilter("filter must be a JSON object")
    if json_depth(spec) > MAX_JSON_DEPTH:
        raise InvalidFilter(f"filter nested deeper than {MAX_JSON_DEPTH} levels of JSON")
    if len(msgspec.json.encode(spec)) > MAX_BYTES:
        raise InvalidFilter(f"filter larger than {MAX_BYTES} bytes")
    return _Compiler().filter(spec, "$", 1)


_compiled: dict[str, Predicate] = {}
MAX_COMPILED = 4096


def compiled(text: str) -> Predicate:
    """The predicate of a stored filter (its JSON text), compiled once per process."""
    predicate = _compiled.get(text)
    if predicate is None:
        if len(_compiled) >= MAX_COMPILED:
            _compiled.clear()  # stale filters of updated subscriptions; the live ones recompile
        predicate = _compiled[text] = compile_filter(msgspec.json.decode(text))
    return predicate
