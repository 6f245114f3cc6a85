"""A live class in real browsers: one teacher and three students, each its own browser context, on TWO
Streamlit server processes sharing one Redis (as behind the deploy's proxy), plus the projector's tally,
its accessibility and the screenshots of issue 12 (test-artifacts/class-*.png).

The servers and redis-server are started by module fixtures on free loopback ports and stopped after.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import knowledge
from dashboard.teaching import class_text as ct
from tests.class_sessions.redis_fixture import RedisServer, free_port
from tests.class_sessions.redis_fixture import redis_server as _redis_server  # noqa: F401 (fixture)
from tests.e2e.a11y import axe_violations
from tests.e2e.conftest import ROOT, SERVER_START_S, NavigatorPage, screens

pytestmark = pytest.mark.e2e

CASE = "tc-pilonidal-first-abscess"
DIAGNOSIS = "Pilonidal disease"
SIZES = {
    "laptop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
    "projector": {"width": 1920, "height": 1080},
}
REVEAL_S = 10
"""A reveal must reach every student's screen within this. The aim is 3 s (tools/classload.py measures it
at the protocol level); here seven Chromium pages, two servers and Redis share two cores, and each student
draws the navigator's chart on the reveal, so the bound is looser. Read one phone after another, the times
had included the test's own round trips (seen 1.6 / 5.0 / 6.5 s, once 10.5 s under two e2e workers); noted
by each page itself, a run alone read 1.1 / 0.4 / 1.7 s (2026-12-03)."""


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--server.port", str(port), "--server.address", "127.0.0.1"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env})
    deadline = time.monotonic() + SERVER_START_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, f"http://127.0.0.1:{port}/"
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit not healthy after {SERVER_START_S} s")
        time.sleep(0.2)  # polling interval of the health check


@pytest.fixture(scope="module")
def two_servers(browser: Any, _redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:  # noqa: F811
    """Two server processes on one Redis (LBLN_CLASS_STORE), as the deployment runs them."""
    if _redis_server.proc is None:
        _redis_server.start()
    logs = tmp_path_factory.mktemp("class-servers")
    started = [_start({"LBLN_CLASS_STORE": _redis_server.url}, logs / f"server{i}.log") for i in range(2)]
    try:
        yield [url for _, url in started]
    finally:
        for proc, _ in started:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class ClassScreen(NavigatorPage):
    """One screen of a class (teacher, projector or student)."""

    def open(self, query: str = "") -> None:
        response = self.page.goto(self.base_url + query)
        assert response is not None and response.ok
        self.page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
        self.page.get_by_test_id("stMainBlockContainer").wait_for(state="visible")

    def mark(self, name: str) -> Any:
        return self.page.locator(f"[data-lbln='{name}']")

    def answer(self, causes: list[str], triage: str) -> None:
        """Choose causes and a triage level, then send (waits until the page says it is in)."""
        bar = self.page.get_by_role("toolbar", name=ct.ANSWER_CAUSES)
        active = bar.locator("button[aria-pressed='true']")
        for _ in range(active.count()):  # clear what the stage before left chosen, then choose in order
            held = active.count()
            active.first.tap()
            self.page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length < n", arg=["[role='toolbar'] button[aria-pressed='true']", held]
            )
        for name in causes:
            bar.get_by_role("button", name=name, exact=True).tap()
        level = self.page.get_by_role("radiogroup", name=ct.ANSWER_TRIAGE).get_by_role("radio", name=re.compile(triage))
        if level.get_attribute("aria-checked") != "true":  # tapping the chosen level would clear it
            level.tap()
            self.page.wait_for_function("e => e.getAttribute('aria-checked') === 'true'", arg=level.element_handle())
        send = self.page.get_by_role("button", name=re.compile(f"^({ct.SEND}|{ct.SEND_AGAIN})$"))
        self.page.wait_for_function(
            "names => [...document.querySelectorAll('button')].some(b => names.includes(b.innerText.trim()) && !b.disabled)",
            arg=[ct.SEND, ct.SEND_AGAIN],
        )
        send.tap()
        said = ", ".join(causes) + "; " + triage.lower()
        self.page.get_by_test_id("stAlertContentSuccess").filter(has_text=said).wait_for(state="visible")

    def answered(self) -> int:
        return int(self.mark("answered").inner_text())


@pytest.fixture
def on(browser: Any, two_servers: list[str]) -> Iterator[Any]:
    """`on(server, size, query)`: a new screen on server 0 or 1."""
    factories = [screens(browser, url, ClassScreen, SIZES) for url in two_servers]
    opens = [next(f) for f in factories]
    yield lambda server, size, query: opens[server](size, query)
    for f in factories:
        next(f, None)


_NOTE_REVEAL_JS = """() => {
  const seen = () => document.querySelector("[data-lbln='diagnosis']") !== null;
  if (seen()) return false;
  const watch = new MutationObserver(() => {
    if (seen()) { window.__lblnRevealAt = Date.now(); watch.disconnect(); }
  });
  watch.observe(document.documentElement, {childList: true, subtree: true});
  return true;
}"""
"""Installed on each student's page before the reveal: the page itself records (as a wall-clock time) when
the revealed answer enters it, so the time measured is the reveal's and not the test's: reading the
three phones one after another from a loaded machine had added the test's own round trips to the last."""


