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
    ctx = _context(assess(case))
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


def _holds(cond, values, probs, alarms=frozenset()) -> bool:
    """A plain walk of the rule language (knowledge/conditions.py's docstring), independent of the
    compiler that turns conditions into Python source: the oracle for the compiled predicates."""
    import operator

    ops = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
    for key, arg in cond.items():
        if key == "all":
            ok = all(_holds(c, values, probs, alarms) for c in arg)
        elif key == "any":
            ok = any(_holds(c, values, probs, alarms) for c in arg)
        elif key == "not":
            ok = not _holds(arg, values, probs, alarms)
        elif key == "known":
            ok = arg in values
        elif key == "unknown":
            ok = arg not in values
        elif key == "at_least":
            ok = sum(_holds(c, values, probs, alarms) for c in arg["of"]) >= arg["n"]
        elif key == "probability":
            (op, bound), = [(o, b) for o, b in arg.items() if o != "cause"]
            ok = ops[op](probs.get(arg["cause"], 0.0), bound)
        elif key == "alarm":
            ok = arg in alarms
        elif key == "ref":
            ok = _holds(KB.definitions[arg], values, probs, alarms)
        elif key not in values:
            ok = False  # unknown is never "no"
        elif not isinstance(arg, dict):
            ok = values[key] == arg
        else:
            ok = all(values[key] in operand if op == "in" else ops[op](values[key], operand) for op, operand in arg.items())
        if not ok:
            return False
    return True


def _edge_value(fid: str) -> st.SearchStrategy:
    """A value a rule compares against (each side of every number constant, every choice)."""
    return st.sampled_from(list(KB.trial_values[fid]))


edge_cases = st.lists(st.sampled_from(sorted(KB.findings)), unique=True, max_size=40).flatmap(
    lambda ids: st.fixed_dictionaries({fid: _edge_value(fid) for fid in ids})
)


def _every_part() -> list[tuple[str, dict]]:
    """Every condition node of every rule and named condition (each sub-condition down to single tests),
    once each, with where it was found."""
    import json

    seen: dict[str, tuple[str, dict]] = {}

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            if node:
                seen.setdefault(json.dumps(node, sort_keys=True), (where, node))
            for key, arg in node.items():
                if key in ("all", "any"):
                    for c in arg:
                        walk(c, where)
                elif key == "not":
                    walk(arg, where)
                elif key == "at_least":
                    for c in arg["of"]:
                        walk(c, where)
                elif key not in ("known", "unknown", "probability", "alarm", "ref"):
                    if len(node) > 1:
                        walk({key: arg}, where)
                    elif isinstance(arg, dict) and len(arg) > 1:
                        for op, operand in arg.items():
                            walk({key: {op: operand}}, where)

    for compiled in (*KB.red_flags, *KB.workup_rules):
        walk(compiled.rule.when, compiled.rule.id)
    for compiled in KB.workup_rules:  # a step's own condition
        for k, step in enumerate(compiled.rule.steps):
            if step.when is not None:
                walk(step.when, f"{compiled.rule.id}.steps[{k}]")
    for name, cond in KB.definitions.items():
        walk(cond, name)
    return list(seen.values())


def _compiled_parts():
    from knowledge.conditions import Compiler

    compiler = Compiler("test", KB.findings, set(KB.cause_ids), KB.definitions)
    compiler.alarm_causes = frozenset(a.cause for a in KB.alarms)  # parts of workup rules may read alarms
    return [(where, cond, compiler.compile(cond, where)[0]) for where, cond in _every_part()]


PARTS = _compiled_parts()


def test_the_part_list_reaches_single_tests():
    """The oracle test below sees leaves as well as whole rules (else a wrong comparison could hide)."""
    leaves = [c for _, c, _ in PARTS if len(c) == 1 and next(iter(c)) in KB.findings]
    assert len(leaves) > 100 and len(PARTS) > len(KB.red_flags) + len(KB.workup_rules)


