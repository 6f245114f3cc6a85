"""The triage banner's words in every state, the reconciling line, and 'why' in words (pure)."""

from __future__ import annotations

import itertools
import re

import pytest

import knowledge
from dashboard.common import assessment_html as h
from dashboard.common import words

LIPOMA = {"age_years": 45, "location": "paraspinal", "size_cm": 4, "consistency": "soft", "mobility": "mobile",
          "tender": False, "growth": "slow", "onset": "chronic"}
CES = {"age_years": 52, "saddle_anesthesia": True}


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    return knowledge.load_knowledge()


def test_nothing_entered_is_not_assessed_never_routine(kb: knowledge.Knowledge) -> None:
    html = h.banner_html(knowledge.assess({}, kb))
    assert 'data-level="none"' in html and "NOT ASSESSED YET" in html
    assert "ROUTINE" not in html and "\u2713" not in html and "href" not in html


def test_warning_only_says_no_urgent_flag_and_the_warning(kb: knowledge.Knowledge) -> None:
    a = knowledge.assess({"location": "paraspinal"}, kb)
    assert a.triage == "routine" and a.red_flags
    html = h.banner_html(a)
    assert "ROUTINE" in html and "1 warning" in html and "no red flag has fired" not in html
    assert h.first_action(a.red_flags[0]) in html


def test_routine_without_flags_counts_the_findings(kb: knowledge.Knowledge) -> None:
    html = h.banner_html(knowledge.assess({"age_years": 30, "consistency": "soft"}, kb))
    assert "ROUTINE" in html and "2 findings entered" in html


def test_emergency_banner_carries_the_highest_flags_first_action_and_links_to_it(kb: knowledge.Knowledge) -> None:
    a = knowledge.assess(CES, kb)
    top = h.highest_flag(a)
    assert top is not None and top.level == "emergency"
    html = h.banner_html(a)
    assert "EMERGENCY" in html and "MRI within 4 hours" in html and "cauda equina" in html
    assert f'href="#{h.flag_anchor(top.id)}"' in html
    assert f'id="{h.flag_anchor(top.id)}"' in h.top_flag_html(a)
    assert "href" not in h.banner_html(a, h.PAPER)  # paper has no links to cards


def test_several_flags_are_counted(kb: knowledge.Knowledge) -> None:
    a = knowledge.assess(LIPOMA, kb)
    assert len(a.red_flags) == 2
    assert "+ 1 more red flag" in h.banner_html(a)
    assert h.flags_html(a, kb, skip_top=True).count('data-lbln="flag"') == 1


def test_first_action_keeps_brackets_and_adds_timing_once() -> None:
    flag = knowledge.RedFlag(id="x", level="urgent", message="M: detail", action="MRI (a; b); then c.", within="weeks",
                             source="S", source_id="s")
    assert h.first_action(flag) == "MRI within weeks (a; b)"
    same = knowledge.RedFlag(id="y", level="urgent", message="M", action="Scan within 2 weeks; c", within="2 weeks",
                             source="S", source_id="s")
    assert h.first_action(same) == "Scan within 2 weeks"


@pytest.mark.parametrize(("action", "within", "said"), [
    ("Emergency whole-spine MRI; then c", "same day", "Emergency whole-spine MRI the same day"),
    ("Same-day neurosurgical assessment and MRI; c", "same day", "Same-day neurosurgical assessment and MRI"),
    ("Emergency department now: resuscitation; c", "immediately", "Emergency department now"),
    ("Same-day assessment: bloods and imaging; c", "same day", "Same-day assessment"),
    ("Drain it if needed, but that does not cure it: refer; c", "", "Drain it if needed, but that does not cure it: refer"),
    ("MRI with contrast: exclude a sarcoma; c", "2 weeks", "MRI with contrast: exclude a sarcoma within 2 weeks"),
    ("Incision and drainage (first episode), unless the do-not list says otherwise; c", "same day",
     "Incision and drainage (first episode) the same day, unless the do-not list says otherwise"),
    ("Referral to the service (2 weeks; 48 hours under 25); c", "2 weeks (48 hours under 25)",
     "Referral to the service (2 weeks; 48 hours under 25)"),
    ("Immediate hospital assessment; MRI", "MRI within 4 hours", "Immediate hospital assessment (MRI within 4 hours)"),
    ("Refer as soon as possible for treatment; c", "days", "Refer as soon as possible for treatment"),
    ("Contact oncology within 24 hours; c", "MSCC contact within 24 hours", "Contact oncology within 24 hours"),
    ("Surgical review; c", "immediately", "Surgical review immediately"),
    ("Specialist review; c", "as soon as possible (weeks)", "Specialist review as soon as possible (weeks)"),
    ("Prompt surgical review; c", "days", "Prompt surgical review within days"),
    ("Very urgent X-ray; c", "48 hours", "Very urgent X-ray within 48 hours"),
])
def test_first_action_says_a_time_that_is_not_a_span_without_within(action: str, within: str, said: str) -> None:
    """'within same day' and 'within immediately' are not English: a span takes 'within', a moment does not,
    and a time the action already says (same-day, now) is not said twice."""
    flag = knowledge.RedFlag(id="z", level="urgent", message="M", action=action, within=within, source="S", source_id="s")
    assert h.first_action(flag) == said