def _wait_count(screen: ClassScreen, n: int, limit_s: float = 5) -> float:
    start = time.monotonic()
    screen.page.wait_for_function("n => document.querySelector(\"[data-lbln='answered']\")?.innerText === String(n)", arg=n,
                                  timeout=limit_s * 1000)
    return time.monotonic() - start


def test_a_class_across_two_processes(on):
    """Teacher on one process, students on both: join, answer stage by stage, each answer counted once on
    the projector, no student can reveal or see the answer early, the teacher's reveal reaches everyone."""
    teacher = on(0, "laptop", f"?page=teach&case={CASE}")
    teacher.page.get_by_role("button", name=ct.START_CLASS).tap()
    teacher.mark("join-code").wait_for(state="visible")
    code = teacher.mark("join-code").inner_text().strip()
    link = teacher.mark("class-link").inner_text()
    assert link.endswith(f"?page=teach&class={code}")
    projector = on(1, "projector", f"?page=teach&class={code}&view=tally")
    projector.mark("tally").wait_for(state="visible")
    students = [on(i % 2, "phone", f"?page=teach&class={code}") for i in range(3)]
    for s in students:
        s.mark("story").wait_for(state="visible")
        html = s.page.content()
        assert DIAGNOSIS not in html.replace(f">{DIAGNOSIS}<", "")  # only as a choice among the pills
        assert s.page.get_by_role("switch").count() == 0 and s.page.get_by_role("button", name=re.compile("[Rr]eveal")).count() == 0
    students[0].answer(["Skin abscess"], "Urgent")
    students[1].answer([DIAGNOSIS], "Urgent")
    students[2].answer(["Skin abscess", DIAGNOSIS], "Routine")
    students[0].answer(["Lipoma"], "Routine")  # changed: replaces the first answer
    assert _wait_count(projector, 3) < 3
    projector.page.wait_for_selector("[data-lbln='tally-first'] li[data-value='Lipoma']", timeout=3000)
    first = {li.get_attribute("data-value"): int(li.get_attribute("data-count")) for li in projector.mark("tally-first").locator("li").all()}
    assert sum(first.values()) == 3 and first.get("Lipoma") == 1
    assert DIAGNOSIS not in projector.mark("tally").inner_text() or first.get(DIAGNOSIS) == 1
    assert projector.page.locator("[data-lbln='answer'],[data-lbln='diagnosis']").count() == 0
    projector.screenshot("class-projector-mid-stage-1920")
    students[0].screenshot("class-student-phone-before-reveal")

    teacher.page.get_by_role("button", name=re.compile("^Release stage 2")).tap()
    pits = knowledge.load_knowledge().findings["sinus_pits"].label
    for s in students:
        s.page.get_by_text(f"{pits}:", exact=False).first.wait_for(state="visible", timeout=REVEAL_S * 1000)
    for s, triage in zip(students, ("Urgent", "Urgent", "Emergency"), strict=True):
        s.answer([DIAGNOSIS], triage)
    _wait_count(projector, 3)
    for s in students:  # each phone notes, by the wall clock, the moment the revealed answer enters its page
        assert s.page.evaluate(_NOTE_REVEAL_JS) is True, "the answer was on a student's screen before the reveal"
    start = time.time()
    teacher.page.get_by_role("button", name=ct.REVEAL).tap()
    teacher.page.get_by_text(ct.STATE_REVEALED, exact=True).wait_for(state="visible")
    reached = []
    for s in students:
        s.mark("diagnosis").wait_for(state="visible", timeout=REVEAL_S * 1000)
        reached.append(round(s.page.evaluate("window.__lblnRevealAt") / 1000 - start, 1))
        assert s.mark("diagnosis").inner_text() == DIAGNOSIS
        assert s.mark("grade").is_visible()
    assert max(reached) < REVEAL_S, f"reveal reached the students after {reached} s"
    projector.mark("by-stage").wait_for(state="visible", timeout=REVEAL_S * 1000)
    box = projector.mark("answer").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 1080, "the revealed answer must be above the fold"
    projector.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    projector.screenshot("class-projector-revealed-1920")
    half = on(1, "projector", f"?page=teach&class={code}&view=tally")
    half.page.set_viewport_size({"width": 960, "height": 540})  # the same screen at half size: the back of the room
    half.page.evaluate("document.body.style.zoom = '0.5'")
    half.mark("by-stage").wait_for(state="visible")
    half.page.get_by_test_id("stPlotlyChart").wait_for(state="visible")
    half.screenshot("class-projector-revealed-1920-half")
    students[0].screenshot("class-student-phone-after-reveal")
    assert axe_violations(projector.page) == []
    for s in (teacher, projector, *students):
        assert not s.console_errors, s.console_errors


