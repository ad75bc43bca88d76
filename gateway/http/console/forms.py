"""Reading posted form fields."""

from __future__ import annotations

from litestar.datastructures.multi_dicts import FormMultiDict


def text(form: FormMultiDict, name: str) -> str | None:
    """A text field, stripped; None when absent or blank."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def texts(form: FormMultiDict, name: str) -> list[str]:
    """Every non-blank value of a repeated field (checkboxes, multi-selects)."""
    return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]


def browser_time(value: str | None) -> str | None:
    """A time field: the browser's ``datetime-local`` value read as UTC; RFC 3339 and unix
    seconds pass through; blank is None."""
    if value and len(value) == 16 and value[10] == "T":
        return value + ":00Z"
    return value or None
