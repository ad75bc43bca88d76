"""Events checked against the catalogue's published JSON Schemas, one validator per event type.

``jsonschema.validate`` checks the schema itself against its metaschema on every call (about a
quarter of a second for an event schema): thousands of golden events would spend minutes on it.
Here each type's schema is checked once, and its validator kept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema  # type: ignore[import-untyped]

from schemas.catalogue import CATALOGUE


@cache
def _validator(event_type: str) -> Any:
    schema = CATALOGUE[event_type].json_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_event(event: dict[str, Any], event_type: str | None = None) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``event`` fits the schema of its type (or of
    ``event_type``)."""
    _validator(event_type or event["type"]).validate(event)
