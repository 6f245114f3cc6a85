"""Quick entry, as pure functions (no Streamlit): the neurological 'normal' set, findings that cannot
apply at an age, and the problem of a number out of range.

The knowledge vocabulary has no age applicability, so the small table below holds it, each row with
the reason a clinician would give. A finding marked here is still offered (a clinician may know
better); the mark only says the question does not fit the patient's age.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import knowledge

NEURO_GROUP = "neuro"
"""The vocabulary's group of the neurological findings."""


def neuro_normal(kb: knowledge.Knowledge, case: Mapping[str, Any]) -> dict[str, bool]:
    """'Neurological examination normal': every yes/no finding of the neurological group not already
    answered, set to no (its normal answer). Numbers and answered findings are left as they are."""
    return {
        fid: False
        for fid, finding in kb.findings.items()
        if finding.group == NEURO_GROUP and finding.type == "boolean" and fid not in case
    }


class AgeRange(NamedTuple):
    """The ages (years, inclusive from, exclusive to) at which a finding can be asked, and why."""

    from_years: float | None
    to_years: float | None
    reason: str


_SELF_REPORT = (
    "reported by the patient: a child this young cannot describe it reliably "
    "(look for a change in toileting, gait or leg use instead)"
)
_CONTINENCE = (
    "continence is not yet expected before toilet training (usually 3 to 4 years): "
    "a change cannot be judged"
)

AGE_APPLICABILITY: dict[str, AgeRange] = {
    "saddle_anesthesia": AgeRange(4, None, _SELF_REPORT),
    "loss_of_rectal_sensation": AgeRange(4, None, _SELF_REPORT),
    "urinary_hesitancy_or_altered_flow": AgeRange(4, None, _SELF_REPORT),
    "numbness": AgeRange(4, None, _SELF_REPORT),
    "bladder_bowel_dysfunction": AgeRange(3, None, _CONTINENCE),
    "independently_mobile": AgeRange(
        None, 18,
        "asked of children only: NICE CG89 asks it of a child who is not yet independently mobile (bruising)",
    ),
}
"""Findings that cannot apply at some ages, with the reason. Ids absent from the knowledge are ignored."""


def not_applicable(kb: knowledge.Knowledge, finding_id: str, age_years: float | None) -> str | None:
    """Why a finding cannot apply at this age, or None (also None when the age is not known)."""
    if age_years is None or finding_id not in kb.findings:
        return None
    rng = AGE_APPLICABILITY.get(finding_id)
    if rng is None:
        return None
    if rng.from_years is not None and age_years < rng.from_years:
        return rng.reason
    if rng.to_years is not None and age_years >= rng.to_years:
        return rng.reason
    return None


def number_problem(kb: knowledge.Knowledge, finding_id: str, value: float | None) -> str | None:
    """What is wrong with a number entered (out of range, with the engine's 'was it entered in mm?'
    hint), or None when the engine can use it. The engine's own check, so the page and the engine agree."""
    if value is None:
        return None
    problems = knowledge.case_problems({finding_id: value}, kb)
    return "; ".join(p.problem for p in problems if p.finding == finding_id) or None