@settings(max_examples=300, deadline=None)
@given(valid_cases | edge_cases, st.floats(min_value=0, max_value=1), st.sets(st.sampled_from([a.cause for a in KB.alarms])))
def test_compiled_conditions_agree_with_a_plain_walk(case, p_cant_miss, alarms):
    """Every condition of the rules and definitions, and every part of each down to single tests, compiled
    to Python source, holds exactly when a direct walk of its YAML says it does: on random cases and on
    cases built from the values the rules compare against, with any set of alarms fired."""
    from knowledge.conditions import CANT_MISS, Context

    a = assess(case)
    probs = {**_probabilities(a), CANT_MISS: p_cant_miss}
    values = a.case.findings
    ctx = Context(values, probs, frozenset(alarms))
    for compiled in (*KB.red_flags, *KB.workup_rules):
        assert compiled.test(ctx) == _holds(compiled.rule.when, values, probs, alarms), compiled.rule.id
    for where, cond, test in PARTS:
        assert test(ctx) == _holds(cond, values, probs, alarms), (where, cond)
    for compiled in KB.workup_rules:
        for k, step in enumerate(compiled.rule.steps):
            step_test = compiled.step_tests[k]
            assert (step_test is None) == (step.when is None), (compiled.rule.id, k)
            if step_test is not None:
                assert step_test(ctx) == _holds(step.when, values, probs, alarms), (compiled.rule.id, k)


sparse_cases = st.lists(st.sampled_from(sorted(KB.findings)), unique=True, max_size=4).flatmap(
    lambda ids: st.fixed_dictionaries({fid: _value(fid) for fid in ids})
)
"""Cases with few findings: most rules' bounds fail, which is where a wrong bound would hide a rule."""


def _probabilities(a) -> dict[str, float]:
    """The ranking as rules read it, worked out here rather than taken from the engine: each cause's
    estimate and the pseudo-causes `cant_miss` (their sum) and `top` (the largest)."""
    from knowledge.conditions import CANT_MISS, TOP

    probs = dict(zip(a.cause_ids, a.probabilities, strict=True))
    probs[CANT_MISS] = sum(p for cid, p in probs.items() if KB.causes[cid].cant_miss)
    probs[TOP] = max(a.probabilities)
    return probs


def _context(a):
    from knowledge.conditions import Context

    return Context(a.case.findings, _probabilities(a), _alarms_fired(a))


def _alarms_fired(a) -> frozenset[str]:
    """The causes whose can't-miss alarm fired, read from the assessment's flags (what `alarm` conditions see)."""
    return frozenset(f.cause for f in a.red_flags if f.cause is not None)


@settings(max_examples=300, deadline=None)
@given(valid_cases | sparse_cases)
def test_one_of_findings_bound_is_sound(case):
    """A rule whose condition holds has at least one of its `one_of_findings` examined (when it has such a set)."""
    from knowledge.conditions import one_of_findings

    ctx = _context(assess(case))
    for compiled in (*KB.red_flags, *KB.workup_rules):
        one_of = one_of_findings(compiled.rule.when, KB.definitions)
        if one_of is not None and compiled.test(ctx):
            assert one_of & set(case), f"{compiled.rule.id} held with none of {sorted(one_of)} examined"


@settings(max_examples=300, deadline=None)
@given(valid_cases | sparse_cases)
def test_the_scan_fires_exactly_the_rules_whose_condition_holds(case):
    """The engine tests each file's rules in one generated function with the bounds as guards; for any case
    it must return exactly the rules whose own test holds, in file order (each on a fresh context, so
    neither shares the other's memo)."""
    a = assess(case)
    known_mask = 0
    for fid in case:
        known_mask |= KB.finding_bit[fid]
    for rules, scan in ((KB.red_flags, KB.red_flag_scan), (KB.workup_rules, KB.workup_scan)):
        expected = [i for i, compiled in enumerate(rules) if compiled.test(_context(a))]
        assert scan(_context(a), known_mask) == expected
