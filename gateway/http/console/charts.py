"""Small inline SVG charts made on the server: no script, no library, readable without JS."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

WIDTH, HEIGHT = 240, 40


def bars(values: Sequence[int], label: str, *, failures: Sequence[int] | None = None) -> Markup:
    """One bar per value (oldest left); ``failures`` are drawn over the bars in red."""
    top = max([*values, 1])
    step = WIDTH / max(len(values), 1)
    width = max(step - 1.5, 1.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{Markup.escape(label)}">',
        f"<title>{Markup.escape(label)}</title>",
    ]
    for i, value in enumerate(values):
        x = i * step
        height = HEIGHT * value / top
        parts.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="currentColor" opacity="0.55">'
            f"<title>{value}</title></rect>"
        )
        bad = failures[i] if failures is not None else 0
        if bad:
            fail_height = HEIGHT * bad / top
            parts.append(
                f'<rect x="{x:.1f}" y="{HEIGHT - fail_height:.1f}" width="{width:.1f}" '
                f'height="{fail_height:.1f}" fill="#d93025"><title>{bad} failed</title></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # numbers, and the label escaped above