def test_wrong_code_and_forged_teacher_link(on):
    """A code no class holds and a forged teacher link each say so in words, with no traceback."""
    teacher = on(0, "laptop", f"?page=teach&case={CASE}")
    teacher.page.get_by_role("button", name=ct.START_CLASS).tap()
    teacher.mark("join-code").wait_for(state="visible")
    code = teacher.mark("join-code").inner_text().strip()
    forged = on(1, "laptop", f"?page=teach&class={code}&teacher=not-the-secret-at-all")
    forged.page.get_by_text(ct.FORGED_TEACHER.format(code=code)).wait_for(state="visible")
    assert forged.page.get_by_role("button", name=ct.REVEAL).count() == 0
    wrong = on(1, "phone", "?page=teach&class=ZZZZZZ")
    wrong.page.get_by_text("No class is running with the code ZZZZZZ", exact=False).wait_for(state="visible")
    for s in (forged, wrong):
        assert s.page.get_by_test_id("stException").count() == 0


THREE_STAGES = "tc-sore-with-bone-at-the-base"
STAGE_TITLES = ("The story and history", "The examination", "Results already to hand")
CLIPPED_LABELS_JS = """() => [...document.querySelectorAll('button, a[data-testid^="stBaseButton"]')]
  .filter(b => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().right > 0)
  .flatMap(b => [b, ...b.querySelectorAll('div, span, p')])
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible')
  .map(e => e.innerText.trim()).filter(Boolean)"""
"""The text of every visible button or link button cut short (an ellipsis or clipped overflow)."""


def _stage_titles(screen: ClassScreen) -> list[str]:
    return [t.replace(ct.NEW_AT_STAGE, "").strip() for t in screen.page.locator("[data-lbln='stage-title']").all_inner_texts()]


