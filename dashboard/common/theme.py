"""Colours and sizes of every page and of the case summary, in one place (no hex colour elsewhere:
tests/dashboard/test_layout.py checks it).

Every level is said in words and with an icon as well as in colour, so it survives sunlight, a
washed-out projector and colour-blindness. Text on a solid level colour passes WCAG AA at least
(white on dark red about 9:1, black on amber about 11:1).
"""

from __future__ import annotations

from typing import NamedTuple


class LevelStyle(NamedTuple):
    """How one triage or red-flag level is drawn."""

    solid: str
    """Background of the level badge and of the triage banner."""
    on_solid: str
    """Text on `solid`."""
    tint: str
    """Background of a flag card of this level (text on it is TEXT)."""
    icon: str
    """A glyph found in common system fonts (no emoji font needed)."""


TEXT = "#111111"
MUTED = "#3A3F47"
PRIMARY = "#0B3D91"
WHITE = "#FFFFFF"
BLACK = "#000000"
AVOID = "#8B0000"
"""The frame of a 'do not' step (the emergency red)."""
RIGHT = "#1B5E20"
"""The edge of a right answer on the teaching page (also said with an icon and in words)."""
PANEL = "#F4F6F9"
"""A light grey background (a grade line on the teaching page)."""
PAPER_RULE = "#999999"
PAPER_BOX = "#333333"
PAPER_LINE = "#DDDDDD"
PAPER_GROUP = "#EEF0F3"
"""The case summary's section rule, disclaimer box, table lines and group rows (print greys)."""

LEVELS: dict[str, LevelStyle] = {
    "emergency": LevelStyle(solid="#8B0000", on_solid="#FFFFFF", tint="#FCE8E8", icon="\u2716"),  # heavy X
    "urgent": LevelStyle(solid="#F0A000", on_solid="#000000", tint="#FFF3D6", icon="\u26a0"),  # warning sign
    "warning": LevelStyle(solid="#FFE066", on_solid="#000000", tint="#FFFBE5", icon="!"),
    "routine": LevelStyle(solid="#E3E7ED", on_solid="#111111", tint="#F4F6F9", icon="\u2713"),  # check mark
}

# Ranking chart: Okabe-Ito-derived, dark enough for white hatching to show; can't-miss causes are
# also hatched and tagged in words, so the colour is never the only mark.
BAR = "#0B3D91"
BAR_CANT_MISS = "#A63A00"
BAR_PATTERN_CANT_MISS = "/"
GRID = "#C9CED6"
CHART_FONT_SIZE = 14
CHART_BAR_PX = 24
"""Height per cause in the ranking chart; the chart height is fixed by the number of causes."""
CHART_MARGIN_PX = 118

TOUCH_TARGET_PX = 44
"""Minimum height of a tappable control (Apple HIG 44 pt, Material 48 dp)."""


