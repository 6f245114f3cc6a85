"""The revealed teaching case on a 1920x1080 projector, and the accessibility of the teaching screens
(issue 11 item 7): the answer above the fold, the chart's axis title clear of its tick labels, text
contrast of at least 4.5:1 (disabled widgets included, which axe-core skips), and no axe-core WCAG A/AA
violation on the library, a revealed case and a live class's projector and phone screens.

Uses the session's Streamlit server (one process, the in-memory class store) and Chromium
(tests/e2e/conftest.py). Screenshots go to test-artifacts/ (teach-reveal-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from casebook import case_code
from dashboard.teaching import class_text as ct
from dashboard.teaching import text as tt
from tests.e2e.a11y import axe_violations, small_targets
from tests.e2e.conftest import screens
from tests.e2e.test_teaching import TeachScreen

pytestmark = pytest.mark.e2e

SIZES = {
    "projector": {"width": 1920, "height": 1080},
    "landscape": {"width": 1180, "height": 820},
    "phone": {"width": 390, "height": 844},
}
CASE = "tc-pilonidal-first-abscess"
MISLEADING = "tc-deep-fatty-lump-flank"  # engine_agrees false: the note sits between the answer and the chart
LONG_NAME = "tc-netball-knock-never-settled"  # the longest cause name (primary bone tumour and its list)
LONG_TITLE = "tc-pus-from-pit-above-cleft"  # a title on two lines at projector size
THREE_STAGES = "tc-sore-with-bone-at-the-base"  # a result to hand: three class stages
ANSWER_ROWS = (tt.DIAGNOSIS, tt.TRIAGE, tt.KEY_WORKUP)
MIN_CONTRAST = 4.5
MIN_TARGET_PX = 44

CONTRAST_JS = """
(minRatio) => {
  const parse = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const blend = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
    let bg = {r: 255, g: 255, b: 255, a: 1}; for (const c of layers.reverse()) bg = blend(c, bg); return bg; };
  const opacity = el => { let o = 1; for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; };
  const low = []; const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement; const text = walker.currentNode.textContent.trim();
    if (!el || !text || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('svg,script,style,noscript')) continue;
    const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    if (r.width <= 1 || r.height <= 1 || cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (el.closest('details:not([open]) > :not(summary)')) continue;
    const fg = parse(cs.color); if (!fg) continue;
    const bg = background(el); const shown = blend({...fg, a: fg.a * opacity(el)}, bg);
    const l1 = lum(shown), l2 = lum(bg); const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < minRatio) low.push({text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: cs.color});
  }
  return low;
}
"""
"""Every visible text's contrast against the background it is drawn on (alpha and opacity blended), so
that the greyed text of a disabled widget (a committed guess), which axe-core leaves out, is held to it too."""

CHART_BOXES_JS = """
chart => {
  const box = e => { const b = e.getBoundingClientRect(); return {left: b.left, top: b.top, right: b.right, bottom: b.bottom}; };
  return {title: [...chart.querySelectorAll('.xtitle')].map(box), ticks: [...chart.querySelectorAll('.xtick text')].map(box),
          chart: box(chart)};
}
"""


@pytest.fixture
def screen(browser: Any, app_url: str) -> Iterator[Any]:
    """A factory: `screen("projector", "?page=teach&case=x")` opens a new screen (touch, its own session)."""
    yield from screens(browser, app_url, TeachScreen, SIZES)


def _case_query(case_id: str, *extra: str) -> str:
    return "&".join([f"?page=teach&case={case_code(case_id)}", *extra])


def _reveal(s: TeachScreen) -> None:
    """Tap the reveal toggle and wait until the answer and the chart are drawn and the answer box is still."""
    s.toggle(tt.REVEAL_TOGGLE)
    _wait_revealed(s)


def _wait_revealed(s: TeachScreen) -> None:
    s.mark("diagnosis").wait_for(state="visible")
    s.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    s.wait_for_app_run()
    s.wait_still(s.mark("answer"))


def _scrolled(s: TeachScreen) -> int:
    return int(s.page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTop"))


def _assert_answer_above_the_fold(s: TeachScreen) -> None:
    """Without scrolling, the whole answer box, and in it the diagnosis, triage and key workup rows, lie in the viewport."""
    assert _scrolled(s) == 0, "the page scrolled by itself"
    answer = s.mark("answer")
    for label in ANSWER_ROWS:
        for part in ("dt", "dd"):
            row = answer.locator(f"dt:text-is('{label}')") if part == "dt" else answer.locator(f"dt:text-is('{label}') + dd")
            assert s.in_viewport(row), f"{label} ({part}) at {row.bounding_box()} is below the fold"
    assert s.in_viewport(answer), f"the answer box {answer.bounding_box()} is not wholly on the 1920x1080 screen"


def _small_targets(s: TeachScreen) -> list[dict[str, Any]]:
    """small_targets, less two kinds it cannot judge: a toggle's visually hidden input (its tap target is its
    label, checked here to be 44 px high and wide) and a collapsed sidebar's links (drawn off screen)."""
    labels = s.page.evaluate(
        "() => [...document.querySelectorAll(\"[data-testid='stCheckbox'] label\")]"
        ".map(l => { const r = l.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })"
    )
    assert all(w >= MIN_TARGET_PX and h >= MIN_TARGET_PX for w, h in labels), f"toggle labels under 44 px: {labels}"
    off = set(s.page.evaluate(
        "() => [...document.querySelectorAll(\"[data-testid='stSidebarNavLink']\")]"
        ".filter(a => a.getBoundingClientRect().right <= 0).map(a => a.innerText.trim())"
    ))
    return [t for t in small_targets(s.page, MIN_TARGET_PX) if t["role"] != "switch" and not (t["tag"] == "a" and t["label"].strip() in off)]


