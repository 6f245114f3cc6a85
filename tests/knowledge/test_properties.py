"""Property tests: any valid case gives a valid assessment; any invalid input gives CaseError only."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import knowledge
from knowledge import CaseError, assess, parse_case

KB = knowledge.load_knowledge()
LEVEL = {"routine": 0, "warning": 0, "urgent": 1, "emergency": 2}


def _value(fid: str) -> st.SearchStrategy:
    f = KB.findings[fid]
    if f.type == "boolean":
        return st.booleans()
    if f.type == "choice":
        return st.sampled_from(list(f.values))
    return st.floats(min_value=f.min, max_value=f.max, allow_nan=False, allow_infinity=False)


valid_cases = st.lists(st.sampled_from(sorted(KB.findings)), unique=True, max_size=len(KB.findings)).flatmap(
    lambda ids: st.fixed_dictionaries({fid: _value(fid) for fid in ids})
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
any_input = st.dictionaries(st.sampled_from([*sorted(KB.findings), "leg_weaknes", "", "colour"]), json_values, max_size=6) | json_values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cases)
def test_valid_case_gives_valid_assessment(case):
    """Any valid case gives probabilities in [0, 1] summing to 1, causes sorted, triage = highest flag level."""
    a = assess(case)
    probs = a.probabilities
    assert all(0 <= p <= 1 for p in probs)
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-9)
    assert list(probs) == sorted(probs, reverse=True)
    assert set(a.cause_ids) == set(KB.cause_ids)
    top = max((LEVEL[f["level"]] for f in a.red_flags), default=0)
    assert LEVEL[a.triage] == top
    assert set(a.unknown_findings) == set(KB.findings) - set(case)
    steps = [w["step"] for w in a.workup]
    assert steps, "there is always at least one workup step"
    assert not {x["step"] for x in a.avoid} & set(steps), "an avoided step never appears in the path"
    assert all(q["finding"] not in case for q in a.next_questions)
    assert a.to_dict()["knowledge_version"] == KB.version


@settings(max_examples=400, deadline=None)
@given(any_input)
def test_any_input_gives_case_error_or_assessment(raw):
    """Any input either assesses or raises CaseError naming problems; never another exception."""
    try:
        a = assess(raw)
    except CaseError as err:  # either outcome is allowed; what matters is no other exception
        assert err.problems  # noqa: PT017
        assert all(str(p) for p in err.problems)  # noqa: PT017
    else:
        assert parse_case(raw) is not None and a.triage in ("routine", "urgent", "emergency")


@settings(max_examples=200, deadline=None)
@given(valid_cases, st.sampled_from(sorted(KB.tables)), st.data())
def test_a_finding_multiplies_by_its_likelihood(case, fid, data):
    """Entering finding f multiplies each state's odds by P(value | state) (model.yaml: a cause without states
    is one state); a cause's probability is the sum of its states'. A finding of a correlated group is damped
    when another member is entered, so those draws leave the group's other members out."""
    group = KB.group_of.get(fid)
    without = {k: v for k, v in case.items()
               if k != fid and (group is None or KB.group_of.get(k, (None,))[0] != group[0])}
    value = data.draw(_value(fid))
    base = assess(without)
    withf = assess({**without, fid: value})
    f = KB.findings[fid]
    if f.type == "boolean":
        cat = "true" if value else "false"
    elif f.type == "choice":
        cat = value
    else:
        cat = next(b.id for b in f.bins if b.below is None or value < b.below)
    sm = KB.states
    row = np.exp(sm.log_tables[fid][KB.tables[fid].categories.index(cat)])
    unnorm = base._state_probs * row
    states = unnorm / unnorm.sum()
    for j, cid in enumerate(KB.cause_ids):
        expected = float(states[sm.cause_index == j].sum())
        assert math.isclose(withf.probability(cid), expected, rel_tol=1e-6, abs_tol=1e-12)
    # a cause without states: the plain table row applies to it directly
    for j, cid in enumerate(KB.cause_ids):
        if cid not in sm.states:
            lin = KB.tables[fid].linear[KB.tables[fid].categories.index(cat)][j]
            assert math.isclose(float(row[int(np.flatnonzero(sm.cause_index == j)[0])]), lin, rel_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(valid_cases)
def test_needed_findings_bound_is_sound(case):
    """A rule whose condition holds never needs a finding the case lacks (so skipping such rules is safe)."""
    from knowledge.conditions import CANT_MISS, Context

    a = assess(case)
    probs = dict(zip(a.cause_ids, a.probabilities, strict=True))
    probs[CANT_MISS] = sum(p for cid, p in probs.items() if KB.causes[cid].cant_miss)
    ctx = Context(a.case.findings, probs)
    for compiled in (*KB.red_flags, *KB.workup_rules):
        if compiled.test(ctx):
            assert compiled.needs <= set(case), f"{compiled.rule.id} held without {compiled.needs - set(case)}"


def test_needs_mask_is_the_needed_findings_as_bits():
    """The engine gates rules on `needs_mask` (an integer test); it must hold exactly the bits of `needs`,
    and every finding has its own bit."""
    bits = list(KB.finding_bit.values())
    assert len(set(bits)) == len(KB.findings) and all(b > 0 and b & (b - 1) == 0 for b in bits)
    for compiled in (*KB.red_flags, *KB.workup_rules):
        decoded = {fid for fid, b in KB.finding_bit.items() if compiled.needs_mask & b}
        assert decoded == set(compiled.needs), compiled.rule.id


@settings(max_examples=200, deadline=None)
@given(valid_cases)
def test_bit_gating_agrees_with_the_set_test(case):
    """For any case, a rule passes the engine's bit gate exactly when its needed findings are all entered."""
    known_mask = 0
    for fid in case:
        known_mask |= KB.finding_bit[fid]
    for compiled in (*KB.red_flags, *KB.workup_rules):
        by_bits = compiled.needs_mask & known_mask == compiled.needs_mask
        assert by_bits == (compiled.needs <= set(case)), compiled.rule.id
