"""The teaching page in a real browser: class links on several screens, reveal, guess, projector.

Uses the session's Streamlit server and Chromium (tests/e2e/conftest.py); every screen is its own
browser context, so its own Streamlit session, as each student's tablet is. Screenshots go to
test-artifacts/ (teach-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from casebook import case_code, load_library
from dashboard.teaching import text as tt
from tests.e2e.conftest import NavigatorPage, screens

pytestmark = pytest.mark.e2e

CASE = "tc-pilonidal-first-abscess"
DIAGNOSIS = "Pilonidal disease"
MISLEADING = "tc-deep-fatty-lump-flank"
SIZES = {
    "landscape": {"width": 1180, "height": 820},
    "portrait": {"width": 820, "height": 1180},
    "projector": {"width": 1920, "height": 1080},
}
BASE_PATH_PROBE = re.compile(r"/(teach|bedside|sources)/_stcore/(health|host-config)$")
"""Opened at /teach, Streamlit's front end first looks for its server under /teach/_stcore/ and gets
a 404 before it tries /_stcore/: the browser logs that as a console error. It is Streamlit's own
probe, the only error tolerated."""


class TeachScreen(NavigatorPage):
    """One screen (one browser context, one Streamlit session) showing the teaching page."""

    def tolerated(self, msg: Any) -> bool:
        """Streamlit's own base-path probe (see BASE_PATH_PROBE)."""
        url = (msg.location or {}).get("url", "")
        return "status of 404" in msg.text and bool(BASE_PATH_PROBE.search(urlsplit(url).path))

    def open(self, query: str = "") -> None:
        """Load a teaching link (path and query, such as 'teach?case=x') and wait for the page."""
        response = self.page.goto(self.base_url + query)
        assert response is not None and response.ok, f"GET {self.base_url + query} failed"
        self.wait_for_app_run()
        self.page.get_by_test_id("stMainBlockContainer").wait_for(state="visible")

    def mark(self, name: str) -> Any:
        """An element of the teaching page by its `data-lbln` mark."""
        return self.page.locator(f"[data-lbln='{name}']")

    def toggle(self, label: str) -> None:
        """Tap a toggle by its label."""
        self.page.get_by_role("switch", name=label).locator("xpath=ancestor::label").tap()

    def prose(self) -> str:
        """The page's own text (HTML panels and markdown), leaving out widget labels: the guess
        pills name every cause, the diagnosis among them."""
        html = self.page.get_by_test_id("stHtml").all_inner_texts()
        markdown = self.page.locator("[data-testid='stMarkdown']").all_inner_texts()
        return "\n".join(html + markdown)

    def answer_hidden(self) -> bool:
        """Whether the page says the answer is hidden and shows no part of it."""
        parts = ("answer", "diagnosis", "grade", "misleads", "points")
        return self.mark("answer-hidden").is_visible() and all(self.mark(p).count() == 0 for p in parts)


@pytest.fixture
def screen(browser: Any, app_url: str) -> Iterator[Any]:
    """A factory: `screen("portrait", "teach?case=x")` opens a new screen (touch, its own session)."""
    yield from screens(browser, app_url, TeachScreen, SIZES)


def _class_query(case_id: str) -> str:
    """The query part of the class link the teaching page shows (root form, see teach_links)."""
    return f"?page=teach&case={case_code(case_id)}"


@pytest.mark.parametrize("size", ["landscape", "portrait"])
def test_answer_is_hidden_until_revealed_and_hides_again(screen, size):
    """A student screen shows the story without the diagnosis; the reveal toggle shows the answer and hides it again."""
    s = screen(size, _class_query(CASE))
    story = load_library().get(CASE).story
    assert s.mark("story").inner_text() == story
    assert s.answer_hidden()
    assert DIAGNOSIS not in s.prose()
    s.screenshot(f"teach-student-{size}")
    s.toggle(tt.REVEAL_TOGGLE)
    s.mark("diagnosis").wait_for(state="visible")
    assert s.mark("diagnosis").inner_text() == DIAGNOSIS
    s.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    s.mark("answer").scroll_into_view_if_needed()
    s.screenshot(f"teach-revealed-{size}")
    s.toggle(tt.REVEAL_TOGGLE)
    s.mark("answer-hidden").wait_for(state="visible")
    assert s.answer_hidden()
    assert DIAGNOSIS not in s.prose()
    s.assert_clean()


