"""The case in the URL: encoding, decoding through the one validator, and reserved parameters."""

from __future__ import annotations

from typing import Any

import pytest

import knowledge
from dashboard.common import case_url as state


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


def _every_finding(kb: knowledge.Knowledge) -> dict[str, Any]:
    """A valid case with every finding examined (choices: the last value; numbers: a fraction between bounds)."""
    case: dict[str, Any] = {}
    for i, (fid, f) in enumerate(kb.findings.items()):
        if f.type == "boolean":
            case[fid] = i % 2 == 0
        elif f.type == "choice":
            case[fid] = f.values[-1]
        else:
            case[fid] = f.min + (f.max - f.min) * 0.37
    return case


ROUND_TRIP_CASES = {
    "empty": {},
    "mixed": {"age_years": 45, "size_cm": 2.5, "tender": True, "fever": False, "location": "natal_cleft"},
    "fractional_age": {"age_years": 0.25, "symptom_onset_days": 3},
}


@pytest.mark.parametrize("case", list(ROUND_TRIP_CASES.values()), ids=list(ROUND_TRIP_CASES))
def test_round_trip(case: dict[str, Any], kb: knowledge.Knowledge) -> None:
    """A case encoded to query parameters decodes back to the same case, with no problem."""
    params = state.encode(case, kb)
    assert all(isinstance(v, str) for v in params.values())
    back, problems = state.decode(params, kb)
    assert problems == []
    assert back == case


def test_round_trip_of_every_finding(kb: knowledge.Knowledge) -> None:
    """Every finding of the knowledge survives the trip through the URL."""
    case = _every_finding(kb)
    back, problems = state.decode(state.encode(case, kb), kb)
    assert problems == []
    assert back == case
    assert knowledge.parse_case(back, kb).to_dict() == case


def test_encoding_is_plain_and_in_knowledge_order(kb: knowledge.Knowledge) -> None:
    """Values are plain text (true/false, the choice, the number) and only examined findings appear."""
    params = state.encode({"tender": True, "age_years": 45.0, "size_cm": 2.5, "location": "flank"}, kb)
    assert params == {"age_years": "45", "location": "flank", "size_cm": "2.5", "tender": "true"}
    assert list(params) == [f for f in kb.findings if f in params]


def test_tampered_link_names_each_bad_parameter_and_keeps_the_rest(kb: knowledge.Knowledge) -> None:
    """Each bad parameter is named with the validator's own words; the valid ones are kept."""
    params = {
        "age_years": "45",
        "depth": "deep",
        "size_cm": "120",
        "tender": "maybe",
        "leg_weaknes": "true",
        "location": "midline",
        "duration_months": "many",
    }
    case, problems = state.decode(params, kb)
    assert case == {"age_years": 45, "depth": "deep"}
    named = {p.param: p for p in problems}
    assert set(named) == {"size_cm", "tender", "leg_weaknes", "location", "duration_months"}
    assert named["size_cm"].text == "120"
    assert "was it entered in mm" in named["size_cm"].problem
    assert "leg_weakness" in named["leg_weaknes"].problem
    assert "not one of" in named["location"].problem
    # the same words as the one validator gives for the same raw values
    expected = {p.finding: p.problem for p in knowledge.case_problems({"size_cm": 120, "tender": "maybe"}, kb)}
    assert named["size_cm"].problem == expected["size_cm"]
    assert named["tender"].problem == expected["tender"]


@pytest.mark.parametrize("text", ["nan", "inf", "-1", "", "1e400", "12abc"])
def test_bad_numbers_are_reported_never_raised(text: str, kb: knowledge.Knowledge) -> None:
    """A number parameter that is not a finite number in range is a named problem, not an exception."""
    case, problems = state.decode({"size_cm": text}, kb)
    assert case == {}
    assert [p.param for p in problems] == ["size_cm"]


def test_reserved_parameters_are_not_findings(kb: knowledge.Knowledge) -> None:
    """`page` and the other reserved parameters are skipped, neither findings nor problems."""
    params = dict.fromkeys(state.RESERVED_PARAMS, "anything") | {"tender": "true"}
    case, problems = state.decode(params, kb)
    assert case == {"tender": True}
    assert problems == []
    assert "page" in state.RESERVED_PARAMS
    assert state.RESERVED_PARAMS.isdisjoint(kb.findings)
