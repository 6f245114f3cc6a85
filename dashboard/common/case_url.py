"""The case in a page URL, pure: findings to query parameters and back. No Streamlit here.

A shareable link carries one query parameter per examined finding, with a plain value:
`?age_years=45&tender=true&location=midline_lumbar`. Decoding only turns the text back into the
type the finding has (true/false, a number, a choice); whether the value is allowed is decided by
`knowledge.case_problems`, the one validator the CLI and the UI also use. A parameter it rejects is
named with what is wrong and left out; the valid ones are kept.

Hostile links (issue 13, item 2): a finding given more than once (`?tender=true&tender=false`) is a
problem naming every value, and none of them is used: the finding stays not examined until the user
chooses it (browsers, proxies and Streamlit disagree on which of two values wins, and the order can
flip the triage). A link with more parameters than a case can have (`max_link_params`) or longer
than `MAX_LINK_CHARS` is refused whole, with a message giving the limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import knowledge

RESERVED_PARAMS = frozenset({"page", "case", "reveal", "view"})
"""Query parameters that are not findings (teaching mode and page routing use them)."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


MAX_LINK_CHARS = 4096
"""The longest link (its parameters' names and values, decoded) that is opened. The longest case
the knowledge can hold is under half of it (tests/dashboard/common/test_case_url.py)."""

ParamValues = str | Sequence[str]
"""One query parameter's value, or every value of a parameter given more than once."""


class LinkProblem(NamedTuple):
    """One query parameter that could not be used: its name, its text and what is wrong.

    `values` holds every value of a parameter given more than once (`text` is then the last one);
    `whole` marks a problem with the whole link (too long, too many parameters; `param` is then "").
    A flag, not a reserved name: any text, the empty one included, can be a parameter's name."""

    param: str
    text: str
    problem: str
    values: tuple[str, ...] = ()
    whole: bool = False


def max_link_params(kb: knowledge.Knowledge) -> int:
    """The most parameters a link can carry: one per finding, plus the reserved ones."""
    return len(kb.findings) + len(RESERVED_PARAMS)


def _all_values(value: ParamValues) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def link_size(params: Mapping[str, ParamValues]) -> tuple[int, int]:
    """How many parameters a link has (a repeated name counts each time) and its length in
    characters (names and values, decoded, with one '=' and one '&' each)."""
    count = chars = 0
    for name, value in params.items():
        for text in _all_values(value):
            count += 1
            chars += len(name) + len(text) + 2
    return count, chars


def size_problem(params: Mapping[str, ParamValues], kb: knowledge.Knowledge) -> str | None:
    """Why a link is too big to open (its counts and the limits), or None when it is not."""
    count, chars = link_size(params)
    most = max_link_params(kb)
    if count > most:
        return (
            f"This link has {count:,} parameters; a case link has at most {most} "
            f"({len(kb.findings)} findings and {len(RESERVED_PARAMS)} reserved names). "
            "It was not opened: no finding was taken from it."
        )
    if chars > MAX_LINK_CHARS:
        return (
            f"This link is {chars:,} characters long; a case link is at most {MAX_LINK_CHARS:,}. "
            "It was not opened: no finding was taken from it."
        )
    return None


def repeated_problem(count: int) -> str:
    """What is wrong with a finding given `count` times (the message shows the values)."""
    return (
        f"given {count} times in the link, so none of its values was used: it stays not examined "
        "until you choose its value on the page"
    )


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


def decode(params: Mapping[str, ParamValues], kb: knowledge.Knowledge) -> tuple[dict[str, Any], list[LinkProblem]]:
    """The valid findings of a set of query parameters, and a problem for every one left out.

    A parameter's value is its text, or the list of its texts when the link may repeat it (as
    `st.query_params.get_all` gives them). Reserved parameters (`RESERVED_PARAMS`) are not findings
    and are skipped. A finding given more than once is a problem naming every value and is left
    out; a link over the limits (`size_problem`) opens no finding and is one problem marked `whole`.
    """
    too_big = size_problem(params, kb)
    if too_big is not None:
        return {}, [LinkProblem("", "", too_big, whole=True)]
    given = {name: _all_values(value) for name, value in params.items() if name not in RESERVED_PARAMS}
    repeated = [LinkProblem(name, texts[-1], repeated_problem(len(texts)), tuple(texts)) for name, texts in given.items() if len(texts) > 1]
    single = {name: texts[0] for name, texts in given.items() if len(texts) == 1}
    raw = {name: _typed(kb.findings.get(name), text) for name, text in single.items()}
    problems = knowledge.case_problems(raw, kb)
    bad: dict[str, str] = {}
    for p in problems:
        bad[p.finding] = f"{bad[p.finding]}; {p.problem}" if p.finding in bad else p.problem
    case = {name: value for name, value in raw.items() if name not in bad}
    listed = [LinkProblem(name, single[name], problem) for name, problem in bad.items() if name in single]
    order = list(given)
    return case, sorted(repeated + listed, key=lambda p: order.index(p.param))