def test_class_link_on_separate_screens_keeps_each_answer_private(screen):
    """The class link read off the teacher's projector opens the same case on two student screens, where the
    teacher's reveal does not show; a student's committed guess is graded on that student's screen alone."""
    teacher = screen("projector", f"?page=teach&case={CASE}&view=projector")
    teacher.page.wait_for_url(re.compile(r"/teach\?case=\w+&view=projector$"))
    link = teacher.mark("class-link").inner_text()
    assert link == teacher.base_url.rstrip("/") + "/" + _class_query(CASE)
    teacher.toggle(tt.REVEAL_TOGGLE)
    teacher.mark("diagnosis").wait_for(state="visible")

    path = link.removeprefix(teacher.base_url.rstrip("/") + "/")
    students = [screen("landscape", path), screen("portrait", path)]
    for student in students:
        assert student.mark("story").inner_text() == teacher.mark("story").inner_text()
        assert student.mark("findings").inner_text().split() == teacher.mark("findings").inner_text().split()
        assert student.answer_hidden(), "the teacher's reveal must not reach a student's screen"
        assert DIAGNOSIS not in student.prose()

    first, second = students
    causes = first.page.get_by_role("toolbar", name=tt.GUESS_CAUSES)
    causes.get_by_role("button", name="Skin abscess", exact=True).tap()
    causes.get_by_role("button", name="Pilonidal disease", exact=True).tap()
    first.page.get_by_role("radiogroup", name=tt.GUESS_TRIAGE).get_by_role("radio", name=re.compile("Urgent")).tap()
    commit = first.page.get_by_role("button", name=tt.COMMIT)
    commit.scroll_into_view_if_needed()
    first.page.wait_for_function(
        "label => [...document.querySelectorAll('button')].some(b => b.innerText.trim() === label && !b.disabled)", arg=tt.COMMIT
    )
    commit.tap()
    grade = first.mark("grade")
    grade.wait_for(state="visible")
    text = grade.inner_text()
    assert "You named the diagnosis, Pilonidal disease, as your cause number 2." in text
    assert "Triage right: URGENT." in text
    assert first.mark("grade-triage").get_attribute("data-verdict") == "match"
    first.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    grade.scroll_into_view_if_needed()
    first.screenshot("teach-committed-landscape")

    second.wait_for_app_run()
    assert second.answer_hidden(), "one student's commit must not reveal another's"
    for s in (teacher, *students):
        s.assert_clean()


def test_projector_view_is_large_and_carries_the_qr_code(screen):
    """The teacher's projector link shows the story in large type, the QR code, the link and the answer
    (screenshots at full size and at half size, as seen from the back of the room)."""
    query = f"{_class_query(MISLEADING)}&view=projector&reveal=1"
    s = screen("projector", query)
    story_px = float(s.mark("story").evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    finding_px = float(s.mark("findings").evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    assert story_px >= 28, f"story at {story_px}px is too small for a projector"
    assert finding_px >= 24, f"findings at {finding_px}px are too small for a projector"
    qr = s.mark("qr").locator("img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 250, "the QR code must be big enough to scan across a room"
    assert s.in_viewport(qr) and s.in_viewport(s.mark("story"))
    assert s.mark("class-link").inner_text().endswith(_class_query(MISLEADING))
    s.screenshot("teach-projector-1920")
    s.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    s.mark("misleads").scroll_into_view_if_needed()
    assert "Here the ranking misleads" in s.mark("misleads").inner_text()
    s.screenshot("teach-projector-answer-1920")

    half = screen("projector", query, scale=0.5)  # the same 1920x1080 screen, seen at half size (the back of the room)
    half.screenshot("teach-projector-1920-half")
    half.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    half.mark("answer").scroll_into_view_if_needed()
    half.screenshot("teach-projector-answer-1920-half")
    for one in (s, half):
        one.assert_clean()


def test_tampered_link_names_the_problem_and_offers_the_library(screen):
    """A link with an unknown case and a garbage reveal shows one error naming both, no traceback, and the filterable library."""
    s = screen("landscape", "teach?case=tc-no-such-case&reveal=yesplease")
    alert = s.page.get_by_test_id("stAlert")
    text = alert.inner_text()
    assert "No teaching case is called tc-no-such-case" in text
    assert "reveal=yesplease is not understood" in text
    assert s.page.get_by_test_id("stException").count() == 0
    count = s.mark("case-count")
    assert count.inner_text() == f"{len(load_library().cases)} cases"
    s.page.locator(".st-key-teach-filter-region").get_by_text("natal cleft", exact=True).tap()
    expected = load_library().filter(region="natal_cleft")
    s.page.wait_for_function(
        "want => document.querySelector(\"[data-lbln='case-count']\")?.innerText === want", arg=f"{len(expected)} cases"
    )
    s.page.get_by_role("button", name=expected[0].title, exact=True).tap()
    s.page.wait_for_url(re.compile(rf"case={case_code(expected[0].id)}$"))
    s.mark("story").wait_for(state="visible")
    assert s.mark("story").inner_text() == expected[0].story
    s.assert_clean()
