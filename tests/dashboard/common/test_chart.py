"""The ranking chart is a pure function of an Assessment; these tests read its figure data."""

from __future__ import annotations

import pytest

import knowledge
from dashboard.common import chart as charts

CASES = {
    "empty": {},
    "lipoma": {"age_years": 50, "consistency": "soft", "mobility": "mobile", "depth": "superficial", "growth": "stable"},
    "abscess": {"age_years": 30, "tender": True, "warmth": True, "erythema": True, "consistency": "fluctuant", "onset": "acute"},
    "cauda_equina": {"age_years": 52, "depth": "deep", "saddle_anesthesia": True, "bladder_bowel_dysfunction": True},
}


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


@pytest.fixture(params=list(CASES), ids=list(CASES))
def assessment(request: pytest.FixtureRequest, kb: knowledge.Knowledge) -> knowledge.Assessment:
    """An assessment of one representative case."""
    return knowledge.assess(CASES[request.param], kb)


def test_one_bar_per_cause_in_probability_order(assessment: knowledge.Assessment) -> None:
    """The bars are every cause, most probable first, with the engine's probabilities unchanged."""
    (bar,) = charts.cause_ranking(assessment).data
    assert list(bar.x) == list(assessment.probabilities)
    assert list(bar.x) == sorted(bar.x, reverse=True)
    assert sum(bar.x) == pytest.approx(1.0)


