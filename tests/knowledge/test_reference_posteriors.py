"""The engine's posteriors against values worked out by hand from the YAML numbers.

reference_cases.json holds small cases whose posteriors were computed with plain arithmetic on
numbers copied from causes.yaml and likelihoods.yaml (never with the engine or the loader); its
`arithmetic` strings show the working. A mismatch means either the data changed or the engine
no longer follows the documented model (age-band prior, background rule, fill rule, size bands).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import knowledge
from knowledge import assess, parse_case

REFERENCE_FILE = Path(__file__).with_name("reference_cases.json")
TOLERANCE = 1e-6
"""Not zero: the engine sums logs and exponentiates while the hand working multiplies directly, so the
two differ by floating-point rounding (around 1e-15); 1e-6 is far below any clinically meaningful
difference yet far above rounding noise, so only a real change of model or data trips it."""

REFERENCE = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
CASES = REFERENCE["cases"]


@pytest.mark.parametrize("ref", CASES, ids=[c["id"] for c in CASES])
def test_posterior_matches_hand_calculation(ref):
    """Each named cause's posterior equals the hand-worked value within TOLERANCE."""
    a = assess(ref["case"])
    for cause, expected in ref["expected"].items():
        got = a.probability(cause)
        assert got == pytest.approx(expected, abs=TOLERANCE), (
            f"{ref['id']}: P({cause}) is {got:.10f}, the hand calculation gives {expected:.10f}\n"
            f"  working: {ref['arithmetic']}")


def test_reference_cases_are_well_formed():
    """Every reference case validates, names 3-4 known causes with probabilities, and shows its working."""
    kb = knowledge.load_knowledge()
    assert len(CASES) >= 4, "the reference set should hold at least four cases"
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "reference case ids must be unique"
    for ref in CASES:
        parse_case(ref["case"], kb)
        assert 3 <= len(ref["expected"]) <= 4, f"{ref['id']}: name 3-4 causes"
        for cause, p in ref["expected"].items():
            assert cause in kb.causes, f"{ref['id']}: unknown cause {cause!r}"
            assert 0 < p < 1, f"{ref['id']}: P({cause}) = {p} is not a probability"
        assert "Normaliser" in ref["arithmetic"], f"{ref['id']}: the working must show the normaliser"


def test_reference_cases_exercise_each_rule():
    """Together the cases cover no age, age only, a choice finding, a boolean 'no', the background rule, a size band
    and two members of one correlated group (the causes' states are in every case)."""
    cases = [c["case"] for c in CASES]
    assert any("age_years" not in c for c in cases), "no case leaves age out (mean of band priors)"
    assert any(set(c) == {"age_years"} for c in cases), "no age-only case"
    assert any("size_cm" in c for c in cases), "no case with a number finding in a size band"
    assert any(v is False for c in cases for v in c.values()), "no case with a 'no' answer (P = 1 - p)"
    assert any("reducible" in c for c in cases), "no case that exercises the background rule"
    assert any(c.get("consistency") == "fluctuant" for c in cases), "no case that exercises the fill rule"
    group_of = knowledge.load_knowledge().group_of

    def most_in_one_group(case: dict) -> int:
        counts: dict[int, int] = {}
        for fid in case:
            if fid in group_of:
                counts[group_of[fid][0]] = counts.get(group_of[fid][0], 0) + 1
        return max(counts.values(), default=0)

    assert any(most_in_one_group(c) >= 2 for c in cases), "no case that exercises a correlated group's damping"
