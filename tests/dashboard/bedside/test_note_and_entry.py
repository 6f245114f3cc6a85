"""Pure parts of the bedside page v2: the copy-to-note text, quick entry (neurological normal, age
applicability, numbers out of range, number checks) and the portrait strip."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

import knowledge
from dashboard.bedside import entry, note, panels

NOW = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
CES = {"age_years": 52, "sex": "female", "saddle_anesthesia": True, "bladder_bowel_dysfunction": True}
LIPOMA = {"age_years": 45, "location": "paraspinal", "size_cm": 4, "consistency": "soft", "mobility": "mobile",
          "tender": False, "growth": "slow", "onset": "chronic"}


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    return knowledge.load_knowledge()


def test_note_holds_findings_triage_flags_plan_version_and_time(kb: knowledge.Knowledge) -> None:
    a = knowledge.assess(CES, kb)
    text = note.note_text(a, kb, NOW)
    assert "2026-11-30 14:05" in text
    assert f"Knowledge version: {a.knowledge_version}" in text
    assert "TRIAGE: EMERGENCY" in text
    for flag in a.red_flags:
        assert flag.action in text and flag.source in text
    for step in a.workup:
        assert kb.step_labels.get(step.step, step.step) in text
    assert "Saddle numbness: yes" in text and "Age: 52 years" in text
    assert f"Not examined ({len(a.unknown_findings)};" in text
    assert "Leg weakness" in text.split("Not examined")[1]  # not examined is listed as such
    assert "<" not in text and "&amp;" not in text  # plain text, nothing escaped


def test_note_of_an_empty_case_never_says_routine(kb: knowledge.Knowledge) -> None:
    text = note.note_text(knowledge.assess({}, kb), kb, NOW)
    assert "TRIAGE: NOT ASSESSED YET" in text and "ROUTINE" not in text
    assert "Findings entered (0)" in text and "Red flags: none fired." in text


def test_note_reconciles_a_benign_top_cause(kb: knowledge.Knowledge) -> None:
    text = note.note_text(knowledge.assess(LIPOMA, kb), kb, NOW)
    assert "Why URGENT with Lipoma" in text and "NICE NG12" in text


def test_a_childs_card_in_the_note_names_its_own_source_and_the_routes(kb: knowledge.Knowledge) -> None:
    """2026.11.42: a child's sarcoma card says to call the on-call paediatrician, on the children's pathway's
    authority; the note keeps the card's own source beside it, as the screen does."""
    a = knowledge.assess({"age_years": 9, "location": "flank", "size_cm": 6, "consistency": "firm"}, kb)
    (flag,) = [f for f in a.red_flags if f.id == "sarcoma_size_5cm"]
    text = note.note_text(a, kb, NOW)
    assert f"(Source: {flag.source}; what to do for this patient: {flag.action_source})" in text
    assert flag.action_source == kb.source_label("ncl_icb_usc_sarcoma_children")
    adult = note.note_text(knowledge.assess({"age_years": 40, "location": "flank", "size_cm": 6, "consistency": "firm"}, kb), kb, NOW)
    assert "what to do for this patient" not in adult


def test_note_builder_imports_no_streamlit() -> None:
    assert "streamlit" not in sys.modules or note.__dict__.get("st") is None


def test_neuro_normal_sets_only_unanswered_neuro_yes_no(kb: knowledge.Knowledge) -> None:
    got = entry.neuro_normal(kb, {"saddle_anesthesia": True})
    assert "saddle_anesthesia" not in got
    assert got and set(got.values()) == {False}
    assert all(kb.findings[f].group == "neuro" and kb.findings[f].type == "boolean" for f in got)
    expected = {f for f, x in kb.findings.items() if x.group == "neuro" and x.type == "boolean"} - {"saddle_anesthesia"}
    assert set(got) == expected
    # and it is the normal answer: no flag fires from it alone
    assert knowledge.assess({"age_years": 50, **got}, kb).triage == "routine"


@pytest.mark.parametrize(("fid", "age", "applies"), [
    ("saddle_anesthesia", 1, False), ("saddle_anesthesia", 50, True), ("saddle_anesthesia", None, True),
    ("bladder_bowel_dysfunction", 2, False), ("bladder_bowel_dysfunction", 3, True),
    ("independently_mobile", 45, False), ("independently_mobile", 0.5, True), ("tender", 0.1, True),
])
def test_age_applicability(kb: knowledge.Knowledge, fid: str, age: float | None, applies: bool) -> None:
    reason = entry.not_applicable(kb, fid, age)
    assert (reason is None) is applies
    if reason:
        assert len(reason) > 20


def test_every_age_rule_names_a_finding_of_the_knowledge(kb: knowledge.Knowledge) -> None:
    assert set(entry.AGE_APPLICABILITY) <= set(kb.findings)


