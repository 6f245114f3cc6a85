"""Every red-flag rule and every workup rule has a worked case where it fires and one where it does not.

The cases live in rule_examples.yaml beside this file (one-line comment each). A rule added to the
knowledge without examples, or an example left behind for a rule that no longer exists, fails
`test_every_rule_has_examples`. Cases that show a defect of the rule data stay in the YAML and are
marked strict xfail here (KNOWN_DEFECTS), so the suite turns red the day the data is fixed and the
mark must come off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge import assess, case_problems, load_knowledge

EXAMPLES_FILE = Path(__file__).with_name("rule_examples.yaml")
EXAMPLES: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))

KINDS = {"red_flags": "red_flag", "workup": "workup"}
LEVEL_RANK = {"warning": 0, "urgent": 1, "emergency": 2}
TRIAGE_RANK = {"routine": 0, "urgent": 1, "emergency": 2}
TRIAGE_OF_LEVEL = {"warning": "routine", "urgent": "urgent", "emergency": "emergency"}

KNOWN_DEFECTS: dict[str, str] = {}


def _rules(kind: str) -> list[Any]:
    k = load_knowledge()
    return [c.rule for c in (k.red_flags if kind == "red_flags" else k.workup_rules)]


def _levels() -> dict[str, str]:
    return {r.id: r.level for r in _rules("red_flags")}


def _fired(kind: str, case: dict[str, Any]) -> list[str]:
    a = assess(case)
    if kind == "red_flags":
        return [f["id"] for f in a.red_flags]
    return list(a.workup_rules_fired)


def _example_params(kinds: tuple[str, ...] = ("red_flags", "workup"), expects: tuple[str, ...] = ("fires", "quiet"),
                    *, mark_defects: bool = True) -> list[Any]:
    params = []
    for kind in kinds:
        for rule_id, examples in EXAMPLES[kind].items():
            for expect in expects:
                for i, case in enumerate(examples.get(expect) or []):
                    pid = f"{KINDS[kind]}:{rule_id}:{expect}[{i}]"
                    marks = []
                    if mark_defects and pid in KNOWN_DEFECTS:
                        marks.append(pytest.mark.xfail(reason=KNOWN_DEFECTS[pid], strict=True))
                    params.append(pytest.param(kind, rule_id, expect, case, id=pid, marks=marks))
    return params


ALL_IDS = {p.id for p in _example_params(mark_defects=False)}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_rule_has_examples(kind: str) -> None:
    """The example file names exactly the rules of the knowledge, each with at least one firing and one quiet case."""
    in_knowledge = {r.id for r in _rules(kind)}
    in_examples = set(EXAMPLES[kind])
    assert in_knowledge - in_examples == set(), f"{kind} rules without examples"
    assert in_examples - in_knowledge == set(), f"{kind} examples for rules that do not exist"
    for rule_id, examples in EXAMPLES[kind].items():
        assert set(examples) == {"fires", "quiet"}, rule_id
        for expect in ("fires", "quiet"):
            cases = examples[expect]
            assert isinstance(cases, list), f"{rule_id}.{expect}"
            assert len(cases) >= 1, f"{rule_id}.{expect} is empty"
            assert all(isinstance(c, dict) for c in cases), f"{rule_id}.{expect}"


def test_known_defects_name_real_examples() -> None:
    """Every xfail in KNOWN_DEFECTS points at an example that exists, so a moved case cannot hide a defect."""
    assert set(KNOWN_DEFECTS) - ALL_IDS == set()


@pytest.mark.parametrize(("kind", "rule_id", "expect", "case"), _example_params(mark_defects=False))
def test_example_case_is_valid(kind: str, rule_id: str, expect: str, case: dict[str, Any]) -> None:
    """Every example case obeys the finding vocabulary and can be assessed."""
    assert case_problems(case) == []
    a = assess(case)
    assert a.triage in TRIAGE_RANK


@pytest.mark.parametrize(("kind", "rule_id", "expect", "case"), _example_params())
def test_rule_fires_or_stays_quiet(kind: str, rule_id: str, expect: str, case: dict[str, Any]) -> None:
    """A rule fires on each of its `fires` cases and stays silent on each of its `quiet` cases."""
    fired = _fired(kind, case)
    if expect == "fires":
        assert rule_id in fired, f"{rule_id} did not fire; fired: {fired}"
    else:
        assert rule_id not in fired, f"{rule_id} fired; fired: {fired}"


@pytest.mark.parametrize(("kind", "rule_id", "expect", "case"), _example_params(kinds=("red_flags",), expects=("fires",)))
def test_triage_at_least_rule_level(kind: str, rule_id: str, expect: str, case: dict[str, Any]) -> None:
    """A fired red flag sets triage to at least its level: emergency to emergency, urgent to urgent or above."""
    a = assess(case)
    level = _levels()[rule_id]
    assert rule_id in {f["id"] for f in a.red_flags}
    assert TRIAGE_RANK[a.triage] >= TRIAGE_RANK[TRIAGE_OF_LEVEL[level]], f"{rule_id} ({level}) left triage {a.triage}"
    if level == "emergency":
        assert a.triage == "emergency"


@pytest.mark.parametrize(("kind", "rule_id", "expect", "case"), _example_params(kinds=("red_flags",), expects=("fires",)))
def test_an_emergency_flag_puts_an_immediate_step_in_the_plan(kind: str, rule_id: str, expect: str, case: dict[str, Any]) -> None:
    """An emergency triage must come with something to do now in the plan, not only steps deferred until
    after the emergency: a red flag widened or added without its workup rule fails here."""
    if _levels()[rule_id] != "emergency":
        return
    a = assess(case)
    assert any(w.timing == "immediate" for w in a.workup), f"{rule_id}: no immediate step; plan {[w.step for w in a.workup]}"


@pytest.mark.parametrize(("kind", "rule_id", "expect", "case"), _example_params(kinds=("red_flags",), mark_defects=False))
def test_triage_is_highest_fired_level_on_every_example(kind: str, rule_id: str, expect: str, case: dict[str, Any]) -> None:
    """On every red-flag example the triage is exactly the highest level that fired, and routine when only warnings fired."""
    a = assess(case)
    levels = [f["level"] for f in a.red_flags]
    expected = max((TRIAGE_OF_LEVEL[lv] for lv in levels), key=TRIAGE_RANK.__getitem__, default="routine")
    assert a.triage == expected


@pytest.mark.parametrize("rule_id", [r.id for r in _rules("red_flags") if r.level == "warning"])
def test_warning_alone_keeps_triage_routine(rule_id: str) -> None:
    """Each warning rule has a firing example where only warnings fire, and there the triage stays routine."""
    warning_only = []
    for case in EXAMPLES["red_flags"][rule_id]["fires"]:
        a = assess(case)
        fired = [f["id"] for f in a.red_flags]
        assert rule_id in fired
        # each fired entry's own level: a can't-miss alarm (id alarm_<cause>) is not a rule of red_flags.yaml
        if all(f["level"] == "warning" for f in a.red_flags):
            warning_only.append((case, a.triage))
    assert warning_only != [], f"no warning-only firing example for {rule_id}"
    assert [t for _, t in warning_only] == ["routine"] * len(warning_only)


# --- explicit behaviour of the engine's triage and workup semantics -------------------------------

SADDLE = {"age_years": 48, "location": "paraspinal", "back_pain": True, "saddle_anesthesia": True}


def test_unknown_onset_is_not_no() -> None:
    """Saddle numbness with the onset not entered is treated as new (emergency), but 30 days old and stable is urgent."""
    unknown = assess(SADDLE)
    unknown_ids = {f["id"] for f in unknown.red_flags}
    assert "cauda_equina_syndrome" in unknown_ids
    assert "cauda_equina_features_longstanding" not in unknown_ids
    assert unknown.triage == "emergency"
    assert unknown.workup[0]["step"] == "referral"
    assert unknown.workup[0]["to"] == "emergency_department"
    assert "ces_pathway" in unknown.workup_rules_fired

    old_stable = assess({**SADDLE, "symptom_onset_days": 30, "symptoms_progressing": False})
    old_ids = {f["id"] for f in old_stable.red_flags}
    assert "cauda_equina_features_longstanding" in old_ids
    assert "cauda_equina_syndrome" not in old_ids
    assert old_stable.triage == "urgent"
    assert "ces_pathway" not in old_stable.workup_rules_fired


def test_triage_is_highest_level_fired() -> None:
    """Triage is the highest level among the fired flags, flags are listed most severe first, and warnings alone give routine."""
    base = {"age_years": 65, "location": "paraspinal", "back_pain": True, "rest_or_night_pain": True}

    all_three = assess({**base, "fever": True, "history_of_cancer": True})
    ids = [f["id"] for f in all_three.red_flags]
    assert {"spinal_infection_suspected", "known_cancer_spinal_pain", "ng12_myeloma_bloods"} <= set(ids)
    assert all_three.triage == "emergency"
    ranks = [LEVEL_RANK[f["level"]] for f in all_three.red_flags]
    assert ranks == sorted(ranks, reverse=True)
    assert ids[0] == "spinal_infection_suspected"

    urgent = assess({**base, "fever": False, "history_of_cancer": True})
    assert "spinal_infection_suspected" not in {f["id"] for f in urgent.red_flags}
    assert {"known_cancer_spinal_pain", "ng12_myeloma_bloods"} <= {f["id"] for f in urgent.red_flags}
    assert urgent.triage == "urgent"

    warnings = assess({**base, "fever": False, "history_of_cancer": False})
    assert "ng12_myeloma_bloods" in {f["id"] for f in warnings.red_flags}
    assert {f["level"] for f in warnings.red_flags} == {"warning"}
    assert warnings.triage == "routine"


def test_avoid_removes_step_added_by_another_rule() -> None:
    """A superficial abscess beside the spine gets incision and drainage, but not once back pain with fever
    triggers the spinal-infection avoid. (Depth is given: a paraspinal collection of unknown depth with
    fever is imaged first, review 2026-11 SC1, tested in test_safety_layer.py.)"""
    abscess = {"age_years": 50, "location": "paraspinal", "depth": "superficial", "consistency": "fluctuant",
               "tender": True, "erythema": True, "warmth": True, "fever": True}

    plain = assess({**abscess, "back_pain": False})
    assert "drain_acute_collection" in plain.workup_rules_fired
    drain = [w for w in plain.workup if w["step"] == "incision_drainage"]
    assert [w["rule"] for w in drain] == ["drain_acute_collection"]
    assert plain.avoid == ()

    spinal = assess({**abscess, "back_pain": True})
    assert {"drain_acute_collection", "spinal_infection_emergency"} <= set(spinal.workup_rules_fired)
    assert "incision_drainage" not in [w["step"] for w in spinal.workup]
    # the red flag's do-not comes first; the workup rule's own avoid of the same step is not repeated
    assert [(a["step"], a["rule"]) for a in spinal.avoid] == [("incision_drainage", "spinal_infection_suspected")]
    assert "mri" in [w["step"] for w in spinal.workup]


def test_avoid_of_dermal_sinus_removes_drainage_of_inflamed_midline_pit() -> None:
    """An adult's inflamed fluctuant midline pit leaking clear fluid is not drained, biopsied or excised before MRI."""
    a = assess({"age_years": 30, "location": "midline_lumbar", "sinus_pits": True, "discharge": "clear_fluid",
                "consistency": "fluctuant", "tender": True, "erythema": True})
    assert {"dermal_sinus_emergency", "drain_acute_collection"} <= set(a.workup_rules_fired)
    steps = [w["step"] for w in a.workup]
    assert "incision_drainage" not in steps
    assert "mri" in steps
    # clear fluid from a midline lesion is the CSF-leak emergency (review 2026-11 SC6), whose do-not list
    # names the three steps first
    assert {x["step"]: x["rule"] for x in a.avoid} == {
        "incision_drainage": "csf_leak", "biopsy": "csf_leak", "excision": "csf_leak",
    }
    assert "csf_leak" in {f["id"] for f in a.red_flags}


