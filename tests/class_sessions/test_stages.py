"""The stages a class case is released in (classroom/stages.py), on every case of the library."""

from __future__ import annotations

import pytest

import knowledge
from casebook import load_library
from classroom.stages import STAGE_GROUPS, case_stages, released

KB = knowledge.load_knowledge()
GROUPS = {fid: f.group for fid, f in KB.findings.items()}


@pytest.mark.parametrize("case", load_library().cases, ids=lambda c: c.id)
def test_every_case_is_released_in_order_and_in_full(case):
    """Each case's findings are all released, each once, in the stage of their group; the story stage comes first."""
    stages = case_stages(case.findings, GROUPS)
    assert stages[0].id == "history"
    order = [sid for sid, _, _ in STAGE_GROUPS]
    assert [s.id for s in stages] == [sid for sid in order if sid in {s.id for s in stages}]
    assert sorted(released(stages, len(stages) - 1)) == sorted(case.findings)
    groups = {sid: g for sid, _, g in STAGE_GROUPS}
    for stage in stages:
        for fid in stage.findings:
            assert fid == "location" or GROUPS[fid] in groups[stage.id]


def test_the_library_has_a_case_with_results_in_three_stages():
    """At least one case has a result to hand, so a class on it runs three stages (history, examination, results)."""
    three = [c.id for c in load_library().cases if len(case_stages(c.findings, GROUPS)) == 3]
    assert three, "no case has a finding of the results group"
    stages = case_stages(load_library().get(three[0]).findings, GROUPS)
    assert [s.id for s in stages] == ["history", "examination", "results"]
    assert all(GROUPS[f] == "results" for f in stages[2].findings)


def test_a_group_no_stage_knows_is_refused():
    """A finding whose group no stage holds raises rather than slipping into the wrong stage."""
    with pytest.raises(ValueError, match="no class stage"):
        case_stages({"x": 1}, {"x": "genetics"})
    with pytest.raises(ValueError, match="not in the vocabulary"):
        case_stages({"nope": 1}, GROUPS)
