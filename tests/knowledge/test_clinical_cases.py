"""Clinical vignettes: the engine's ranking, triage and workup against a guideline-following clinician.

The cases live in clinical_cases.yaml, written from the evidence brief before the engine was run.
A case the engine gets wrong for a well-founded reason carries `xfail: "reason"` and runs as a
strict xfail, so it turns into a failure the day the knowledge is fixed (and the mark can go).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import knowledge
from knowledge import assess, parse_case

CASES_FILE = Path(__file__).with_name("clinical_cases.yaml")
KB = knowledge.load_knowledge()
TRIAGE_LEVELS = ("emergency", "urgent", "routine")
CASE_KEYS = {"id", "story", "basis", "case", "expect", "xfail"}
REQUIRED_KEYS = {"id", "story", "basis", "case", "expect"}
EXPECT_KEYS = {"top3", "top1", "triage", "steps_include", "steps_exclude", "steps_order", "referral_include"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        cases = yaml.safe_load(fh)
    assert isinstance(cases, list), f"{CASES_FILE.name} must hold a list of cases"
    return cases


CASES = _load_cases()


def _params() -> list[Any]:
    params = []
    for c in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=c["xfail"])] if c.get("xfail") else []
        params.append(pytest.param(c, id=c["id"], marks=marks))
    return params


def _describe(a: knowledge.Assessment) -> str:
    """A short account of what the engine said, for assertion messages."""
    top = ", ".join(f"{c['id']} {c['probability']:.3f}" for c in a.causes[:5])
    flags = ", ".join(f"{f['id']} ({f['level']})" for f in a.red_flags) or "none"
    path = ", ".join(w["step"] + (f"->{w['to']}" if "to" in w else "") for w in a.workup)
    return f"\n  top 5: {top}\n  triage: {a.triage}; red flags: {flags}\n  workup: {path}"


@pytest.mark.parametrize("clinical", _params())
def test_clinical_case(clinical):
    """The engine ranks, triages and works up the vignette as the guideline-following clinician expects."""
    a = assess(clinical["case"])
    expect = clinical["expect"]
    ranked = [c["id"] for c in a.causes]
    seen = _describe(a)
    story = clinical["story"]

    for cid in expect["top3"]:
        assert cid in ranked[:3], (
            f"{cid} should be among the top 3 for: {story}\n  it is #{ranked.index(cid) + 1}"
            f" at {a.probability(cid):.4f}{seen}")
    if "top1" in expect:
        assert ranked[0] in expect["top1"], f"the top cause should be one of {expect['top1']} for: {story}{seen}"

    assert a.triage == expect["triage"], f"triage should be {expect['triage']}, not {a.triage}, for: {story}{seen}"

    steps = [w["step"] for w in a.workup]
    for step in expect.get("steps_include", []):
        assert step in steps, f"the workup should include '{step}' for: {story}{seen}"
    for step in expect.get("steps_exclude", []):
        assert step not in steps, f"the workup should NOT include '{step}' for: {story}{seen}"
    for first, second in expect.get("steps_order", []):
        if first in steps and second in steps:
            assert steps.index(first) < steps.index(second), f"'{first}' should come before '{second}' for: {story}{seen}"
    targets = [w.get("to") for w in a.workup if w["step"] == "referral"]
    for target in expect.get("referral_include", []):
        assert target in targets, f"the workup should refer to '{target}' for: {story}{seen}"


def test_every_case_is_well_formed_and_validates():
    """Every case has the documented keys, a unique kebab-case id, valid expectations and a case parse_case accepts."""
    ids = [c.get("id") for c in CASES]
    assert len(ids) == len(set(ids)), f"duplicate case ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    steps = set(KB.step_phase)
    for c in CASES:
        cid = c.get("id")
        assert set(c) >= REQUIRED_KEYS, f"case {cid}: missing {sorted(REQUIRED_KEYS - set(c))}"
        assert set(c) <= CASE_KEYS, f"case {cid}: unknown keys {sorted(set(c) - CASE_KEYS)}"
        assert isinstance(cid, str) and KEBAB.match(cid), f"case id {cid!r} is not short kebab-case"
        for text in ("story", "basis"):
            assert isinstance(c[text], str) and c[text].strip(), f"case {cid}: '{text}' must be non-empty text"
        if "xfail" in c:
            assert isinstance(c["xfail"], str) and c["xfail"].strip(), f"case {cid}: xfail needs a reason"
        parse_case(c["case"], KB)  # raises CaseError naming every bad finding
        e = c["expect"]
        assert set(e) <= EXPECT_KEYS, f"case {cid}: unknown expect keys {sorted(set(e) - EXPECT_KEYS)}"
        assert e.get("top3"), f"case {cid}: expect.top3 must name at least one cause"
        assert len(e["top3"]) <= 3, f"case {cid}: top3 lists more than three causes"
        for cause in [*e["top3"], *e.get("top1", [])]:
            assert cause in KB.causes, f"case {cid}: unknown cause {cause!r}"
        assert e.get("triage") in TRIAGE_LEVELS, f"case {cid}: triage must be one of {TRIAGE_LEVELS}"
        for key in ("steps_include", "steps_exclude"):
            for step in e.get(key, []):
                assert step in steps, f"case {cid}: {key} names unknown step {step!r}"
        assert not set(e.get("steps_include", [])) & set(e.get("steps_exclude", [])), f"case {cid}: a step both included and excluded"
        for pair in e.get("steps_order", []):
            assert len(pair) == 2 and all(s in steps for s in pair), f"case {cid}: steps_order pair {pair!r} is not two known steps"
        for target in e.get("referral_include", []):
            assert target in KB.referral_targets, f"case {cid}: unknown referral target {target!r}"


def test_cases_cover_every_cause_and_triage_level():
    """Each cause of the knowledge appears in some case's expected top 3, and each triage level is expected somewhere."""
    covered = {cause for c in CASES for cause in c["expect"]["top3"]}
    missing = [cid for cid in KB.cause_ids if cid not in covered]
    assert not missing, f"no case expects these causes in its top 3: {missing}"
    levels = {c["expect"]["triage"] for c in CASES}
    assert levels == set(TRIAGE_LEVELS), f"triage levels never expected: {sorted(set(TRIAGE_LEVELS) - levels)}"
    assert len(CASES) >= 32, f"only {len(CASES)} cases; the brief asks for at least 32"