def test_workup_path_is_ordered_by_group_then_phase() -> None:
    """The plan runs in urgency groups (review 2026-11 SC8): the emergency department and the 4-hour MRI
    come first; the sarcoma referral waits 'after the emergency'; within a group, guideline phase order;
    the X-ray (CES do-not) and excision are never in the path."""
    k = load_knowledge()
    assert k.step_phase["xray"] < k.step_phase["mri"] < k.step_phase["biopsy"] < k.step_phase["excision"]

    a = assess({**SADDLE, "age_years": 60, "consistency": "firm", "depth": "deep", "mobility": "fixed", "size_cm": 6})
    assert {"ces_pathway", "sarcoma_pathway", "sarcoma_first_imaging_deep"} <= set(a.workup_rules_fired)
    path = [(w["step"], w.get("to"), w["group"]) for w in a.workup]
    assert path[:2] == [("referral", "emergency_department", "immediate"), ("mri", None, "immediate")]
    assert ("referral", "sarcoma_service", "after_emergency") in path
    steps = [s for s, _, _ in path]
    assert "xray" not in steps and "excision" not in steps
    assert {"xray", "excision"} <= {x["step"] for x in a.avoid}
    for group in {g for _, _, g in path}:
        phases = [0 if to == "emergency_department" else k.step_phase[s] for s, to, g in path if g == group]
        assert phases == sorted(phases), group