def _css() -> str:
    """The small style block for what the theme cannot do: touch targets and level styles."""
    level_rules = "\n".join(
        f".lbln-{name} .lbln-badge{{background:{s.solid};color:{s.on_solid};}}\n"
        f".lbln-card.lbln-{name}{{background:{s.tint};border-left-color:{s.solid};}}\n"
        f".lbln-banner.lbln-{name}{{background:{s.solid};color:{s.on_solid};}}"
        for name, s in LEVELS.items()
    )
    return f"""<style>
[data-testid="stMainBlockContainer"]{{padding-top:2.6rem;padding-bottom:2rem;}}
[data-testid="stHeader"]{{height:2.2rem;min-height:2.2rem;background:{WHITE};border-bottom:1px solid {GRID};}}
[data-testid="stButtonGroup"] [role="radiogroup"] button{{min-height:{TOUCH_TARGET_PX}px;min-width:{TOUCH_TARGET_PX}px;}}
[data-testid="stNumberInput"] input,[data-testid="stNumberInput"] button{{min-height:{TOUCH_TARGET_PX}px;}}
[data-testid="stBaseButton-secondary"]{{min-height:{TOUCH_TARGET_PX}px;}}
[data-testid="stElementContainer"]:has(.lbln-banner.lbln-emergency),
[data-testid="stElementContainer"]:has(.lbln-banner.lbln-urgent){{position:sticky;top:2.3rem;z-index:5;}}
.lbln-title{{font-size:1.35rem;font-weight:700;margin:0;line-height:1.3;}}
.lbln-banner{{border-radius:6px;padding:.45rem .8rem;font-size:1.1rem;font-weight:700;margin:.2rem 0 .35rem 0;}}
.lbln-card{{border-left:8px solid;border-radius:4px;padding:.35rem .7rem;margin:0 0 .35rem 0;color:{TEXT};line-height:1.35;}}
.lbln-badge{{display:inline-block;border-radius:4px;padding:0 .45rem;font-weight:800;letter-spacing:.03em;margin-right:.4rem;}}
.lbln-meta{{color:{MUTED};font-size:.92rem;}}
.lbln-next{{border:3px solid {PRIMARY};border-radius:6px;padding:.45rem .8rem;margin:.2rem 0 .4rem 0;}}
.lbln-next b{{color:{PRIMARY};}}
.lbln-steps{{margin:0 0 .3rem 1.2rem;padding:0;}}
.lbln-steps li{{margin-bottom:.35rem;}}
.lbln-avoid{{border:2px solid {AVOID};border-radius:6px;padding:.3rem .7rem;margin:.2rem 0 .4rem 0;}}
.lbln-avoid b{{color:{AVOID};}}
.lbln-avoid ul.avoid{{margin:.15rem 0 0 0;padding-left:1.1rem;}}
.plan-group-title{{margin:.35rem 0 .1rem 0;}}
.group-immediate .plan-group-title b{{color:{AVOID};}}
.group-after_emergency{{border-left:3px dashed {MUTED};padding-left:.5rem;margin-top:.3rem;}}
.lbln-safety{{font-size:.95rem;margin:0 0 .2rem 0;line-height:1.35;}}
.lbln-safety summary{{cursor:pointer;list-style-position:inside;}}
{level_rules}
</style>"""


CHART_MAX_WIDTH_PX = 680
"""The widest the ranking chart is drawn (about 180 mm at 96 px per inch): narrower columns get the
column's width. Plotly does not redraw for paper, so a chart drawn wider on a big screen would be
cut off when the page is printed on A4 or Letter."""


PRINT_CSS = """
@page{margin:12mm;}
@media print{
[data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stDecoration"],[data-testid="stSidebar"],
[data-testid="stColumn"]:has(.st-key-reset),[data-testid="stButton"],[data-testid="stDownloadButton"],
[data-testid="stTextInput"],[data-testid="stExpander"],[data-testid="stButtonGroup"],[data-testid="stPills"],
[data-testid="stStatusWidget"],.modebar-container{display:none !important;}
[data-testid="stHorizontalBlock"]:has(.lbln-title)>[data-testid="stColumn"]:not(:has(.lbln-title)){display:none !important;}
[data-testid="stHorizontalBlock"]:has(.st-key-reset)>[data-testid="stColumn"],
[data-testid="stHorizontalBlock"]:has(.lbln-title)>[data-testid="stColumn"]{
width:100% !important;flex:1 1 100% !important;max-width:100% !important;}
[data-testid="stMainBlockContainer"]{padding:0 !important;max-width:none !important;}
[data-testid="stElementContainer"]{position:static !important;}
[data-testid="stPlotlyChart"]{break-inside:avoid;}
.lbln-banner,.lbln-card,.lbln-steps li,.lbln-avoid,.lbln-next{break-inside:avoid;}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact;}
}
"""
"""The print layout of the bedside page: the assessment only, on plain paper (A4 or Letter).

Hidden: the findings column, navigation, toolbar, buttons, the label field, the why selector and
folded panels. The triage banner stops sticking, level colours are kept (they are also said in
words), and cards and list items are not split across pages. The chart keeps the width it was
drawn at on screen, at most CHART_MAX_WIDTH_PX, which fits the paper. These rules go inside the
one style block: st.html keeps only the first <style> of an element.
"""


STYLE = _css().removesuffix("</style>") + PRINT_CSS + "</style>"
"""The style block, built once at import."""
