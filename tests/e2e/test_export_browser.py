"""The case summary, the printed bedside page and the knowledge page in a real browser.

Uses the session's Streamlit server and Chromium (tests/e2e/conftest.py). Screenshots and the
printed PDF go to test-artifacts/ (summary-*, bedside-print-*, knowledge-*).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

import knowledge
from dashboard.bedside import text
from dashboard.common import theme
from dashboard.sources import text as sources_text
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

CES_LINK = "?age_years=52&sex=female&location=midline_lumbar&depth=deep&back_pain=true&saddle_anesthesia=true&bladder_bowel_dysfunction=true"
CES_CASE = {
    "age_years": 52, "sex": "female", "location": "midline_lumbar", "depth": "deep",
    "back_pain": True, "saddle_anesthesia": True, "bladder_bowel_dysfunction": True,
}


def _download(nav) -> tuple[str, str]:
    """Tap 'Download case summary' and return the file's name and text."""
    with nav.page.expect_download() as info:
        nav.page.get_by_role("button", name=text.EXPORT_BUTTON).tap()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def test_download_gives_the_case_summary_with_the_label_typed_just_before(navigator):
    """A label typed and the button tapped at once give one HTML file with the version, flags, findings and label."""
    kb = knowledge.load_knowledge()
    expected = knowledge.assess(CES_CASE, kb)
    nav = navigator("landscape", CES_LINK)
    nav.page.locator(".st-key-export-label input").fill("AB <bed 4>")
    name, html = _download(nav)
    assert re.fullmatch(r"lump-summary-\d{8}\.html", name), name
    assert html.startswith("<!DOCTYPE html>")
    assert f"<b>{kb.version}</b>" in html
    for flag in expected.red_flags:
        assert escape(flag["message"]) in html
    assert escape(kb.findings["saddle_anesthesia"].label) in html
    assert '<p class="label">Label: <b>AB &lt;bed 4&gt;</b></p>' in html
    assert "<script" not in html.lower()
    (ARTIFACTS / "summary-ces.html").parent.mkdir(exist_ok=True)
    (ARTIFACTS / "summary-ces.html").write_text(html, encoding="utf-8")
    nav.assert_clean()


def test_download_follows_the_case_as_it_changes(navigator):
    """After a finding is tapped, the next download carries it; without a label the file has none."""
    nav = navigator("landscape", "?age_years=30")
    nav.enter("tender", "yes", "true")
    _, html = _download(nav)
    assert re.search(r'<tr data-finding="tender"><td>[^<]+</td><td><b>yes</b></td></tr>', html)
    assert 'class="label"' not in html
    nav.assert_clean()


@pytest.mark.parametrize("viewport", ["landscape", "portrait"])
def test_print_layout_shows_the_assessment_without_the_controls(navigator, viewport):
    """Printed, the page keeps the banner, flags, chart, workup and why, and drops inputs, navigation and buttons."""
    nav = navigator(viewport, CES_LINK)
    page = nav.page
    assert nav.finding("age_years").is_visible()
    page.emulate_media(media="print")
    nav.wait_for_app_run()
    for name in ("triage", "flag", "workup", "why"):
        assert nav.panel(name).first.is_visible(), name
    assert page.get_by_test_id("stPlotlyChart").is_visible()
    assert nav.finding("age_years").count() == 1 and not nav.finding("age_years").is_visible(), "the findings column is hidden on paper"
    assert not page.get_by_role("button", name=text.RESET_LABEL).is_visible()
    assert not page.get_by_role("button", name=text.EXPORT_BUTTON).is_visible()
    assert not page.locator(".st-key-export-label").is_visible()
    assert not page.get_by_test_id("stHeader").is_visible()
    assert nav.panel("triage").get_attribute("data-level") == "emergency"
    banner = nav.panel("triage").bounding_box()
    chart = page.locator("[data-testid='stPlotlyChart'] .main-svg").first.bounding_box()
    assert banner is not None and chart is not None
    assert chart["width"] <= theme.CHART_MAX_WIDTH_PX + 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"bedside-print-{viewport}.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / f"bedside-print-{viewport}.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")
    nav.wait_for_app_run()
    assert nav.finding("age_years").is_visible(), "the findings come back on screen"
    nav.assert_clean()


def test_chart_is_never_drawn_wider_than_paper(navigator):
    """On a wide screen the ranking chart stays at most CHART_MAX_WIDTH_PX wide, so a printout never cuts it off."""
    nav = navigator("landscape", CES_LINK)
    nav.page.set_viewport_size({"width": 1920, "height": 1080})
    svg = nav.page.locator("[data-testid='stPlotlyChart'] .main-svg").first
    # the chart redraws for the wider screen a moment after the resize: wait until it has (its width in the
    # asserted range) rather than read the width it still has at the tablet's size
    nav.page.wait_for_function(
        "([sel, lo, hi]) => { const s = document.querySelector(sel); if (!s) return false;"
        " const w = s.getBoundingClientRect().width; return w >= lo && w <= hi; }",
        arg=["[data-testid='stPlotlyChart'] .main-svg", 0.8 * theme.CHART_MAX_WIDTH_PX, theme.CHART_MAX_WIDTH_PX + 1],
    )
    box = svg.bounding_box()
    assert box is not None and 0.8 * theme.CHART_MAX_WIDTH_PX <= box["width"] <= theme.CHART_MAX_WIDTH_PX + 1
    nav.assert_clean()


def test_knowledge_page_shows_version_tabs_and_tables(navigator):
    """The knowledge page opens from the app's link with the version badge, seven tabs and a table, in under the viewport width."""
    kb = knowledge.load_knowledge()
    nav = navigator("landscape")
    page = nav.page
    page.goto(nav.base_url + "?page=sources")
    nav.wait_for_app_run()
    badge = nav.panel("kn-version")
    badge.wait_for(state="visible")
    assert badge.inner_text() == f"{sources_text.KN_VERSION} {kb.version}"
    assert nav.in_viewport(badge)
    page.wait_for_url(re.compile(r"/sources(\?|$)"))
    assert page.get_by_role("tab").count() == 7
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for(state="visible")
    assert table.bounding_box()["width"] <= page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    path = nav.screenshot("knowledge-landscape")
    assert path.stat().st_size > 10_000
    tab = page.get_by_role("tab", name=re.compile(r"^Sources"))
    tab.click()
    assert tab.get_attribute("aria-selected") == "true"
    page.get_by_test_id("stDataFrame").filter(visible=True).first.wait_for(state="visible")  # drawn on a canvas
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")  # the tab's underline settles
    nav.screenshot("knowledge-sources-landscape")
    nav.assert_clean()