def _low_contrast(s: TeachScreen) -> list[dict[str, Any]]:
    return list(s.page.evaluate(CONTRAST_JS, MIN_CONTRAST))


# --- the answer above the fold ---------------------------------------------------------------------


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector-mode"])
@pytest.mark.parametrize("case_id", [CASE, MISLEADING, LONG_NAME, LONG_TITLE])
def test_revealed_answer_is_above_the_fold_at_1920(screen, case_id, projector):
    """After the teacher reveals the answer on a 1920x1080 screen, the expected answer (diagnosis, triage,
    key workup and the rest of its box) is on the first screen without scrolling; in projector mode the
    class link's QR code stays on it too, still big enough to scan."""
    s = screen("projector", _case_query(case_id, *(["view=projector"] if projector else [])))
    s.mark("answer-hidden").wait_for(state="visible")
    assert s.answer_hidden()
    _reveal(s)
    _assert_answer_above_the_fold(s)
    if projector:
        qr = s.mark("qr").locator("img")
        box = qr.bounding_box()
        assert box is not None and box["width"] >= 250 and s.in_viewport(qr), f"QR code at {box}"
    s.screenshot(f"teach-reveal-{case_id}-{'projector' if projector else 'normal'}-1920")
    s.assert_clean()


def test_committed_guess_and_answer_are_above_the_fold_at_1920(screen):
    """A student who commits three causes sees how the guess compares and the whole expected answer on the
    first 1920x1080 screen; the committed (disabled) choices keep readable contrast."""
    s = screen("projector", _case_query(LONG_NAME))
    causes = s.page.get_by_role("toolbar", name=tt.GUESS_CAUSES)
    for name in ("Bony prominence", "Soft-tissue sarcoma", "Primary bone tumour"):
        causes.get_by_role("button", name=name, exact=True).tap()
    s.page.get_by_role("radiogroup", name=tt.GUESS_TRIAGE).get_by_role("radio", name=re.compile("Routine")).tap()
    s.page.wait_for_function(
        "label => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === label && !b.disabled)", arg=tt.COMMIT
    )
    s.page.get_by_role("button", name=tt.COMMIT).tap()
    s.mark("grade").wait_for(state="visible")
    _wait_revealed(s)
    s.page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollTo(0, 0)")
    s.wait_still(s.mark("answer"))
    _assert_answer_above_the_fold(s)
    assert s.in_viewport(s.mark("grade-triage")), "the comparison's triage line is below the fold"
    assert s.mark("grade-triage").get_attribute("data-verdict") == "under"
    assert _low_contrast(s) == []
    assert axe_violations(s.page) == []
    s.screenshot("teach-reveal-committed-1920")
    s.assert_clean()


# --- the chart's axis title --------------------------------------------------------------------------


@pytest.mark.parametrize(("size", "extra"), [("projector", ()), ("projector", ("view=projector",)), ("landscape", ())],
                         ids=["1920", "1920-projector-mode", "1180"])