def test_step_added_twice_keeps_most_urgent_timing() -> None:
    """A step two rules add appears once, with the more urgent timing, whichever rule comes first."""
    # routine first (bony_lump_xray), urgent later (bony_lump_urgent): the urgent one replaces it
    bony = assess({"age_years": 70, "location": "sacroiliac", "consistency": "hard", "growth": "slow"})
    assert {"bony_lump_xray", "bony_lump_urgent"} <= set(bony.workup_rules_fired)
    xrays = [w for w in bony.workup if w["step"] == "xray"]
    assert [(w["timing"], w["rule"]) for w in xrays] == [("urgent", "bony_lump_urgent")]

    # immediate first (spinal_infection_emergency), routine later (myeloma_bloods): the immediate one stays
    febrile = assess({"age_years": 65, "location": "paraspinal", "back_pain": True, "fever": True})
    assert {"spinal_infection_emergency", "myeloma_bloods"} <= set(febrile.workup_rules_fired)
    bloods = [w for w in febrile.workup if w["step"] == "blood_tests"]
    assert [(w["timing"], w["rule"]) for w in bloods] == [("immediate", "spinal_infection_emergency")]

    # routine (myeloma_bloods) and urgent (constitutional_bloods): urgent wins
    thin = assess({"age_years": 65, "location": "sacroiliac", "back_pain": True, "unexplained_weight_loss": True})
    bloods = [w for w in thin.workup if w["step"] == "blood_tests"]
    assert [(w["timing"], w["rule"]) for w in bloods] == [("urgent", "constitutional_bloods")]


