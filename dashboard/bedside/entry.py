"""Quick entry, as pure functions (no Streamlit): the neurological 'normal' set, findings that cannot
apply at an age, the problem of a number out of range, and the check of a number (in range, or the age
left out) where a unit slip or a gap would change the answer.

The knowledge vocabulary has no age applicability, so the small table below holds it, each row with
the reason a clinician would give. A finding marked here is still offered (a clinician may know
better); the mark only says the question does not fit the patient's age.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import knowledge
from dashboard.common.assessment_html import FLAG_RANK, flag_subject

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


INJURY_FINDINGS = ("bruising", "recent_trauma")
"""The findings that make a child's age decide the infant safeguarding rule (red flag
`infant_bruise_safeguarding`, NICE CG89): with one answered yes, a missing age is asked for."""
MONTHS_SLIP_TO = 24
"""Whole-number ages from 1 up to this (years) could be a baby's or toddler's age in months typed in the
years box (ages under 2 are often given in months). Such an age is checked by reading it as months."""
SLIP_SIZE_FROM_CM = 20
"""A size from here up is checked for millimetres typed as centimetres (project estimate: a lump of 20 cm
or more on the back is rare, and 20 to 50 mm is a common size)."""


_SAFEGUARDING = "a bruised or injured baby not yet moving about alone needs same-day safeguarding (NICE CG89)"


class NumberCheck(NamedTuple):
    """A check of one number: the line the results column (under the banner) and the portrait strip show.
    Not under the field: the field is often scrolled away from the finding just tapped, and a note there
    would cost every such tap a redraw of the field's whole group."""

    finding: str
    line: str


def _acting_flags(assessment: knowledge.Assessment) -> dict[str, knowledge.RedFlag]:
    """The urgent and emergency flags of an assessment, by id."""
    return {f.id: f for f in assessment.red_flags if f.level != "warning"}


Assess = Callable[[dict[str, Any]], knowledge.Assessment]
"""How a check assesses a case: `knowledge.assess` by default; the page passes its session's memo, so a
tap assesses each reading once however many places show the check."""


def months_reading(kb: knowledge.Knowledge, case: Mapping[str, Any], assess: Assess | None = None,
                   ) -> tuple[float, knowledge.RedFlag | None, knowledge.RedFlag | None] | None:
    """If the case's age is a whole number from 1 to 23 and reading it as months would change the urgent
    or emergency flags: (the age in years that months would mean, the most severe flag that reading
    would add, the most severe it would take away); else None. Pure: two assessments of the case."""
    value = case.get("age_years")
    if value is None or not float(value).is_integer() or not 1 <= value < MONTHS_SLIP_TO:
        return None
    run = assess or (lambda c: knowledge.assess(c, kb))
    months = round(value / 12, 2)
    as_years = _acting_flags(run(dict(case)))
    as_months = _acting_flags(run({**case, "age_years": months}))
    if as_years.keys() == as_months.keys():
        return None
    def most_severe(flags: list[knowledge.RedFlag]) -> knowledge.RedFlag | None:
        return max(flags, key=lambda f: FLAG_RANK.get(f.level, 0), default=None)

    added = most_severe([f for fid, f in as_months.items() if fid not in as_years])
    removed = most_severe([f for fid, f in as_years.items() if fid not in as_months])
    return months, added, removed


def _flag_words(flag: knowledge.RedFlag) -> str:
    """A flag in a few words: its level, what it is about (the banner's `flag_subject`) and its source's
    short name (none for the project's own estimate)."""
    source = flag.source.split(":", 1)[0].strip()
    return f"{flag.level.upper()}: {flag_subject(flag)}" + ("" if source.startswith("Estimate") else f" ({source})")


def number_check(kb: knowledge.Knowledge, finding_id: str, value: float | None, case: Mapping[str, Any],
                 assess: Assess | None = None) -> NumberCheck | None:
    """A question about a number where a slip or a gap would change the answer (hazard log HAZ-09, HAZ-14),
    or None. A number in range is still used as entered: the check asks the clinician to look, it decides
    nothing. `case` is the case the engine assesses (with `value` as its `finding_id`).

    - The age not entered, with a bruise or a recent injury answered yes: the infant safeguarding rule
      needs the age and stays silent without it.
    - The age a whole number from 1 to 23 that, read as months, would change the urgent or emergency red
      flags (`months_reading`): months typed as years would silence an infant rule (safeguarding, for
      one) or fire a child's rule in a baby. The check says what would change, so the clinician sees why
      it asks. A change of the ranking or the plan alone is not asked about.
    - The size 20 cm or more: millimetres typed as centimetres would send a small lump down the sarcoma
      pathway.
    """
    if finding_id not in kb.findings or number_problem(kb, finding_id, value):
        return None
    if finding_id == "age_years":
        if value is None:
            if not any(case.get(fid) is True for fid in INJURY_FINDINGS if fid in kb.findings):
                return None
            return NumberCheck(finding_id, f"Enter the age: {_SAFEGUARDING} (under 2 years, 8 months is 0.67).")
        reading = months_reading(kb, {**case, "age_years": value}, assess)
        if reading is None:
            return None
        months, added, removed = reading
        if added is not None:
            change = f"as {value:g} months it would be {_flag_words(added)}"
        else:
            assert removed is not None  # the two readings' flags differ, so one of them has a flag the other lacks
            change = f"as {value:g} months, {_flag_words(removed)} would not apply"
        return NumberCheck(
            finding_id,
            f"Check the age: {value:g} years, or {value:g} months (enter {months:.2f})? {change[0].upper()}{change[1:]}.",
        )
    if finding_id == "size_cm" and value is not None and value >= SLIP_SIZE_FROM_CM:
        return NumberCheck(finding_id, f"Check the size: {value:g} cm, or {value:g} mm (enter {value / 10:g})?")
    return None


def age_words(age_years: float) -> str:
    """An age as a clinician says it (pure): weeks under a month, months under 2 years, years from 2."""
    if age_years < 2:
        months = age_years * 12
        if months < 1:
            weeks = round(age_years * 52.18)
            return f"about {weeks} week{'' if weeks == 1 else 's'} old" if weeks >= 1 else "under a week old"
        shown = f"{months:.1f}".rstrip("0").rstrip(".")
        return f"{shown} month{'' if shown == '1' else 's'} old"
    return f"{age_years:g} years old"


def read_as_line(case: Mapping[str, Any]) -> str | None:
    """The age and size the engine used, said back in words beside the banner (hazard log HAZ-14: a slip
    of unit is easier to see as "8 years old" or "30 cm across" than as a number in a field that may be
    scrolled away), or None when neither was entered. `case` is the case the engine assessed, so a number
    out of range (left out of it) is not read back."""
    def number(fid: str) -> float | None:
        value = case.get(fid)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    age, size = number("age_years"), number("size_cm")
    parts = ([] if age is None else [age_words(age)]) + ([] if size is None else [f"lump {size:g} cm across"])
    return f"Read as: {' · '.join(parts)}" if parts else None


def number_checks(kb: knowledge.Knowledge, case: Mapping[str, Any], assess: Assess | None = None) -> list[NumberCheck]:
    """Every check of a case (the findings the engine uses), in the knowledge's order of findings."""
    out = []
    for fid, finding in kb.findings.items():
        if finding.type == "number":
            check = number_check(kb, fid, case.get(fid), case, assess)
            if check is not None:
                out.append(check)
    return out