def test_no_red_flag_of_the_knowledge_reads_within_a_moment(kb: knowledge.Knowledge) -> None:
    for compiled in kb.red_flags:
        line = h.first_action(compiled.rule)
        assert "within same day" not in line and "within immediately" not in line and "within as soon" not in line, line


def test_no_banner_line_of_the_knowledge_says_its_timing_twice(kb: knowledge.Knowledge) -> None:
    """The banner says how soon once: a step that already names its time ('(2 weeks; 48 hours under 25)',
    'now', 'as soon as possible') gets no second timing, and a heading before a colon stands alone."""
    for compiled in kb.red_flags:
        flag = compiled.rule
        line = h.first_action(flag).lower()
        core = flag.within.lower().split("(", 1)[0].strip().split("within")[-1].strip()
        if core:
            assert line.count(core) <= 1, (flag.id, line)
        assert line.count("as soon as possible") <= 1 and line.count("within") <= 1, (flag.id, line)
        assert len(line) <= len(h._first_clause(flag.action)) + len(flag.within) + 10, (flag.id, line)


def test_why_urgent_only_for_a_benign_top_cause_under_urgent_triage(kb: knowledge.Knowledge) -> None:
    line = h.why_urgent_text(knowledge.assess(LIPOMA, kb), kb, {})
    assert line is not None and "URGENT" in line and "Lipoma" in line and "NICE NG12" in line
    assert h.why_urgent_text(knowledge.assess({"age_years": 30, "consistency": "soft"}, kb), kb, {}) is None


@pytest.mark.parametrize(("ratio", "phrase", "mark"), [
    (6.371, "makes lipoma about 6 times more likely", "×6.4"),
    (0.31, "makes lipoma about 3 times less likely", "×0.31"),
    (1.43, "makes lipoma about 1.4 times more likely", "×1.4"),
    (12.4, "makes lipoma about 12 times more likely", "×12"),
])
def test_why_in_words(ratio: float, phrase: str, mark: str) -> None:
    assert words.lr_phrase(ratio, "lipoma") == phrase
    assert words.lr_mark(ratio) == mark


# How a banner line names a step of the plan. A name after "no", "not", "never" or "without" in the same
# phrase is a prohibition, not an instruction.
_STEP_NAMES = {
    "ultrasound": re.compile(r"\bultrasound\b"), "mri": re.compile(r"\bmri\b"),
    "xray": re.compile(r"\b(radiograph|x-ray)"), "ct": re.compile(r"\bct\b"), "biopsy": re.compile(r"\bbiops"),
    "excision": re.compile(r"\bexcis"), "incision_drainage": re.compile(r"\b(incision|drainage)\b"),
}
_NEGATED = re.compile(r"\b(no|not|never|without)\b[^.;,()]*$")


def _steps_named(line: str) -> set[str]:
    """The plan steps a lower-cased banner line asks for, prohibitions left out."""
    return {step for step, name in _STEP_NAMES.items()
            for m in name.finditer(line) if not _NEGATED.search(line[:m.start()])}


_GRID: dict[str, list] = {
    "age_years": [None, 0.5, 10, 30, 70],
    "location": [None, "midline_lumbar", "midline_sacral", "natal_cleft", "paraspinal", "sacroiliac", "flank"],
    "consistency": [None, "soft", "hard", "fluctuant"], "depth": [None, "superficial", "deep"],
    "growth": [None, "stable", "rapid"], "history_of_cancer": [None, True], "erythema": [None, True],
}


def _grid_cases():
    keys = list(_GRID)
    for combo in itertools.product(*_GRID.values()):
        yield {k: v for k, v in zip(keys, combo, strict=True) if v is not None}


def test_the_banner_never_asks_for_a_step_the_plan_forbids_or_lacks(kb: knowledge.Knowledge) -> None:
    """The banner's line (the highest flag's first action; a warning's on a routine page) agrees with the
    plan beneath it, over 5,040 combinations. It never asks for a step the do-not list forbids, unless it
    says 'unless the do-not list says otherwise'; and an imaging or tissue step it names is in the plan,
    or the line also names one that is (an either-or such as 'ultrasound, or a radiograph then MRI if
    deep'). Until 2026.11.34 an adult's growing paraspinal lump read 'Urgent direct-access ultrasound'
    above a plan of X-ray and MRI (ACR for a paraspinal, flank or deep mass), and a child's midline lump
    after a cancer read 'Ultrasound and core biopsy' beside 'no needle into the lump'."""
    seen = 0
    for case in _grid_cases():
        a = knowledge.assess(case, kb)
        top = h.highest_flag(a)
        if top is None:
            continue
        seen += 1
        line = h.first_action(top).lower()
        named = _steps_named(line)
        planned = {w.step for w in a.workup}
        forbidden = {d.step for d in a.avoid}
        if "unless the do-not list says otherwise" not in line:
            assert not named & forbidden, (case, top.id, line, named & forbidden)
        missing = named - planned
        if missing:
            assert named & planned, (case, top.id, line, missing)
    assert seen > 1000