def test_fallback_applies_only_when_no_other_rule_fires() -> None:
    """A small soft superficial lump gets only the clinical-review fallback; a bony one gets the radiograph and no fallback."""
    lipoma = {"age_years": 45, "location": "sacroiliac", "consistency": "soft", "mobility": "mobile",
              "depth": "superficial", "size_cm": 2, "tender": False}
    a = assess(lipoma)
    assert a.workup_rules_fired == ("clinical_review",)
    assert [(w["step"], w["timing"]) for w in a.workup] == [("observe", "routine")]
    assert a.triage == "routine"

    b = assess({**lipoma, "consistency": "hard"})
    assert "clinical_review" not in b.workup_rules_fired
    assert "bony_lump_xray" in b.workup_rules_fired
    assert "observe" not in [w["step"] for w in b.workup]


def test_a_plan_of_blood_tests_alone_keeps_the_lumps_own_review_and_ultrasound() -> None:
    """2026.11.134: a blood test never says what a lump is, so a plan whose other rules asked only for bloods
    keeps the fallbacks. An 88-year-old's lump of no settled cause had a routine ultrasound and a review; with
    back pain answered yes, NG12's myeloma bloods were the whole plan (found by a search for alarm answers
    that lose a step)."""
    plain = {"age_years": 88, "location": "paraspinal"}
    before = assess(plain)
    assert [w["step"] for w in before.workup] == ["ultrasound", "observe"]
    a = assess({**plain, "back_pain": True})
    assert [(w["step"], w["rule"]) for w in a.workup] == [
        ("blood_tests", "myeloma_bloods"), ("ultrasound", "uncertain_lump_ultrasound"), ("observe", "clinical_review")]
    assert a.workup_rules_fired == ("myeloma_bloods", "uncertain_lump_ultrasound", "clinical_review")


def test_an_urgent_blood_count_keeps_the_ultrasound_and_names_no_review_it_dropped() -> None:
    """A young adult's unexplained bruising (NG12: a blood count within 48 hours) is an urgent card that does
    not keep the watch-and-review step; the lump's routine ultrasound stays beside the bloods, and the review,
    dropped, is not named among the rules that shaped the plan."""
    a = assess({"age_years": 19, "bruising": True})
    assert [(w["step"], w["timing"]) for w in a.workup] == [("blood_tests", "urgent"), ("ultrasound", "routine")]
    assert "clinical_review" not in a.workup_rules_fired
    assert "uncertain_lump_ultrasound" in a.workup_rules_fired


def test_a_plan_with_an_imaging_step_takes_no_fallback() -> None:
    """The other side: with a step that examines the lump (NG12's urgent ultrasound of a growing lump), the
    myeloma bloods beside it do not bring the routine review or ultrasound back."""
    a = assess({"age_years": 88, "location": "paraspinal", "back_pain": True, "growth": "rapid"})
    assert "myeloma_bloods" in a.workup_rules_fired
    assert not {"clinical_review", "uncertain_lump_ultrasound"} & set(a.workup_rules_fired)


