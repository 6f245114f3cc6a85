"""Live class sessions wired in Streamlit's AppTest: teacher, students and projector on one memory store
(and on Redis for a lost connection). Each AppTest is its own session, as each screen is."""

from __future__ import annotations

import os
import signal
from html import unescape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import classroom
import knowledge
from casebook import load_library
from dashboard.teaching import class_page as cp
from dashboard.teaching import class_text as ct
from tests.class_sessions.redis_fixture import redis_server, redis_url  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "streamlit_app.py"
CASE = "tc-pilonidal-first-abscess"  # diagnosis pilonidal disease, triage urgent; two stages
DIAGNOSIS = "Pilonidal disease"
PITS = knowledge.load_knowledge().findings["sinus_pits"].label  # an examination finding of the case


@pytest.fixture(autouse=True)
def _memory_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts on the memory store unless it sets LBLN_CLASS_STORE itself."""
    monkeypatch.delenv("LBLN_CLASS_STORE", raising=False)
    monkeypatch.delenv("LBLN_CLASS_TTL_HOURS", raising=False)


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["page"] = "teach"
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _text(at: AppTest) -> str:
    """Every text the page holds: HTML blocks, markdown, alerts, captions (not the widgets' option lists)."""
    parts = [str(el.value) for el in at.get("html")]
    parts += [str(el.value) for kind in ("markdown", "error", "warning", "info", "success", "caption") for el in at.get(kind)]
    return unescape("\n".join(parts))


def _qp(at: AppTest, name: str) -> str:
    """A query parameter of an AppTest's URL (one value)."""
    value = at.query_params[name]
    return value if isinstance(value, str) else value[0]


def _start_class() -> tuple[AppTest, str, str]:
    teacher = _open(case=CASE)
    teacher.button(key="class.start").click().run()
    code, secret = _qp(teacher, "class"), _qp(teacher, "teacher")
    assert not teacher.exception
    return teacher, code, secret


def _answer(student: AppTest, causes: list[str], triage: str) -> None:
    v = classroom.open_store().view(_qp(student, "class"))
    student.pills(key=f"class.causes.{v.round}.{v.stage}").set_value(causes)
    student.segmented_control(key=f"class.triage.{v.round}.{v.stage}").set_value(triage)
    student.run()
    student.button(key="class.send").click().run()
    assert not student.exception


def test_a_class_runs_from_start_to_reveal():
    """The teacher starts a class; three students join and answer stage by stage, each counted once; a
    student cannot reveal; the teacher's reveal shows every student the answer and their comparison."""
    teacher, code, secret = _start_class()
    assert code in _text(teacher) and ct.TEACHER_HEADING.format(code=code) in _text(teacher)
    store = classroom.open_store()
    assert store.is_teacher(code, secret)
    students = [_open(**{"class": code}) for _ in range(3)]
    ids = {_qp(s, "me") for s in students}
    assert len(ids) == 3 and store.joined(code) == 3
    for s in students:
        text = _text(s)
        assert not s.exception
        assert load_library().get(CASE).story in text
        assert DIAGNOSIS not in text and "expected answer" not in text.lower()
        assert PITS not in text  # an examination finding: not released at stage 1
        assert not [b for b in s.get("button") if "reveal" in str(b.label).lower()]
        assert not s.get("toggle"), "no reveal toggle on a student's screen"
    _answer(students[0], ["abscess"], "urgent")
    _answer(students[0], ["abscess", "lipoma"], "routine")  # changed: replaces, not added
    _answer(students[1], ["pilonidal_disease"], "urgent")
    assert len(store.answers(code, 1, 0)) == 2
    teacher.run()
    counts = teacher.get("html")
    assert any('data-lbln="answered">2<' in str(h.value) for h in counts)
    teacher.button(key="class.close").click().run()
    students[2].run()  # too late: the stage is closed, so the form is gone
    assert not [b for b in students[2].get("button") if b.key == "class.send"]
    assert ct.STAGE_CLOSED_NONE in _text(students[2]) and len(store.answers(code, 1, 0)) == 2
    teacher.button(key="class.next").click().run()
    for s in students:
        s.run()
        assert PITS in _text(s) and DIAGNOSIS not in _text(s)
    for s, causes in zip(students, (["pilonidal_disease", "abscess"], ["pilonidal_disease"], ["abscess"]), strict=True):
        _answer(s, causes, "urgent")
    assert len(store.answers(code, 1, 1)) == 3
    teacher.button(key="class.reveal").click().run()
    for s in students:
        s.run()
        text = _text(s)
        assert not s.exception
        assert DIAGNOSIS in text and ct.COMPARE_FINAL.format(stage=2) in text
    assert "You named the diagnosis, Pilonidal disease, as your first cause." in _text(students[0])
    csv = cp.csv_text(store, store.view(code), load_library(), knowledge.load_knowledge())
    assert "1,tc-pilonidal-first-abscess,2,The examination,answered,,3" in csv
    assert not any(i in csv for i in ids), "the CSV holds no student id"


def test_the_projector_shows_the_tally_and_never_the_answer_before_the_reveal():
    """The projector view counts answers and hides the diagnosis and under-triage until the reveal; then it
    shows the expected answer beside the class's answers, stage by stage."""
    teacher, code, _ = _start_class()
    student = _open(**{"class": code})
    _answer(student, ["abscess"], "routine")
    projector = _open(**{"class": code, "view": "tally"})
    text = _text(projector)
    assert not projector.exception
    assert code in text and "1 answered this stage" in text.replace("</span>", "").replace('<span data-lbln="answered">', "")
    assert DIAGNOSIS not in text and ct.UNDER_HIDDEN in text
    teacher.button(key="class.reveal").click().run()
    projector.run()
    text = _text(projector)
    assert DIAGNOSIS in text and ct.BY_STAGE_HEADING in text
    assert "1 of 1 (100%)" in text  # the one answer was under-triaged (routine for an urgent case)


def test_next_case_runs_under_the_same_code():
    """After the reveal the teacher starts the next case: same code, stage 1, answer hidden again."""
    teacher, code, _ = _start_class()
    student = _open(**{"class": code})
    teacher.button(key="class.reveal").click().run()
    nxt = load_library().cases[1]
    teacher.selectbox(key="class.next-case").set_value(nxt.id).run()
    teacher.button(key="class.next-case-go").click().run()
    student.run()
    assert nxt.story in _text(student)
    assert classroom.open_store().view(code).round == 2


def test_wrong_expired_and_forged_links_say_so():
    """A mistyped code, a code no class holds, an expired class and a forged teacher link each give a clear message."""
    bad = _open(join="no!")
    assert ct.BAD_CODE in _text(bad) and not bad.exception
    none = _open(**{"class": "ZZZZZZ"})
    assert "No class is running with the code ZZZZZZ" in _text(none) and not none.exception
    _, code, secret = _start_class()
    forged = _open(**{"class": code, "teacher": secret[:-2] + "xx"})
    assert ct.FORGED_TEACHER.format(code=code) in _text(forged)
    assert not forged.get("button") or all(b.key not in ("class.reveal", "class.close") for b in forged.get("button"))
    typed = _open(join=code.lower())
    assert _qp(typed, "class") == code and typed.query_params.get("me")


def test_expired_class(monkeypatch):
    """A class past its time to live is gone for the student, with the lifetime named."""
    monkeypatch.setenv("LBLN_CLASS_TTL_HOURS", "0.5")
    store = classroom.open_store()
    view, _ = store.create(CASE, 2, now=0)  # started long ago: expired at once
    at = _open(**{"class": view.code})
    assert "No class is running" in _text(at) and "0.5 hours" in _text(at)


def test_lost_redis_is_told_and_recovers(monkeypatch, redis_server, redis_url):  # noqa: F811
    """With Redis unreachable the student sees the clear message and no traceback; once Redis answers
    again, the same page carries on."""
    monkeypatch.setenv("LBLN_CLASS_STORE", redis_url)
    _, code, _ = _start_class()
    student = _open(**{"class": code})
    assert not student.exception
    os.kill(redis_server.proc.pid, signal.SIGSTOP)  # the server stops answering (as over a lost network)
    try:
        student.run()
        assert ct.STORE_LOST in _text(student)
        assert not student.exception
    finally:
        os.kill(redis_server.proc.pid, signal.SIGCONT)
    student.run()
    student.run()
    assert ct.STORE_LOST not in _text(student)
    assert load_library().get(CASE).story in _text(student)


THREE_STAGES = "tc-sore-with-bone-at-the-base"  # a result (raised CRP) to hand: story and history, examination, results
CRP = knowledge.load_knowledge().findings["raised_crp_or_esr"].label
BONE = knowledge.load_knowledge().findings["bone_exposed"].label


def test_a_case_with_results_runs_through_three_stages_counted_per_stage():
    """A case with a result runs in three stages, each headed by its own name; every stage counts its own
    answers (a student may skip one), the result appears only at stage 3, and the reveal compares with the
    last stage answered; the per-stage table and the CSV hold all three stages."""
    teacher = _open(case=THREE_STAGES)
    teacher.button(key="class.start").click().run()
    code = _qp(teacher, "class")
    store = classroom.open_store()
    assert store.view(code).stages == 3
    students = [_open(**{"class": code}) for _ in range(3)]
    titles = [s.title for s in cp.stages_of(load_library().get(THREE_STAGES), knowledge.load_knowledge())]
    assert titles == ["The story and history", "The examination", "Results already to hand"]

    for s in students:
        text = _text(s)
        assert ct.stage_heading(1, 3) in text and titles[0] in text
        assert "Findings on examination" not in text and titles[1] not in text
        assert BONE not in text and CRP not in text
    assert students[0].button(key="class.send").label == ct.SEND
    _answer(students[0], ["pressure_ulcer"], "routine")
    _answer(students[1], ["abscess"], "urgent")
    assert students[0].button(key="class.send").label == ct.SEND_AGAIN  # the button says what it now does
    assert ct.SENT.format(answer="Pressure ulcer; ROUTINE") in _text(students[0])
    teacher.button(key="class.next").click().run()
    assert "Release stage 3: Results already to hand" in [b.label for b in teacher.button]
    for s in students:
        s.run()
        text = _text(s)
        assert ct.stage_heading(2, 3) in text and titles[1] in text and BONE in text and CRP not in text
    for s, causes in zip(students, (["pressure_ulcer"], ["pressure_ulcer", "spinal_infection"], ["abscess"]), strict=True):
        _answer(s, causes, "urgent")
    teacher.button(key="class.next").click().run()
    assert not [b for b in teacher.button if b.key == "class.next"] and ct.ALREADY_LAST in _text(teacher)
    for s in students:
        s.run()
        text = _text(s)
        assert ct.stage_heading(3, 3) in text and titles[2] in text and CRP in text
    _answer(students[0], ["pressure_ulcer"], "urgent")
    _answer(students[2], ["spinal_infection", "pressure_ulcer"], "emergency")
    counts = [len(store.answers(code, 1, stage)) for stage in range(3)]
    assert counts == [2, 3, 2]
    teacher.button(key="class.reveal").click().run()
    for s, stage in zip(students, (3, 2, 3), strict=True):
        s.run()
        assert ct.COMPARE_FINAL.format(stage=stage) in _text(s)
    projector = _open(**{"class": code, "view": "tally"})
    text = _text(projector)
    for title in titles:
        assert f"<th scope='row'>{title}</th>" in text
    csv = cp.csv_text(store, store.view(code), load_library(), knowledge.load_knowledge())
    answered = [line.split(",")[2:] for line in csv.splitlines() if ",answered," in line]
    assert answered == [["1", titles[0], "answered", "", "2"], ["2", titles[1], "answered", "", "3"], ["3", titles[2], "answered", "", "2"]]
    assert not any(at.exception for at in (teacher, projector, *students))
