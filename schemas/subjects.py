"""An event's ``subject``: the primary resource it is about, as ``<resource>/<vendor id>``.

The rule is read off each type's ``data`` Struct, so a new type gets one with no code here: the
first required field that is a resource with an ``id`` (``application`` in ``ApplicationData``,
``user`` in ``UserData``) names the subject, or when that resource has no id, the resource that owns
it (``candidate/…`` for an application a vendor gives no id of its own). A family without
one uses the single id of an ``<resource>_ids`` list (``employee_ids`` holding one id), then its
first optional resource when present (the ``connector`` of ``connection.sync.*``). ``OVERRIDES``
pins the families where that would pick the wrong thing. No resource with an id, no subject.
"""

from __future__ import annotations

import hashlib
import types
from dataclasses import dataclass
from functools import cache
from typing import Any, Union, get_args, get_origin

import msgspec

# Families whose subject the generic rule would get wrong: the records of ``<domain>.data.changed``
# belong to any data model, so a single record id would not say what resource it is.
# Resources that own others: an application a vendor gives no id of its own is its candidate's.
OWNERS = ("candidate",)
MAX_ID_LENGTH = 200  # a subject fits its 300-character column

OVERRIDES: dict[str, tuple[str, ...]] = {
    "hris.data": ("connector",),
    "ats.data": ("connector",),
}


@dataclass(frozen=True, slots=True)
class SubjectRule:
    """Where a type's subject comes from, in order of preference."""

    resources: tuple[str, ...] = ()  # fields holding a resource with an ``id``
    id_lists: tuple[str, ...] = ()  # ``<resource>_ids`` fields: the subject when they hold one
    optional: tuple[str, ...] = ()  # optional resources, used when present

    def describe(self) -> str | None:
        """The rule as the docs show it: ``application/<data.application.id>``."""
        paths = [f"`{p.rsplit('.', 1)[-1]}/<data.{p}.id>`" for p in self.resources]
        paths += [f"`{name[:-4]}/<data.{name}[0]>` (one id)" for name in self.id_lists]
        paths += [f"`{name}/<data.{name}.id>`" for name in self.optional]
        return ", else ".join(paths) or None

    def apply(self, data: Any) -> str | None:
        for path in self.resources:
            value = data
            for name in path.split("."):
                value = getattr(value, name, None)
            if found := _named(path.rsplit(".", 1)[-1], value):
                return found
        for name in self.id_lists:
            ids = getattr(data, name, None)
            if isinstance(ids, list) and len(ids) == 1 and isinstance(ids[0], str) and ids[0]:
                return f"{name[:-4]}/{_bounded(ids[0])}"
        for name in self.optional:
            if found := _named(name, getattr(data, name, None)):
                return found
        return None


def _named(resource: str, value: Any) -> str | None:
    vendor_id = getattr(value, "id", None)
    return f"{resource}/{_bounded(vendor_id)}" if isinstance(vendor_id, str) and vendor_id else None


def _bounded(vendor_id: str) -> str:
    """Ids up to ``MAX_ID_LENGTH`` as they are; a longer one as ``sha256:<hex>``, never cut."""
    if len(vendor_id) <= MAX_ID_LENGTH:
        return vendor_id
    digest = hashlib.sha256(vendor_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"sha256:{digest}"


def _resource_type(annotation: Any) -> type[msgspec.Struct] | None:
    """The Struct in ``X`` or ``X | None`` when it has an ``id`` field."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        annotation = members[0] if len(members) == 1 else None
    if (
        isinstance(annotation, type)
        and issubclass(annotation, msgspec.Struct)
        and "id" in annotation.__struct_fields__
    ):
        return annotation
    return None


@cache
def rule_for(family: str, data_type: type) -> SubjectRule:
    """The subject rule of a type family (``ats.application``) carrying ``data_type``."""
    if family in OVERRIDES:
        return SubjectRule(optional=OVERRIDES[family])
    if not (isinstance(data_type, type) and issubclass(data_type, msgspec.Struct)):
        return SubjectRule()
    required: list[str] = []
    id_lists: list[str] = []
    optional: list[str] = []
    for field in msgspec.structs.fields(data_type):
        if field.name != "id" and _resource_type(field.type) is not None:
            (required if field.required else optional).append(field.name)
        elif field.name.endswith("_ids") and get_origin(field.type) is list:
            id_lists.append(field.name)
    if required:
        primary = required[0]
        nested = [n for n in _resource_fields(_field_type(data_type, primary)) if n in OWNERS]
        return SubjectRule(resources=(primary, *(f"{primary}.{n}" for n in nested[:1])))
    return SubjectRule(id_lists=tuple(id_lists), optional=tuple(optional[:1]))


def _field_type(struct: type[msgspec.Struct], name: str) -> Any:
    return next(f.type for f in msgspec.structs.fields(struct) if f.name == name)


def _resource_fields(annotation: Any) -> list[str]:
    """The fields of a resource that are resources with an id themselves (``application.job``)."""
    struct = _resource_type(annotation)
    if struct is None:
        return []
    return [f.name for f in msgspec.structs.fields(struct) if _resource_type(f.type) is not None]


def subject_of(family: str, data: Any) -> str | None:
    """The subject of an event of ``family`` whose ``data`` is ``data``; None when it names none."""
    data_type: type = type(data)
    return rule_for(family, data_type).apply(data)
