"""The project's vocabulary keeps every id of the shared spec, with the same type, values and meaning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SPEC = json.loads((Path(__file__).parent / "spec_vocabulary.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fid", sorted(SPEC["findings"]))
def test_spec_finding_kept(kb, fid):
    """Every finding of the spec exists in the project with the same type, values, range and meaning."""
    spec = SPEC["findings"][fid]
    ours = kb.findings.get(fid)
    assert ours is not None, f"spec finding {fid} is missing from findings.yaml"
    assert ours.origin == "spec"
    assert ours.type == spec["type"]
    if spec["type"] == "choice":
        assert list(ours.values) == spec["values"]
    if spec["type"] == "number":
        assert (ours.min, ours.max) == (spec["min"], spec["max"])
        assert ours.unit == spec.get("unit")
    assert ours.meaning == spec.get("meaning", "")


def test_project_findings_are_marked(kb):
    """A finding that is not in the spec is marked origin: project (so nobody mistakes it for a spec id)."""
    extra = {fid for fid, f in kb.findings.items() if fid not in SPEC["findings"]}
    assert extra, "the project adds findings the guideline rules need"
    assert all(kb.findings[fid].origin == "project" for fid in extra)


@pytest.mark.parametrize("cid", sorted(SPEC["causes"]))
def test_spec_cause_kept(kb, cid):
    """Every cause of the spec is ranked, with the spec's display name."""
    assert cid in kb.causes
    assert kb.causes[cid].name == SPEC["causes"][cid]


def test_spec_workup_vocabulary_kept(kb):
    """Every workup step, referral target and timing of the spec is available to the workup rules."""
    assert set(SPEC["workup_steps"]) <= set(kb.step_phase)
    assert set(SPEC["referral_targets"]) <= set(kb.referral_targets)
    rules_timings = {s.timing for r in kb.workup_rules for s in r.rule.steps}
    assert rules_timings <= set(SPEC["step_timings"])
    assert {r.rule.level for r in kb.red_flags} <= set(SPEC["red_flag_levels"])
