"""Bar charts as SVG markup drawn on the server: no script, no other host, every bar labelled.

A chart is one picture with a name (`role="img"`, its title and description); the numbers
themselves are in the table the page puts after it, so nothing depends on seeing the colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

# Each at least 3:1 against white (WCAG 1.4.11, graphics) and told apart by the legend's order too.
COLOURS = ("#17594a", "#a3461f", "#2f4f8f")
TEXT = "#1b1b1b"
FONT = 13
BAR = 14  # the height of one bar
GAP = 2  # between the bars of one category
GROUP_GAP = 10  # between categories
PLOT = 360  # the width of the longest bar
CHAR = 8  # a generous average character's width at FONT, to make room for the labels
LABEL_CHARS = 28  # longer labels are cut short here; the table has them whole


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> Markup:
    """Horizontal bars, one group per category and one bar per series, each with its value written out."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", chart_id):
        raise ValueError(f"not a usable id: {chart_id!r}")
    if not series or any(len(values) != len(categories) for _, values in series):
        raise ValueError("every series needs one value per category")
    labels = [_short(c) for c in categories]
    label_width = round(max((len(label) for label in labels), default=0) * CHAR) + 12
    value_width = round(max((len(_number(v)) for _, values in series for v in values), default=1) * CHAR) + 10
    keys = [FONT + 4 + round(len(name) * CHAR) + 16 for name, _ in series]  # the legend's entries
    width = max(label_width + PLOT + value_width, sum(keys) + 4)
    legend = FONT + 10 if len(series) > 1 else 0
    group = len(series) * BAR + (len(series) - 1) * GAP
    height = legend + len(categories) * (group + GROUP_GAP) + 4
    top = max((v for _, values in series for v in values), default=0) or 1

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="system-ui, sans-serif" font-size="{FONT}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    x = 4
    for i, (name, _) in enumerate(series if legend else ()):
        parts.append(f'<rect x="{x}" y="2" width="{FONT}" height="{FONT}" fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + FONT + 4}" y="{FONT}" fill="{TEXT}">{escape(name)}</text>')
        x += keys[i]
    y = legend
    for c, label in enumerate(labels):
        parts.append(
            f'<text x="{label_width - 8}" y="{y + group / 2 + FONT / 2 - 2:g}" text-anchor="end" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        for i, (_, values) in enumerate(series):
            value = values[c]
            length = round(PLOT * value / top, 1)
            bar_y = y + i * (BAR + GAP)
            parts.append(
                f'<rect x="{label_width}" y="{bar_y}" width="{length:g}" height="{BAR}" '
                f'fill="{COLOURS[i % len(COLOURS)]}"/>'
            )
            parts.append(
                f'<text x="{label_width + length + 4:g}" y="{bar_y + BAR - 3}" fill="{TEXT}">{_number(value)}</text>'
            )
        y += group + GROUP_GAP
    parts.append(f'<line x1="{label_width}" y1="{legend}" x2="{label_width}" y2="{height - 4}" stroke="{TEXT}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
