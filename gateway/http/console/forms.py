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
