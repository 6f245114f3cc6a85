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
BAR_CANT_MISS = "#7A2A00"
"""A can't-miss bar: about as dark as BAR in greyscale (white on it about 9.7:1)."""
BAR_CANT_MISS_STRIPE = "#3D1500"
"""The hatching of a can't-miss bar: darker stripes, so a hatched bar is never lighter than a plain one and
white text on it stays above 9:1 (review 2026-11: white stripes broke the label up and read lighter)."""
BAR_PATTERN_CANT_MISS = "/"
GRID = "#C9CED6"
CHART_FONT_SIZE = 14
CHART_BAR_PX = 24
"""Height per cause in the ranking chart; the chart height is fixed by the number of causes."""
CHART_BAR_PX_COMPACT = 14
"""The bedside's height per cause: the whole ranking (23 causes since knowledge 2026.11.2) fits under an
emergency banner and its first card on a 1180x820 tablet; its labels use CHART_FONT_SIZE_COMPACT."""
CHART_FONT_SIZE_COMPACT = 12
CHART_MARGIN_PX = 118

TOUCH_TARGET_PX = 44
"""Minimum height of a tappable control (Apple HIG 44 pt, Material 48 dp)."""


def _css() -> str:
    """The small style block for what the theme cannot do: touch targets and level styles.

    The ranking chart's box is a whole number of pixels wide (`round(down, ..., 1px)`; on the bedside page
    still at most CHART_MAX_WIDTH_PX, the width the page asks Streamlit for): Streamlit's
    chart element first draws the figure at the width the browser's computed style gives (rounded to
    three decimals) and then at the width its resize observer measures (to 1/64 px); where a column's
    width is fractional the two differ and plotly draws the whole chart a second time on every tap
    (see chart.ranking_spec). A browser without CSS round() ignores the rule and keeps the second draw.
    """
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
[data-testid="stBaseButton-primary"],[data-testid="stBaseButton-pills"],[data-testid="stBaseButton-pillsActive"],
[data-testid="stPopover"] button,[data-testid="stDownloadButton"] button{{min-height:{TOUCH_TARGET_PX}px;}}
[data-testid="stExpander"] summary{{min-height:{TOUCH_TARGET_PX}px;}}
[data-testid="stTooltipHoverTarget"],
[data-testid="stTooltipIcon"]{{min-width:{TOUCH_TARGET_PX}px;min-height:{TOUCH_TARGET_PX}px;display:inline-flex;align-items:center;justify-content:center;}}
button[aria-label^="Help for"]{{min-width:{TOUCH_TARGET_PX}px;min-height:{TOUCH_TARGET_PX}px;}}
[data-testid="stNumberInput"] button{{min-width:{TOUCH_TARGET_PX}px;}}
[data-testid="stTopNavLink"],[data-testid="stNavLink"]{{min-height:{TOUCH_TARGET_PX}px;display:flex;align-items:center;}}
[data-testid="stTextInput"] input{{min-height:{TOUCH_TARGET_PX}px;}}
a.lbln-banner-link,
a.lbln-strip-link,button.lbln-copy-btn{{min-height:{TOUCH_TARGET_PX}px;min-width:{TOUCH_TARGET_PX}px;display:inline-flex;align-items:center;justify-content:center;box-sizing:border-box;}}
a.lbln-banner-link{{margin:0 0 0 .5rem;padding:0 .6rem;vertical-align:middle;border-radius:6px;
border:2px solid currentColor;color:inherit;font-size:.95rem;text-decoration:none;}}
.lbln-banner.lbln-none{{background:{PANEL};color:{TEXT};border:2px dashed {MUTED};font-weight:600;}}
.lbln-why-urgent{{border-left:4px solid {MUTED};padding:.2rem .6rem;margin:0 0 .3rem 0;font-size:.95rem;line-height:1.35;}}
.lbln-why-list{{margin:0 0 .1rem 1rem;padding:0;}}
.lbln-legend{{margin:.1rem 0 .3rem 0;}}
.lbln-field-note{{color:{AVOID};font-size:.9rem;margin:-.4rem 0 .4rem 0;line-height:1.3;}}
.lbln-field-note-info{{color:{MUTED};font-style:italic;}}
.lbln-readas{{display:inline-block;margin:0 0 0 .7rem;font-size:.9rem;font-weight:400;white-space:nowrap;}}
.lbln-check{{color:{AVOID};font-weight:600;font-size:.95rem;margin:.2rem 0 .3rem 0;line-height:1.3;}}
.lbln-strip-check{{color:{AVOID};font-weight:600;}}
.lbln-chips-head{{margin:0;font-size:.92rem;color:{MUTED};}}
.st-key-lbln-chips{{height:6.4rem;overflow-y:auto;overflow-x:hidden;border:1px solid {GRID};border-radius:6px;padding:.2rem .4rem;gap:.2rem;}}
.st-key-lbln-actions button p{{font-size:.92rem;}}
.lbln-copy{{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.3rem 0;}}
button.lbln-copy-btn{{padding:0 1rem;border-radius:8px;border:1px solid {MUTED};background:{WHITE};color:{TEXT};font:inherit;cursor:pointer;}}
.lbln-note-text{{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden;}}
.lbln-strip{{border-radius:6px;padding:.3rem .6rem;height:100%;box-sizing:border-box;overflow:hidden;color:{TEXT};}}
.lbln-strip-line{{margin:0 0 .2rem 0;font-size:1rem;line-height:1.3;display:-webkit-box;
-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;}}
.lbln-strip-row{{display:flex;gap:.6rem;align-items:center;}}
ol.lbln-mini{{list-style:none;margin:0;padding:0;flex:1;}}
ol.lbln-mini li{{display:flex;align-items:center;gap:.4rem;font-size:.92rem;line-height:1.25;}}
.lbln-mini-name{{width:13rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;}}
.lbln-mini-track{{flex:1;height:.7rem;background:{WHITE};border:1px solid {MUTED};}}
.lbln-mini-bar{{display:block;height:100%;background:{BAR};}}
.lbln-mini-bar.lbln-mini-cm{{background:repeating-linear-gradient(45deg,{BAR_CANT_MISS} 0 5px,{BAR_CANT_MISS_STRIPE} 5px 8px);}}
.lbln-mini-p{{width:2.6rem;text-align:right;font-weight:700;}}
a.lbln-strip-link{{padding:0 .8rem;border-radius:6px;border:2px solid {PRIMARY};
color:{PRIMARY};background:{WHITE};font-weight:700;text-decoration:none;}}
.lbln-strip.lbln-emergency{{background:{LEVELS["emergency"].solid};color:{LEVELS["emergency"].on_solid};}}
.lbln-strip.lbln-emergency .lbln-mini-name,.lbln-strip.lbln-emergency .lbln-mini-p{{color:{LEVELS["emergency"].on_solid};}}
.lbln-strip.lbln-urgent{{background:{LEVELS["urgent"].tint};border:3px solid {LEVELS["urgent"].solid};}}
.lbln-strip.lbln-warning{{background:{LEVELS["warning"].tint};border:3px solid {LEVELS["warning"].solid};}}
.lbln-strip.lbln-routine,.lbln-strip.lbln-none{{background:{PANEL};border:1px solid {GRID};}}
.st-key-lbln-head{{align-items:center;}}
/* Landscape (and any wide screen): the results column sticks to the screen while the findings scroll. */
@media not all and (orientation:portrait) and (max-width:1100px){{
.st-key-lbln-strip{{display:none;}}
[data-testid="stLayoutWrapper"]:has(> .st-key-lbln-results){{position:sticky;top:2.4rem;align-self:flex-start;}}
.st-key-lbln-results{{max-height:calc(100vh - 2.6rem);overflow-y:auto;overflow-x:hidden;
scrollbar-gutter:stable;scrollbar-width:thin;overscroll-behavior:contain;}}
}}
/* Portrait tablet: findings and results stacked, under a pinned strip of fixed height. */
@media (orientation:portrait) and (max-width:1100px){{
.st-key-lbln-cols>[data-testid="stLayoutWrapper"]>[data-testid="stHorizontalBlock"]{{flex-direction:column;}}
.st-key-lbln-cols>[data-testid="stLayoutWrapper"]>[data-testid="stHorizontalBlock"]>[data-testid="stColumn"]{{width:100% !important;
flex:1 1 auto !important;min-width:100% !important;}}
[data-testid="stLayoutWrapper"]:has(> .st-key-lbln-strip){{position:sticky;top:2.3rem;z-index:6;background:{WHITE};}}
.st-key-lbln-strip{{height:8.6rem;}}
[data-testid="stMain"]{{scroll-padding-top:11.5rem;}}
}}
.lbln-title{{font-size:1.35rem;font-weight:700;margin:0;line-height:1.3;}}
.lbln-banner{{border-radius:6px;padding:.3rem .7rem;font-size:1.05rem;line-height:1.3;font-weight:700;margin:.2rem 0 .35rem 0;}}
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
.st-key-ranking{{width:round(down,min(100%,{CHART_MAX_WIDTH_PX}px),1px) !important;}}
.st-key-teach-ranking{{width:round(down,100%,1px) !important;}}
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
[data-testid="stElementContainer"],[data-testid="stLayoutWrapper"]{position:static !important;}
.st-key-lbln-results{max-height:none !important;overflow:visible !important;}
.st-key-lbln-strip,.st-key-lbln-chips,.st-key-lbln-next,.lbln-copy button,a.lbln-banner-link{display:none !important;}
.lbln-note-text{position:static !important;width:auto !important;height:auto !important;white-space:pre-wrap;
font-size:9pt;border-top:1px solid;padding-top:4mm;}
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

BEDSIDE_STYLE = STYLE.removesuffix("</style>") + """
@media not all and (orientation:portrait) and (max-width:1100px){
[data-testid="stMainBlockContainer"]{padding-bottom:0;}
.st-key-lbln-findings{padding-bottom:2rem;}
}
</style>"""
"""The bedside page's style block: STYLE with its own landscape rules inside the same block. The space
below the page moves into the findings column: the sticky results column can never leave the two
columns' block, so with that space below the block, scrolling to the very end pushed the column up by
it, under the pinned page header (the banner's top edge hidden). Inside the findings column the space
makes the block reach the page's end."""
