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
    """A validated case: only the examined findings, read-only. Behaves as a mapping (finding id ->
    value), so `case.values()` is the mapping's own values view; `findings` is the underlying mapping."""

    findings: Mapping[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.findings[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __contains__(self, key: object) -> bool:
        return key in self.findings

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-ready dict of the case."""
        return dict(self.findings)


# Past this length a word is not a slip of an id, and difflib would only spend time on it.
_SUGGEST_MAX_CHARS = 64
# How much of a text value a message quotes.
_SHOW_MAX_CHARS = 60
# Ints with more bits than this are shown by their size, not their digits (repr() of an int over
# 4,300 digits raises ValueError, and a float cannot hold one over about 308 digits).
_SHOW_MAX_INT_BITS = 128


def _int_digits(value: int) -> int:
    """The number of decimal digits of an int, without converting it to text (which can raise)."""
    return max(1, int(abs(value).bit_length() * math.log10(2)) + 1)


def _show(value: Any) -> str:
    """A short, safe picture of a value for a message: never raises, never recurses, never huge."""
    if value is None:
        return ""
    if isinstance(value, (bool, float)):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > _SHOW_MAX_INT_BITS:
            return f"an integer of about {_int_digits(value)} digits"
        return repr(value)
    if isinstance(value, str):
        if len(value) > _SHOW_MAX_CHARS:
            return f"{value[:_SHOW_MAX_CHARS]!r}... ({len(value)} characters)"
        return repr(value)
    if isinstance(value, (list, tuple)):
        n = len(value)
        return f"({n} item{'s' if n != 1 else ''})"
    if isinstance(value, Mapping):
        n = len(value)
        return f"({n} key{'s' if n != 1 else ''})"
    return ""


def _kind(value: Any) -> str:
    """The JSON-ish name of a value's type, with its short picture."""
    name = {dict: "object", list: "list", type(None): "null"}.get(type(value), type(value).__name__)
    if isinstance(value, Mapping):
        name = "object"
    shown = _show(value)
    return f"{name} {shown}" if shown else name


def _suggest(word: str, options: list[str]) -> str:
    if len(word) > _SUGGEST_MAX_CHARS:
        return ""
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
            return f"expects true or false, not the text {_show(value)}"
        if isinstance(value, int) and value in (0, 1):
            return f"expects true or false, not the number {value!r}"
        return f"expects true or false, not {_kind(value)}"
    if f.type == "choice":
        options = list(f.values or ())
        if not isinstance(value, str):
            return f"expects one of {options}, not {_kind(value)}"
        if value not in options:
            return f"{_show(value)} is not one of {options}{_suggest(value, options)}"
        return None
    # number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return f"expects a number in {f.unit or ''}, not the text {_show(value)}".replace("in ,", "")
            return f"expects a JSON number, not the text {_show(value)} (drop the quotes)"
        return f"expects a number, not {_kind(value)}"
    if isinstance(value, int):
        # An int of 309 or more digits does not fit a float (math.isfinite and float() raise
        # OverflowError): compare it with the bounds as an int.
        try:
            as_float = float(value)
        except OverflowError:
            return _huge_int_problem(f, value)
        return _number_problem(fid, f, as_float)
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    return _number_problem(fid, f, float(value))


def _huge_int_problem(f: Finding, value: int) -> str:
    unit = f" {f.unit}" if f.unit else ""
    if value > 0:
        return f"an integer of about {_int_digits(value)} digits is above the {_fmt(f.max or 0.0)}{unit} limit"
    return f"a negative integer of about {_int_digits(value)} digits is below the {_fmt(f.min or 0.0)}{unit} limit"


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
        if not fid:
            problems.append(CaseProblem(fid, "'' (an empty finding id) is not a finding; see the vocabulary for the ids"))
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
