"""A step two rules ask for shows each rule's reason on the page (2026.11.88).

The plan shows a step once; the other rules' reasons (different blood tests, another region to scan) are
listed under it, each with its source, on the screen and in the printable case summary."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

import knowledge
from dashboard.bedside import summary
from dashboard.common import assessment_html, words

KB = knowledge.load_knowledge()
BRUISE_AND_NECROSIS = {"age_years": 50, "location": "flank", "bruising": True, "crepitus": True, "warmth": True,
                       "pain_out_of_proportion": True}
MARK = 'data-lbln="also-asked"'


def _item(plan_html: str, label: str) -> str:
    return next(item for item in plan_html.split("<li")[1:] if item.split("</b>")[0].endswith(">" + label))


def test_the_other_rules_reasons_stand_under_the_step_with_their_sources():
    answer = knowledge.assess(BRUISE_AND_NECROSIS, KB)
    bloods = next(w for w in answer.workup if w.step == "blood_tests")
    assert bloods.also
    plan = assessment_html.plan_groups_html(answer, KB)
    item = _item(plan, KB.step_labels["blood_tests"])
    assert item.count(MARK) == len(bloods.also)
    for other in bloods.also:
        assert escape(other.rationale, quote=True) in item and escape(other.source, quote=True) in item
    assert escape(words.ALSO_ASKED) in item
    page = summary.case_summary_html(answer, KB, datetime(2026, 12, 5, tzinfo=UTC))
    assert escape(bloods.also[0].rationale, quote=True) in page


def test_a_plan_whose_steps_each_one_rule_asks_for_has_no_also_line():
    answer = knowledge.assess({"age_years": 40, "location": "paraspinal", "size_cm": 3, "consistency": "soft"}, KB)
    assert answer.workup and not any(w.also for w in answer.workup)
    assert MARK not in assessment_html.plan_groups_html(answer, KB)


def test_a_covered_conditional_request_shows_its_condition():
    """2026.11.89: a conditional request among the step's others says its condition beside 'Also asked for'."""
    answer = knowledge.assess({"age_years": 8, "location": "paraspinal", "fever": True, "pulsatile": True}, KB)
    mri = next(w for w in answer.workup if w.step == "mri")
    covered = next(a for a in mri.also if a.conditional)
    item = _item(assessment_html.plan_groups_html(answer, KB), KB.step_labels["mri"])
    assert escape(f"{words.ALSO_ASKED}, {covered.within}:", quote=True) in item