def test_number_problem_is_the_engines_own(kb: knowledge.Knowledge) -> None:
    assert "mm" in (entry.number_problem(kb, "size_cm", 120.0) or "")
    assert "months" in (entry.number_problem(kb, "age_years", 450.0) or "")
    assert entry.number_problem(kb, "size_cm", 4.0) is None
    assert entry.number_problem(kb, "size_cm", None) is None


@pytest.mark.parametrize(("fid", "value", "case", "asks"), [
    ("age_years", 8.0, {"bruising": True}, True),
    ("age_years", 1.0, {"recent_trauma": True, "location": "paraspinal"}, False),  # 1 year already fires the infant rule: months change nothing
    ("age_years", 2.0, {"recent_trauma": True}, True),
    ("age_years", 17.0, {"bruising": True, "recent_trauma": False}, True),
    ("age_years", 8.0, {"bruising": False, "recent_trauma": False, "location": "paraspinal"}, False),  # no injury: no safeguarding rule
    ("age_years", 8.0, {"location": "paraspinal"}, False),  # injury not examined
    ("age_years", 8.5, {"bruising": True}, False),  # not a whole number: not months typed as years
    ("age_years", 0.5, {"bruising": True}, False),  # already in years under 1
    ("age_years", 18.0, {"bruising": True}, False),
    ("age_years", 45.0, {"recent_trauma": True}, False),
    ("age_years", None, {"bruising": True}, True),  # the age left out: the safeguarding rule needs it
    ("age_years", None, {"bruising": False}, False),
    ("size_cm", 20.0, {}, True),
    ("size_cm", 50.0, {}, True),
    ("size_cm", 19.5, {}, False),
    ("size_cm", 4.0, {}, False),
    ("size_cm", 120.0, {}, False),  # out of range: the engine's own problem note says it, not this check
    ("tender", True, {}, False),
])
def test_number_check_asks_only_where_a_slip_or_gap_would_change_the_answer(
        kb: knowledge.Knowledge, fid: str, value: float | None, case: dict, asks: bool) -> None:
    check = entry.number_check(kb, fid, value, case)
    assert (check is not None) is asks, check
    if check is None:
        return
    assert check.finding == fid
    if fid == "age_years" and value is None:
        assert check.line.startswith("Enter the age") and "NICE CG89" in check.line
    elif fid == "age_years":
        assert f"enter {value / 12:.2f}" in check.line and "NICE CG89" in check.line
    if fid == "size_cm":
        assert f"enter {value / 10:g})" in check.line


def test_number_checks_of_a_case_in_the_order_of_findings(kb: knowledge.Knowledge) -> None:
    checks = entry.number_checks(kb, {"size_cm": 30.0, "bruising": True})
    assert [c.finding for c in checks] == ["age_years", "size_cm"]
    assert entry.number_checks(kb, {"size_cm": 3.0, "age_years": 8.0, "bruising": False, "location": "flank"}) == []


def test_a_whole_number_age_with_no_site_is_checked_because_a_baby_s_unsited_lump_is_urgent(kb: knowledge.Knowledge) -> None:
    """Since 2026.11.26 a baby's lump whose site was not recorded gets the sacrococcygeal-teratoma warning,
    so '8' with no site would be urgent read as 8 months: the check says so, and recording the site ends it."""
    check = entry.number_check(kb, "age_years", 8.0, {"consistency": "firm"})
    assert check is not None and "enter 0.67" in check.line and "site was not recorded" in check.line
    assert entry.number_check(kb, "age_years", 8.0, {"consistency": "firm", "location": "flank"}) is None


@pytest.mark.parametrize("case", [
    {"age_years": 8, "bruising": True},
    {"age_years": 5, "location": "natal_cleft", "sinus_pits": True},
    {"age_years": 6, "vascular_mark": True, "location": "midline_lumbar"},
    {"age_years": 3, "location": "midline_lumbar", "hair_tuft": True},
    {"age_years": 8},
    {"age_years": 12, "recent_trauma": True, "size_cm": 3},
], ids=["bruise", "cleft-pit", "vascular-mark", "hair-tuft", "age-only", "injury-12"])
def test_a_whole_number_age_is_checked_exactly_when_months_would_change_the_flags(kb: knowledge.Knowledge, case: dict) -> None:
    """The age check is not a list of findings: it asks when reading the age as months changes the urgent
    or emergency flags the engine fires (worked out here from two assessments), and says the change."""
    def acting(c: dict) -> set[str]:
        return {f.id for f in knowledge.assess(c, kb).red_flags if f.level != "warning"}

    months = round(case["age_years"] / 12, 2)
    differs = acting(case) != acting({**case, "age_years": months})
    check = entry.number_check(kb, "age_years", float(case["age_years"]), case)
    assert (check is not None) is differs
    if check is not None:
        assert f"enter {months:.2f}" in check.line and f"As {case['age_years']} months" in check.line


