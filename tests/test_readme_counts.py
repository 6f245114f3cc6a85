"""The README's knowledge counts are checked against the knowledge itself, so they cannot drift
(design review 2026-11, finding 8: four hand-typed counts had drifted in 30 commits)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import knowledge

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
KB = knowledge.load_knowledge()


def _number(pattern: str) -> int:
    """The whole number that the README puts where `pattern` has (\\d+); it must appear exactly once."""
    found = re.findall(pattern, README)
    assert len(found) == 1, f"the README should say {pattern!r} once, found {found}"
    return int(found[0])


def test_red_flag_counts():
    levels = Counter(c.rule.level for c in KB.red_flags)
    assert _number(r"(\d+) red-flag rules") == len(KB.red_flags)
    assert _number(r"\((\d+) emergency, \d+ urgent, \d+ warning\)") == levels["emergency"]
    assert _number(r"\(\d+ emergency, (\d+) urgent, \d+ warning\)") == levels["urgent"]
    assert _number(r"\(\d+ emergency, \d+ urgent, (\d+) warning\)") == levels["warning"]


def test_workup_alarm_and_source_counts():
    assert _number(r"\*\*Workup\.\*\* (\d+) rules") == len(KB.workup_rules)
    assert _number(r"Each of the (\d+) can't-miss causes") == sum(c.cant_miss for c in KB.causes.values())
    assert _number(r"(\d+) sources\s+are registered") == len(KB.sources)


def test_likelihood_counts():
    assert _number(r"Of\s+(\d+) likelihood entries") == len(KB.likelihoods)
    estimates = sum(1 for like in KB.likelihoods.values() if like.source == "estimate")
    assert _number(r"(\d+) are our \*\*estimates\*\*") == estimates


def test_teaching_library_count():
    from casebook.library import load_library

    assert _number(r"holds a library of (\d+) cases") == len(load_library().cases)


def test_results_name_the_current_knowledge_version():
    assert f"knowledge {KB.version}" in README


def test_the_check_can_fail():
    """The helper refuses a pattern the README does not hold, so a reworded sentence is caught."""
    try:
        _number(r"(\d+) unicorns")
    except AssertionError:
        return
    raise AssertionError("a missing count was not reported")
