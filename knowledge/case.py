"""Validate a case against the vocabulary: every problem at once, with a guess at the slip.

A case maps finding ids to values. A finding left out is unknown (not examined), which is
different from false. `parse_case` is the one validator: the CLI, the URL and the UI all use it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from knowledge.errors import CaseError, CaseProblem
from knowledge.loader import Knowledge, load_knowledge
from knowledge.schema import Finding

# Slips worth naming: (finding, factor, unit said) tried when a number is out of range.
_UNIT_SLIPS: dict[str, tuple[tuple[float, str], ...]] = {
    "size_cm": ((10.0, "mm"), (1000.0, "micrometres")),
    "age_years": ((12.0, "months"), (52.0, "weeks"), (365.0, "days")),
}


@dataclass(frozen=True)
class Case(Mapping[str, Any]):
    """A validated case: only the examined findings, read-only. Behaves as a mapping."""

    values: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict of the case."""
        return dict(self.values)


def _suggest(word: str, options: list[str]) -> str:
    lowered = {o.lower(): o for o in options}
    if word.lower() in lowered:
        return f"; did you mean '{lowered[word.lower()]}'?"
    close = difflib.get_close_matches(word.lower().replace(" ", "_").replace("-", "_"), options, n=2, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return ""


def _fmt(x: float) -> str:
    return f"{x:g}"


def _number_problem(fid: str, f: Finding, value: float) -> str | None:
    lo, hi = f.min, f.max
    assert lo is not None  # a number finding always has bounds (schema)
    assert hi is not None
    unit = f" {f.unit}" if f.unit else ""
    if value > hi:
        msg = f"{_fmt(value)} is above the {_fmt(hi)}{unit} limit"
        for factor, said in _UNIT_SLIPS.get(fid, ()):
            if lo <= value / factor <= hi:
                return f"{msg}; was it entered in {said} ({_fmt(value / factor)}{unit})?"
        return msg
    if value < lo:
        msg = f"{_fmt(value)} is below the {_fmt(lo)}{unit} limit"
        if fid == "size_cm" and value == 0:
            return f"{msg}; leave size out if it was not measured"
        return msg
    return None


def _check(fid: str, f: Finding, value: Any) -> str | None:
    """Return what is wrong with one value, or None."""
    if value is None:
        return "null is not a value; leave the finding out to mark it not examined"
    if f.type == "boolean":
        if isinstance(value, bool):
            return None
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            return f"expects true or false, not the text {value!r}"
        if value in (0, 1) and not isinstance(value, float):
            return f"expects true or false, not the number {value!r}"
        return f"expects true or false, not {type(value).__name__} {value!r}"
    if f.type == "choice":
        options = list(f.values or ())
        if not isinstance(value, str):
            return f"expects one of {options}, not {type(value).__name__} {value!r}"
        if value not in options:
            return f"{value!r} is not one of {options}{_suggest(value, options)}"
        return None
    # number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return f"expects a number in {f.unit or ''}, not the text {value!r}".replace("in ,", "")
            return f"expects a JSON number, not the text {value!r} (drop the quotes)"
        return f"expects a number, not {type(value).__name__} {value!r}"
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    return _number_problem(fid, f, float(value))


def case_problems(raw: Any, knowledge: Knowledge | None = None) -> list[CaseProblem]:
    """Every problem of a raw case (empty when valid). Never raises."""
    k = knowledge or load_knowledge()
    if not isinstance(raw, Mapping):
        kind = "list" if isinstance(raw, list) else type(raw).__name__
        return [CaseProblem("", f"a case must be a JSON object of finding: value, not a {kind}")]
    problems: list[CaseProblem] = []
    ids = list(k.findings)
    for fid, value in raw.items():
        if not isinstance(fid, str):
            problems.append(CaseProblem(str(fid), "finding ids are text"))
            continue
        finding = k.findings.get(fid)
        if finding is None:
            problems.append(CaseProblem(fid, f"unknown finding{_suggest(fid, ids) or ' (see the vocabulary for the ids)'}"))
            continue
        problem = _check(fid, finding, value)
        if problem:
            problems.append(CaseProblem(fid, problem))
    return problems


def parse_case(raw: Any, knowledge: Knowledge | None = None) -> Case:
    """Validate a raw case (a mapping of finding id -> value) and return it as a Case.

    Raises CaseError listing every offending finding; never another exception.
    """
    if isinstance(raw, Case):
        return raw
    problems = case_problems(raw, knowledge)
    if problems:
        raise CaseError(problems)
    return Case(MappingProxyType(dict(raw)))
