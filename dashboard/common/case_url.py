"""The case in a page URL, pure: findings to query parameters and back. No Streamlit here.

A shareable link carries one query parameter per examined finding, with a plain value:
`?age_years=45&tender=true&location=midline_lumbar`. Decoding only turns the text back into the
type the finding has (true/false, a number, a choice); whether the value is allowed is decided by
`knowledge.case_problems`, the one validator the CLI and the UI also use. A parameter it rejects is
named with what is wrong and left out; the valid ones are kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import knowledge

RESERVED_PARAMS = frozenset({"page", "case", "reveal", "view"})
"""Query parameters that are not findings (teaching mode and page routing use them)."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class LinkProblem(NamedTuple):
    """One query parameter that could not be used: its name, its text and what is wrong."""

    param: str
    text: str
    problem: str


def _number_text(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def encode(case: Mapping[str, Any], kb: knowledge.Knowledge) -> dict[str, str]:
    """Query parameters of a case: one per examined finding, in the knowledge's order."""
    params: dict[str, str] = {}
    for fid, finding in kb.findings.items():
        if fid not in case:
            continue
        value = case[fid]
        if finding.type == "boolean":
            params[fid] = "true" if value else "false"
        elif finding.type == "number":
            params[fid] = _number_text(value)
        else:
            params[fid] = str(value)
    return params


def _typed(finding: knowledge.Finding | None, text: str) -> Any:
    """The text of one parameter as the type its finding has; text that does not fit stays text,
    so that the validator names it."""
    if finding is None or finding.type == "choice":
        return text
    if finding.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if _NUMBER.fullmatch(text.strip()):
        number = float(text)
        if math.isfinite(number) and number.is_integer() and "." not in text and "e" not in text.lower():
            return int(number)
        return number
    return text


def decode(params: Mapping[str, str], kb: knowledge.Knowledge) -> tuple[dict[str, Any], list[LinkProblem]]:
    """The valid findings of a set of query parameters, and a problem for every one left out.

    Reserved parameters (`RESERVED_PARAMS`) are not findings and are skipped.
    """
    raw = {name: _typed(kb.findings.get(name), text) for name, text in params.items() if name not in RESERVED_PARAMS}
    problems = knowledge.case_problems(raw, kb)
    bad: dict[str, str] = {}
    for p in problems:
        bad[p.finding] = f"{bad[p.finding]}; {p.problem}" if p.finding in bad else p.problem
    case = {name: value for name, value in raw.items() if name not in bad}
    listed = [LinkProblem(name, params[name], problem) for name, problem in bad.items() if name in params]
    return case, listed