def test_the_items_built_at_load_are_the_rules_own():
    """Red flags, do-not items and plan steps are built once when the knowledge loads and handed out on
    every assessment; each must say exactly what its rule says, with its source's label."""
    from knowledge.result import DEFERRED_BECAUSE, DoNot, PlanStep, RedFlag

    KB = load_knowledge()
    for compiled in KB.red_flags:
        r = compiled.rule
        assert compiled.flag == RedFlag(r.id, r.level, r.message, r.action, r.within, KB.source_label(r.source), r.source, r.note)
        assert [step for step, _ in compiled.do_not_items] == [a.step for a in r.do_not]
        assert [item for _, item in compiled.do_not_items] == [
            DoNot(a.step, a.rationale, KB.source_label(a.source), a.source, r.id, "red_flag", a.note) for a in r.do_not]
    for compiled in KB.workup_rules:
        r = compiled.rule
        assert [item for _, item in compiled.do_not_items] == [
            DoNot(a.step, a.rationale, KB.source_label(a.source), a.source, r.id, "workup", a.note) for a in r.avoid]
        assert len(compiled.plan) == len(r.steps)
        for prepared, s in zip(compiled.plan, r.steps, strict=True):
            label = KB.source_label(s.source)
            assert prepared.key == (s.step, s.to, s.conditional, s.within if s.conditional else "")
            assert prepared.phase == (s.phase if s.phase is not None else KB.step_phase[s.step])
            assert prepared.item == PlanStep(s.step, s.timing, s.within, s.rationale, label, s.source, r.id, s.timing, s.to)
            assert prepared.deferred == PlanStep(s.step, s.timing, s.within, s.rationale, label, s.source, r.id,
                                                 "after_emergency", s.to, DEFERRED_BECAUSE)


def test_within_hours_lists_exactly_the_phrases_the_steps_use() -> None:
    """workup.yaml's `within_hours` (2026.11.70) gives the hours of every `within` of a step (since 2026.11.75
    a conditional step's too, since 2026.11.87 a card's and its variants'), and lists no phrase that none of
    them uses (a stale entry would go unreviewed); each prepared step carries its phrase's hours."""
    from knowledge.loader import DATA_DIR

    kb = load_knowledge()
    table = yaml.safe_load((DATA_DIR / "workup.yaml").read_text(encoding="utf-8"))["within_hours"]
    used = {s.within for r in kb.workup_rules for s in r.rule.steps if s.within}
    cards = {r.rule.within for r in kb.red_flags} | {v.within for r in kb.red_flags for v in r.rule.variants}
    cards |= {v.within for c in kb.causes.values() if c.alarm is not None for v in c.alarm.variants}
    assert set(table) == used | {w for w in cards if w}
    assert {w for w in cards if w} - used, "some card phrases are the cards' own"
    # and `waits_on` (2026.11.86) lists exactly the conditional steps' phrases
    waits_on = yaml.safe_load((DATA_DIR / "workup.yaml").read_text(encoding="utf-8"))["waits_on"]
    assert set(waits_on) == {s.within for r in kb.workup_rules for s in r.rule.steps if s.conditional}
    for compiled in kb.workup_rules:
        for prepared, s in zip(compiled.plan, compiled.rule.steps, strict=True):
            value = table[s.within] if s.within else None
            expected = (value, value) if isinstance(value, (int, float)) else (
                (value["under_25"], value["otherwise"]) if isinstance(value, dict) else None)
            assert prepared.due == expected, (compiled.rule.id, s.within)


def test_a_card_that_advises_drainage_defers_to_the_do_not_list() -> None:
    """A red flag whose action advises incision or drainage says that the do-not list can forbid it:
    another rule may have put drainage there (a possible hernia, a haematoma on an anticoagulant, a
    child's midline lesion), and the card must not read 'drain' beside 'do not incise' with no word
    between them (2026.11.10; drainable_abscess has said so since 2026.11.6). Actions that image first
    ('before any drainage', 'image-guided') are not advising it."""
    import re

    advises = re.compile(r"incision and drainage|drainage of any|drain an acute|source control \(drainage")
    for rule in _rules("red_flags"):
        action = rule.action.lower()
        if advises.search(action):
            assert "do-not list" in action, f"{rule.id}: the action advises drainage without deferring to the do-not list"