def test_a_three_stage_class_on_phones(on):
    """A case with a result to hand runs in three stages: on a 390x844 phone and on the projector each stage
    is headed by its own name (never 'Findings on examination'), the newest tagged new, and no button label is
    cut short; the projector counts each stage's answers on their own; the result appears only at stage 3; the
    table after the reveal holds all three stages."""
    teacher = on(0, "laptop", f"?page=teach&case={THREE_STAGES}")
    teacher.page.get_by_role("button", name=ct.START_CLASS).tap()
    teacher.mark("join-code").wait_for(state="visible")
    code = teacher.mark("join-code").inner_text().strip()
    projector = on(1, "projector", f"?page=teach&class={code}&view=tally")
    projector.mark("tally").wait_for(state="visible")
    students = [on(i % 2, "phone", f"?page=teach&class={code}") for i in range(2)]
    crp = knowledge.load_knowledge().findings["raised_crp_or_esr"].label
    answers = [  # per stage: (causes, triage) of each student, None for a student who does not answer
        ((["Pressure ulcer"], "Routine"), None),
        ((["Pressure ulcer"], "Urgent"), (["Pressure ulcer", "Spinal infection"], "Urgent")),
        (None, (["Spinal infection"], "Emergency")),
    ]
    for number, stage_answers in enumerate(answers, start=1):
        for screen in (*students, projector):
            screen.page.wait_for_function(
                "want => document.querySelector(\"[data-lbln='stage']\")?.innerText === want", arg=ct.stage_heading(number, 3),
                timeout=REVEAL_S * 1000,
            )
            newest_first = screen is projector  # the room sees the stage just released first
            released = list(STAGE_TITLES[:number])
            # the heading can change a moment before the stage blocks below it are drawn (a clean-clone run
            # of 2026-12-05 read one title under the stage-2 heading): wait for the blocks, then compare
            screen.page.wait_for_function(
                "n => document.querySelectorAll(\"[data-lbln='stage-title']\").length >= n", arg=number,
                timeout=REVEAL_S * 1000,
            )
            assert _stage_titles(screen) == (released[::-1] if newest_first else released)
            titles = screen.page.locator("[data-lbln='stage-title']")
            newest = titles.first if newest_first else titles.last
            assert (ct.NEW_AT_STAGE in newest.inner_text()) == (number > 1)
            if newest_first:
                block = screen.page.locator("[data-lbln='stage-block']").first.locator("[data-lbln='findings'] li").first
                assert screen.in_viewport(newest) and screen.in_viewport(block), f"stage {number} is below the projector's fold"
            body = screen.page.inner_text("body")
            assert "Findings on examination" not in body
            assert (f"{crp}:" in body) == (number == 3), f"the result is released at stage 3 only (stage {number})"
            assert screen.page.evaluate(CLIPPED_LABELS_JS) == [], f"button labels cut short at stage {number}"
        send = students[0].page.get_by_role("button", name=re.compile(f"^({ct.SEND}|{ct.SEND_AGAIN})$"))
        assert send.bounding_box()["height"] >= 44 and send.bounding_box()["width"] <= SIZES["phone"]["width"]
        for student, answer in zip(students, stage_answers, strict=True):
            if answer is not None:
                student.answer(*answer)
                student.page.get_by_role("button", name=ct.SEND_AGAIN, exact=True).wait_for(state="visible")
        _wait_count(projector, sum(a is not None for a in stage_answers))
        students[0].screenshot(f"class-phone-three-stages-{number}")
        if number < 3:
            release = teacher.page.get_by_role("button", name=f"Release stage {number + 1}: {STAGE_TITLES[number]}", exact=True)
            assert teacher.page.evaluate(CLIPPED_LABELS_JS) == []
            release.tap()
        else:
            assert teacher.page.get_by_role("button", name=re.compile("^Release stage")).count() == 0
            teacher.page.get_by_text(ct.ALREADY_LAST).wait_for(state="visible")
    projector.screenshot("class-projector-stage3-1920")
    teacher.page.get_by_role("button", name=ct.REVEAL).tap()
    table = projector.mark("by-stage")
    table.wait_for(state="visible", timeout=REVEAL_S * 1000)
    rows = table.locator("tbody tr").all()
    assert [r.locator("th").inner_text() for r in rows] == list(STAGE_TITLES)
    assert [r.locator("td").first.inner_text() for r in rows] == ["1", "2", "1"]
    for student, stage in zip(students, (2, 3), strict=True):
        student.mark("diagnosis").wait_for(state="visible", timeout=REVEAL_S * 1000)
        assert ct.COMPARE_FINAL.format(stage=stage) in student.mark("compared-stage").inner_text()
    students[1].screenshot("class-phone-three-stages-revealed")
    for s in (teacher, projector, *students):
        assert not s.console_errors, s.console_errors
