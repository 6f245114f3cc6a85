"""The clinical review's 64 safety probes (review 2026-11) as the project's own regression suite.

probes.json is the project's copy of the probe set: each probe is a constructed case with the
triage range and the workup a guideline-following clinician expects. None is marked xfail: a probe
that fails is a safety defect to fix in the knowledge, not a test to silence.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from knowledge import assess

PROBES = json.loads(Path(__file__).with_name("probes.json").read_text(encoding="utf-8"))
LEVELS = {"routine": 0, "urgent": 1, "emergency": 2}


def _problems(probe: dict[str, Any]) -> list[str]:
    a = assess(probe["case"])
    e = probe["expect"]
    bad = []
    got = LEVELS[a.triage]
    if got < LEVELS[e.get("triage_at_least", "routine")]:
        bad.append(f"under-triage: {a.triage}, expected at least {e['triage_at_least']}")
    if got > LEVELS[e.get("triage_at_most", "emergency")]:
        bad.append(f"over-triage: {a.triage}, expected at most {e['triage_at_most']}")
    steps = [w["step"] for w in a.workup]
    targets = [w.get("to") for w in a.workup if w["step"] == "referral"]
    bad += [f"missing step {s}" for s in e.get("steps_include", []) if s not in steps]
    bad += [f"step {s} must not be suggested" for s in e.get("steps_exclude", []) if s in steps]
    bad += [f"{x} must come before {y}" for x, y in e.get("steps_order", [])
            if x in steps and y in steps and steps.index(x) > steps.index(y)]
    bad += [f"missing referral to {t}" for t in e.get("referral_include", []) if t not in targets]
    if bad:
        flags = ", ".join(f"{f['id']} ({f['level']})" for f in a.red_flags) or "none"
        bad.append(f"[red flags: {flags}; plan: {steps}]")
    return bad


def test_probe_set_is_whole() -> None:
    """The copy holds the review's 64 probes with unique ids, 38 of them urgent or emergency."""
    ids = [p["id"] for p in PROBES]
    assert len(ids) == 64
    assert len(set(ids)) == 64
    assert sum(LEVELS[p["expect"]["triage_at_least"]] >= 1 for p in PROBES) == 38


@pytest.mark.parametrize("probe", PROBES, ids=[p["id"] for p in PROBES])
def test_probe(probe: dict[str, Any]) -> None:
    """The engine's triage and workup meet the probe's expectation ({summary})."""
    problems = _problems(probe)
    assert not problems, f"{probe['id']} ({probe['summary']}): " + "; ".join(problems)
