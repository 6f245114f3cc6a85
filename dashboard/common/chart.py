"""Pure Plotly figure builders: an Assessment in, a go.Figure out. No Streamlit here.

The ranking chart shows every cause (the probabilities sum to 1, and a can't-miss cause at 0.4%
is information too), most probable at the top, on a fixed 0-100% axis so bars can be compared
between taps. Can't-miss causes are marked three ways: colour, hatching and a tag in words.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

import knowledge
from dashboard.common import theme, words

COMPACT_RANGE_MAX = 1.22
"""The compact chart's axis end: room past 100% for the outside label of a long bar ("96%", or with the
can't-miss tag)."""


def percent(p: float) -> str:
    """A probability as the chart and the panels print it: '37%', or '<1%' below one percent."""
    return "<1%" if p < 0.01 else f"{p:.0%}"


CANT_MISS_MARK = "\u26a0"
"""The symbol after a can't-miss cause's name (a warning sign, in common system fonts)."""
INSIDE_FROM = 0.8
INSIDE_FROM_CANT_MISS = 0.5
"""From these probabilities a bar's text goes inside the bar (a can't-miss bar's text is longer),
so it never runs off the fixed axis."""


def cause_label(name: str, cant_miss: bool) -> str:
    """The y-axis label of a cause; a can't-miss cause carries the warning mark."""
    return f"{name} {CANT_MISS_MARK}" if cant_miss else name


def bar_text(p: float, cant_miss: bool) -> str:
    """The text at the end of a bar: the estimate, and the can't-miss tag in words."""
    return f"{percent(p)} · {words.CANT_MISS_TAG}" if cant_miss else percent(p)


LABEL_EM = 0.53
"""A label character's average width in ems, a little over what Chromium's default sans-serif (DejaVu Sans,
one of the widest) measures on the cause names (about 0.50 em: 162 px for the longest, 26 characters and
the tick suffix, at 12 px). Estimate, from that measurement."""


def label_margin(labels: list[str], font_size: int) -> int:
    """The left margin that holds the widest y-axis label (with its one-space tick suffix).

    Plotly's automargin would also find it, but only by drawing the chart, measuring the labels and
    drawing it again: on every tap, since each new figure starts from the margin it is given. With this
    margin the first draw is the last (automargin stays on, so a wider font still never cuts a label)."""
    longest = max((len(label) for label in labels), default=0) + 1
    return math.ceil(longest * LABEL_EM * font_size) + 4


def chart_height(n_causes: int, bar_px: int = theme.CHART_BAR_PX) -> int:
    """The fixed height of the ranking chart for a number of causes (it does not jump between taps)."""
    return theme.CHART_MARGIN_PX + bar_px * n_causes


def cause_ranking(assessment: knowledge.Assessment, short_names: Mapping[str, str] | None = None,
                  bar_px: int = theme.CHART_BAR_PX, *, validate: bool = True) -> go.Figure:
    """Horizontal bars of every cause's estimated probability, most probable at the top.

    `short_names` maps cause id to a chart label; without it the causes' full names are used.
    `validate=False` skips plotly's property validation (about 15 ms a figure on the project's machine,
    most of a tap's server time): the bedside page draws the chart on every tap with it off, and a test
    checks that both ways give the same figure JSON for every case it draws.
    """
    return go.Figure(ranking_spec(assessment, short_names, bar_px), _validate=validate)


def _revision(probs: list[float], labels: list[str]) -> str:
    """A short digest of what the bars show, for plotly's `layout.datarevision` (see ranking_spec)."""
    return hashlib.blake2b(repr((probs, labels)).encode(), digest_size=6).hexdigest()