def test_the_age_the_check_suggests_is_one_the_safeguarding_rule_reads(kb: knowledge.Knowledge) -> None:
    """What the age check is for: 8 months typed as 8 leaves a bruised baby routine; the age it suggests
    (0.67) fires the infant safeguarding rule. If the rule's ages change, this test says so."""
    typed = knowledge.assess({"age_years": 8, "bruising": True}, kb)
    suggested = knowledge.assess({"age_years": round(8 / 12, 2), "bruising": True}, kb)
    assert "infant_bruise_safeguarding" not in {f.id for f in typed.red_flags}
    assert "infant_bruise_safeguarding" in {f.id for f in suggested.red_flags}
    for months in range(1, 18):  # the rule's ages: under 18 months unless moving about alone
        a = knowledge.assess({"age_years": round(months / 12, 2), "bruising": True}, kb)
        assert "infant_bruise_safeguarding" in {f.id for f in a.red_flags}, months


def test_the_size_the_check_suggests_leaves_the_sarcoma_size_rule(kb: knowledge.Knowledge) -> None:
    """30 mm typed as 30 fires the 5 cm sarcoma rule; the suggested 3 cm does not."""
    assert "sarcoma_size_5cm" in {f.id for f in knowledge.assess({"age_years": 45, "size_cm": 30}, kb).red_flags}
    assert "sarcoma_size_5cm" not in {f.id for f in knowledge.assess({"age_years": 45, "size_cm": 3}, kb).red_flags}


def test_strip_has_level_first_action_and_top_three(kb: knowledge.Knowledge) -> None:
    a = knowledge.assess(CES, kb)
    html = panels.strip_html(a, {})
    assert 'data-level="emergency"' in html and "MRI within 4 hours" in html
    assert html.count("<li>") == 3
    assert 'href="#lbln-results"' in html
    empty = panels.strip_html(knowledge.assess({}, kb), {})
    assert 'data-level="none"' in empty and "ROUTINE" not in empty


def test_a_number_check_takes_the_routine_line_of_the_strip_and_sits_under_the_banner(kb: knowledge.Knowledge) -> None:
    """A child of '8' bruised in a fall: the strip says the check instead of 'no red flag'; an urgent triage
    keeps its action in the strip; the banner element carries the check's line, escaped. (The fall is
    entered because since 2026.11.8 a child's bruise with no injury recorded is itself urgent.)"""
    case = {"age_years": 8, "bruising": True, "recent_trauma": True}
    a = knowledge.assess(case, kb)
    assert a.triage == "routine"
    checks = entry.number_checks(kb, case)
    html = panels.strip_html(a, {}, checks)
    assert 'data-check="age_years"' in html and "Check the age: 8 years, or 8 months (enter 0.67)?" in html
    assert "Check the age" not in panels.strip_html(a, {})
    urgent = {"age_years": 45, "size_cm": 30}
    u = knowledge.assess(urgent, kb)
    assert u.triage == "urgent"
    strip = panels.strip_html(u, {}, entry.number_checks(kb, urgent))
    assert "Check the size" not in strip and "data-check" not in strip
    line = panels.checks_html(entry.number_checks(kb, urgent))
    assert line.startswith('<p class="lbln-check" data-lbln="check" data-finding="size_cm">') and "enter 3)?" in line
    forged = entry.NumberCheck("size_cm", "<script>")
    assert "<script>" not in panels.checks_html([forged]) and "&lt;script&gt;" in panels.checks_html([forged])


@pytest.mark.parametrize(("age", "words"), [
    (0.001, "under a week old"), (0.02, "about 1 week old"), (0.06, "about 3 weeks old"),
    (0.0834, "1 month old"), (0.5, "6 months old"), (0.67, "8 months old"), (1.5, "18 months old"),
    (1.99, "23.9 months old"), (2, "2 years old"), (8, "8 years old"), (45.5, "45.5 years old"),
])
def test_age_words_say_weeks_months_or_years(age: float, words: str) -> None:
    assert entry.age_words(age) == words


def test_the_age_and_size_the_engine_used_are_read_back_beside_the_banner(kb: knowledge.Knowledge) -> None:
    """HAZ-14: '8' in the years box reads back as '8 years old', 30 cm as '30 cm across'; a size out of
    range (left out of the assessed case) and findings not entered are not read back; the line is escaped."""
    assert entry.read_as_line({"age_years": 8, "size_cm": 30}) == "Read as: 8 years old · lump 30 cm across"
    assert entry.read_as_line({"age_years": 0.67, "bruising": True}) == "Read as: 8 months old"
    assert entry.read_as_line({"size_cm": 4}) == "Read as: lump 4 cm across"
    assert entry.read_as_line({"tender": True}) is None and entry.read_as_line({}) is None
    assert entry.read_as_line({"age_years": True}) is None  # a yes is not an age
    html = panels.read_as_html("Read as: <b>")
    assert html == '<span class="lbln-readas" data-lbln="read-as">Read as: &lt;b&gt;</span>' and panels.read_as_html(None) == ""


def test_copy_buttons_escape_the_note() -> None:
    html = panels.copy_buttons_html("a </textarea><script>x</script>")
    assert "<script>x" not in html and "&lt;/textarea&gt;" in html
