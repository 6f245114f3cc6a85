"""A conditional step waiting on a step the do-not list holds back says so on every page (2026.11.86).

"CT the same day if the ultrasound shows flow or cannot tell" stood beside "Do not: ultrasound" (imaging must
not delay a necrotising infection's exploration) as if the ultrasound were coming. The engine marks such a
step; the plan on screen, the printable case summary and the copied note show the mark under it."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import knowledge
from dashboard.bedside import note, summary
from dashboard.common import assessment_html

KB = knowledge.load_knowledge()
NECROTISING_PULSATILE = {"crepitus": True, "warmth": True, "pulsatile": True, "location": "midline_lumbar"}
PULSATILE = {"warmth": True, "pulsatile": True, "location": "midline_lumbar"}
MARK = 'data-lbln="waits-on-held-back"'
NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _held(answer: knowledge.Assessment) -> list[str]:
    return [w.waits_on_held_back for w in answer.workup if w.waits_on_held_back]


def test_the_plan_summary_and_note_show_the_mark_under_the_step():
    answer = knowledge.assess(NECROTISING_PULSATILE, KB)
    held = _held(answer)
    assert held, "the case must have a step waiting on a held-back step"
    plan = assessment_html.plan_groups_html(answer, KB)
    assert plan.count(MARK) == len(held) and escape(held[0], quote=True) in plan
    # the mark sits inside the CT's list item, after its rationale
    ct_item = next(item for item in plan.split("<li")[1:] if item.split("</b>")[0].endswith(">CT"))
    assert MARK in ct_item
    page = summary.case_summary_html(answer, KB, NOW)
    assert escape(held[0], quote=True) in page
    assert held[0] in note.note_text(answer, KB, NOW)


def test_no_mark_when_the_step_waited_on_is_in_the_plan():
    answer = knowledge.assess(PULSATILE, KB)
    assert not _held(answer) and "ct" in {w.step for w in answer.workup}
    assert MARK not in assessment_html.plan_groups_html(answer, KB)
    assert "do-not list holds back" not in note.note_text(answer, KB, NOW)