def test_most_probable_cause_is_drawn_at_the_top(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The y axis runs from the last category down to the first, so the first (most probable) bar is the
    top one, labelled by its short name."""
    fig = charts.cause_ranking(assessment, {cid: c.short for cid, c in kb.causes.items()})
    n = len(assessment.cause_ids)
    assert fig.layout.yaxis.type == "category" and fig.layout.yaxis.autorange is False
    assert tuple(fig.layout.yaxis.range) == (n - 0.5, -0.5)
    top = assessment.cause_ids[0]
    assert fig.data[0].y[0].startswith(kb.causes[top].short)


def test_cant_miss_causes_are_marked_in_colour_pattern_and_words(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """A can't-miss cause has its own colour, a hatch, the warning mark in its label and the tag in words."""
    (bar,) = charts.cause_ranking(assessment).data
    shapes = bar.marker.pattern.shape
    colours = bar.marker.color
    cant_miss = [kb.causes[cid].cant_miss for cid in assessment.cause_ids]
    assert any(cant_miss) and not all(cant_miss)
    for i, cm in enumerate(cant_miss):
        assert (shapes[i] != "") == cm
        assert (charts.CANT_MISS_MARK in bar.y[i]) == cm
        assert ("can't miss" in bar.text[i]) == cm
    assert {colours[i] for i, cm in enumerate(cant_miss) if cm}.isdisjoint({colours[i] for i, cm in enumerate(cant_miss) if not cm})


def test_axis_is_fixed_from_0_to_100_percent_and_cannot_be_dragged(assessment: knowledge.Assessment) -> None:
    """The x axis is fixed at [0, 1] shown in percent, nothing zooms or drags, and the mode bar is off."""
    fig = charts.cause_ranking(assessment)
    assert tuple(fig.layout.xaxis.range) == (0, 1)
    assert fig.layout.xaxis.tickformat == ".0%"
    assert fig.layout.xaxis.fixedrange is True and fig.layout.yaxis.fixedrange is True
    assert fig.layout.dragmode is False
    assert charts.PLOTLY_CONFIG["displayModeBar"] is False
    assert charts.PLOTLY_CONFIG["scrollZoom"] is False


def test_title_names_the_knowledge_version_and_says_estimate(assessment: knowledge.Assessment) -> None:
    """The title block shows the knowledge version, and the axis and title call the numbers estimates."""
    fig = charts.cause_ranking(assessment)
    title_block = f"{fig.layout.title.text} {fig.layout.title.subtitle.text}"
    assert assessment.knowledge_version in title_block
    assert "estimate" in title_block.lower()
    assert fig.layout.xaxis.title.text == "estimated probability"


def test_height_is_the_same_for_every_case(kb: knowledge.Knowledge) -> None:
    """The chart height depends only on the number of causes, so the page does not jump between taps."""
    heights = {charts.cause_ranking(knowledge.assess(case, kb)).layout.height for case in CASES.values()}
    assert heights == {charts.chart_height(len(kb.causes))}


@pytest.mark.parametrize(
    ("p", "shown"),
    [(0.0, "<1%"), (0.005, "<1%"), (0.0099, "<1%"), (0.01, "1%"), (0.37, "37%"), (1.0, "100%")],
)
def test_percent_labels(p: float, shown: str) -> None:
    """Probabilities print as whole percents, and anything below one percent as '<1%' (never '0%')."""
    assert charts.percent(p) == shown


def test_large_bars_carry_their_text_inside(kb: knowledge.Knowledge) -> None:
    """A bar long enough to push its text off the fixed axis has the text inside instead."""
    fig = charts.cause_ranking(knowledge.assess(CASES["cauda_equina"], kb))
    (bar,) = fig.data
    cant_miss = [kb.causes[cid].cant_miss for cid in knowledge.assess(CASES["cauda_equina"], kb).cause_ids]
    for p, cm, pos in zip(bar.x, cant_miss, bar.textposition, strict=True):
        limit = charts.INSIDE_FROM_CANT_MISS if cm else charts.INSIDE_FROM
        assert pos == ("inside" if p >= limit else "outside")


def test_the_unvalidated_figure_is_the_validated_one(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The bedside page builds the chart without plotly's validation (speed): Streamlit sends the same
    figure JSON either way, but for the template, which validation resolves from its name "none" to
    plotly's "none" template object and which is sent by name without it (plotly.js draws the figure
    with no template either way; see test_the_figure_gives_plotly_nothing_to_redraw)."""
    import json

    import plotly.io
    import plotly.tools

    from dashboard.common import theme

    names = {cid: c.short for cid, c in kb.causes.items()}
    sent = [
        json.loads(plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(
            charts.cause_ranking(assessment, names, theme.CHART_BAR_PX_COMPACT, validate=validate), True), validate=False))
        for validate in (True, False)
    ]
    assert sent[0]["layout"].pop("template") == plotly.io.templates["none"].to_plotly_json()
    assert sent[1]["layout"].pop("template") == "none"
    assert sent[0] == sent[1]


def test_the_figure_gives_plotly_nothing_to_redraw(kb: knowledge.Knowledge) -> None:
    """Streamlit's chart element hands plotly.js a copy of the figure right after the first draw (to apply
    its theme), and plotly.js drew the whole chart again whenever the copy looked different: the template
    object (compared as an object, by identity), the bar arrays (new arrays, when no data revision is
    given) and the axes' type, autorange and range (which plotly writes back into the layout on the
    first draw). So: the template goes by name, the revision is a digest of the bars (the same for the
    same bars, different when a bar changes) and both axes are given in full. Browser test:
    tests/e2e/test_bedside_v2.py::test_the_chart_is_drawn_once_per_tap."""
    lipoma, abscess = (knowledge.assess(CASES[name], kb) for name in ("lipoma", "abscess"))
    spec = charts.ranking_spec(lipoma)
    layout = spec["layout"]
    assert layout["template"] == "none"
    for axis in ("xaxis", "yaxis"):
        assert {"type", "autorange", "range"} <= layout[axis].keys() and layout[axis]["autorange"] is False
    assert layout["datarevision"] == charts.ranking_spec(knowledge.assess(CASES["lipoma"], kb))["layout"]["datarevision"]
    assert layout["datarevision"] != charts.ranking_spec(abscess)["layout"]["datarevision"]
    renamed = charts.ranking_spec(lipoma, {cid: "x" + c.short for cid, c in kb.causes.items()})
    assert layout["datarevision"] != renamed["layout"]["datarevision"]


def test_compact_rows_carry_every_text_outside(kb: knowledge.Knowledge) -> None:
    """The bedside page's compact rows are too thin for text inside a bar: every label sits outside, said once
    for the whole trace rather than per bar (fewer bytes per tap)."""
    from dashboard.common import theme

    fig = charts.cause_ranking(knowledge.assess(CASES["cauda_equina"], kb), bar_px=theme.CHART_BAR_PX_COMPACT)
    assert fig.data[0].textposition == "outside"
    assert fig.layout.xaxis.range[1] > 1  # room past 100% for a long bar's label