def ranking_spec(assessment: knowledge.Assessment, short_names: Mapping[str, str] | None = None,
                 bar_px: int = theme.CHART_BAR_PX) -> dict[str, Any]:
    """The ranking chart as a plain plotly figure dict (`data` and `layout`): see `cause_ranking`.

    Built so that a tap draws the chart once. Streamlit's chart element (1.67) draws a new figure, then
    hands plotly.js a copy of it (to apply its theme), and plotly.js drew the whole chart a second time,
    about 50 ms later, whenever the copy looked changed: a template object (plotly.js compares it by
    identity, so it goes by name, "none", which plotly.js leaves as no template), bar arrays that are
    new objects (unless `datarevision` says the bars are the same: a digest of them), and axes whose
    type, autorange or range plotly had written back into the layout on the first draw (so both axes
    give all three). The chart's box also needs a whole-pixel width (theme._css).
    """
    causes = assessment.causes  # most probable first
    names = [short_names.get(c["id"], c["name"]) if short_names else c["name"] for c in causes]
    probs = list(assessment.probabilities)
    cant_miss = [bool(c["cant_miss"]) for c in causes]
    labels = [cause_label(n, cm) for n, cm in zip(names, cant_miss, strict=True)]
    colours = [theme.BAR_CANT_MISS if cm else theme.BAR for cm in cant_miss]
    compact = bar_px <= theme.CHART_BAR_PX_COMPACT
    font_size = theme.CHART_FONT_SIZE_COMPACT if compact else theme.CHART_FONT_SIZE
    bar = {
        "type": "bar",
        "x": probs,
        "y": labels,
        "orientation": "h",
        "name": words.CHART_AXIS,
        "text": [bar_text(p, cm) for p, cm in zip(probs, cant_miss, strict=True)],
        # compact rows are too thin for text inside a bar (plotly would shrink it): there every label sits
        # outside, and the axis runs a little past 100% to hold the label of a long bar
        "textposition": "outside" if compact else [
            "inside" if p >= (INSIDE_FROM_CANT_MISS if cm else INSIDE_FROM) else "outside"
            for p, cm in zip(probs, cant_miss, strict=True)
        ],
        "insidetextanchor": "end",
        "insidetextfont": {"color": theme.WHITE, "weight": "bold", "size": 13},
        "cliponaxis": False,
        # no hover text or custom data: the chart is static (PLOTLY_CONFIG) and hovermode is off, so they
        # would only add bytes to every tap
        "marker": {
            "color": colours,
            "pattern": {
                "shape": [theme.BAR_PATTERN_CANT_MISS if cm else "" for cm in cant_miss],
                # Only can't-miss bars carry a pattern, and in "replace" mode the pattern's own two
                # colours fill the bar: dark stripes over `solidity` of it, the bar colour between,
                # so the hatched bar is darker than a plain one and white text on it stays readable.
                # (Overlay mode over the per-bar marker colours makes plotly.js warn "Invalid color
                # specifier: Array" on every draw.)
                "fillmode": "replace",
                "bgcolor": theme.BAR_CANT_MISS,
                "fgcolor": theme.BAR_CANT_MISS_STRIPE,
                "size": 8,
                "solidity": 0.35,
            },
            "line": {"color": theme.TEXT, "width": 0.5},
        },
    }
    layout = {
        "title": {
            "text": f"<b>{words.CHART_TITLE}</b>",
            "subtitle": {"text": words.chart_subtitle(assessment.knowledge_version), "font": {"size": 13, "color": theme.MUTED}},
            "x": 0, "xanchor": "left", "xref": "container", "y": 1, "yref": "container", "yanchor": "top",
            "pad": {"t": 6, "l": 4},
            "font": {"size": 16},
        },
        "height": chart_height(len(causes), bar_px),
        "datarevision": _revision(probs, labels),
        "margin": {"l": label_margin(labels, font_size), "r": 30, "t": 64, "b": 52},
        "template": "none",  # every style is set here; the default template would add ~6 kB per rerun and ~8 ms
        "dragmode": False,
        "showlegend": False,
        "hovermode": False,
        "bargap": 0.16,
        "plot_bgcolor": theme.WHITE,
        "paper_bgcolor": theme.WHITE,
        "font": {"family": "sans-serif", "color": theme.TEXT, "size": font_size},
        "xaxis": {
            "type": "linear",
            "autorange": False,
            "range": [0, COMPACT_RANGE_MAX if compact else 1],
            "fixedrange": True,
            "tickformat": ".0%",
            "dtick": 0.25,
            "showgrid": True,
            "gridcolor": theme.GRID,
            "ticks": "",
            "zeroline": True,
            "zerolinecolor": theme.TEXT,
            "title": {"text": words.CHART_AXIS, "standoff": 10},
            "automargin": True,  # the title keeps clear of the tick labels at any font size
        },
        "yaxis": {"type": "category", "autorange": False, "range": [len(causes) - 0.5, -0.5], "fixedrange": True,
                  "automargin": True, "ticksuffix": " ", "showgrid": False, "ticks": ""},
    }
    return {"data": [bar], "layout": layout}


PLOTLY_CONFIG = {
    "displayModeBar": False,
    "staticPlot": True,
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
    "responsive": True,
}
"""Plotly config for the bedside page: no mode bar, no zoom or pan, so touch scrolls the page."""