def test_chart_axis_title_is_clear_of_its_tick_labels(screen, size, extra):
    """On the revealed case the ranking's x-axis title sits below every tick label with a gap, overlaps none
    of them, and lies wholly inside the chart (not clipped at its bottom edge)."""
    s = screen(size, _case_query(CASE, *extra, "reveal=1"))
    chart = s.page.get_by_test_id("stPlotlyChart")
    chart.locator(".xtitle").wait_for(state="visible")
    s.wait_still(chart)
    boxes = chart.evaluate(CHART_BOXES_JS)
    (title,) = boxes["title"]
    ticks = boxes["ticks"]
    assert len(ticks) == 5, ticks  # 0, 25, 50, 75 and 100%
    for tick in ticks:
        apart = title["right"] <= tick["left"] or tick["right"] <= title["left"] or title["bottom"] <= tick["top"] or tick["bottom"] <= title["top"]
        overlap = not apart
        assert not overlap, f"axis title {title} overlaps tick label {tick}"
    gap = title["top"] - max(t["bottom"] for t in ticks)
    assert gap >= 2, f"axis title only {gap:.1f} px below the tick labels"
    frame = boxes["chart"]
    assert title["bottom"] <= frame["bottom"] - 2 and title["left"] >= frame["left"], f"title {title} leaves the chart {frame}"
    s.assert_clean()


# --- accessibility: axe-core, contrast, touch targets ---------------------------------------------------


def test_teaching_library_is_accessible(screen):
    """The case library: no axe-core WCAG A/AA violation, no text under 4.5:1, no touch target under 44 px."""
    s = screen("projector", "?page=teach")
    s.mark("case-count").wait_for(state="visible")
    assert axe_violations(s.page) == []
    assert _low_contrast(s) == []
    assert _small_targets(s) == []
    s.assert_clean()


@pytest.mark.parametrize("projector", [False, True], ids=["normal", "projector-mode"])
def test_revealed_case_is_accessible(screen, projector):
    """A revealed case (the closed guess unfolded, so its disabled widgets are on screen): no axe-core WCAG
    A/AA violation, no text under 4.5:1 (disabled widgets included), no touch target under 44 px."""
    s = screen("projector", _case_query(MISLEADING, *(["view=projector"] if projector else [])))
    _reveal(s)
    if not projector:
        s.page.get_by_text(tt.GUESS_CLOSED_EXPANDER).tap()
        s.page.get_by_role("toolbar", name=tt.GUESS_CAUSES).wait_for(state="visible")
    assert axe_violations(s.page) == []
    assert _low_contrast(s) == []
    assert _small_targets(s) == []
    s.screenshot(f"teach-reveal-a11y-{'projector' if projector else 'normal'}-1920")
    s.assert_clean()


class ClassScreen(TeachScreen):
    """A class screen: ready when connected and drawn (its polling fragment never lets the script rest)."""

    def open(self, query: str = "") -> None:
        response = self.page.goto(self.base_url + query)
        assert response is not None and response.ok
        self.page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
        self.page.get_by_test_id("stMainBlockContainer").wait_for(state="visible")


@pytest.fixture
def class_screen(browser: Any, app_url: str) -> Iterator[Any]:
    """A factory of class screens on the session's server (one process: the in-memory class store)."""
    yield from screens(browser, app_url, ClassScreen, SIZES)


def test_class_projector_and_phone_screens_are_accessible(screen, class_screen):
    """A live class on the three-stage case: the projector's tally view (1920x1080) and a student's phone
    (390x844) show no axe-core WCAG A/AA violation and no text under 4.5:1; the phone has no touch target
    under 44 px; each stage is headed by its own name, never 'Findings on examination'."""
    teacher = screen("landscape", _case_query(THREE_STAGES))
    teacher.page.get_by_role("button", name=ct.START_CLASS).tap()
    teacher.mark("join-code").wait_for(state="visible")
    code = teacher.mark("join-code").inner_text().strip()
    projector = class_screen("projector", f"?page=teach&class={code}&view=tally")
    projector.mark("tally").wait_for(state="visible")
    phone = class_screen("phone", f"?page=teach&class={code}")
    phone.mark("story").wait_for(state="visible")
    phone.page.get_by_role("button", name=ct.SEND).wait_for(state="visible")
    titles = phone.page.locator("[data-lbln='stage-title']").all_inner_texts()
    assert titles == ["The story and history"], titles
    assert phone.mark("stage").inner_text() == ct.stage_heading(1, 3)
    assert "Findings on examination" not in phone.page.inner_text("body")
    for s in (projector, phone):
        assert axe_violations(s.page) == [], s.viewport
        assert _low_contrast(s) == [], s.viewport
    assert _small_targets(phone) == []
    phone.screenshot("teach-class-phone-stage1")
    projector.screenshot("teach-class-projector-stage1-1920")
    for s in (teacher, projector, phone):
        assert not s.console_errors, s.console_errors
