"""The case validator names every problem at once and guesses the slip."""

from __future__ import annotations

import pytest

from knowledge import CaseError, case_problems, parse_case


def _messages(raw):
    with pytest.raises(CaseError) as info:
        parse_case(raw)
    return {p.finding: p.problem for p in info.value.problems}


def test_valid_case_keeps_only_what_was_entered():
    """A valid case holds exactly the entered findings; a finding left out stays unknown."""
    case = parse_case({"age_years": 34, "fever": False, "location": "natal_cleft"})
    assert dict(case) == {"age_years": 34, "fever": False, "location": "natal_cleft"}
    assert "saddle_anesthesia" not in case


def test_every_problem_is_named_at_once():
    """A case with several bad findings lists all of them, not just the first."""
    msgs = _messages({"leg_weaknes": True, "size_cm": 120, "sex": "Male", "fever": "yes", "depth": 3})
    assert set(msgs) == {"leg_weaknes", "size_cm", "sex", "fever", "depth"}


def test_misspelt_finding_suggests_the_id():
    """A misspelt id says what was probably meant, so a red flag is never silently dropped."""
    assert "did you mean 'leg_weakness'?" in _messages({"leg_weaknes": True})["leg_weaknes"]


def test_size_in_mm_is_suspected():
    """A size above the 50 cm limit that fits in millimetres says so."""
    msg = _messages({"size_cm": 120})["size_cm"]
    assert "above the 50 cm limit" in msg and "mm" in msg and "12 cm" in msg


def test_age_in_months_is_suspected():
    """An age above 120 that fits as months says so."""
    msg = _messages({"age_years": 150})["age_years"]
    assert "above the 120 years limit" in msg and "months" in msg


@pytest.mark.parametrize(
    ("raw", "fid", "fragment"),
    [
        ({"fever": "yes"}, "fever", "true or false"),
        ({"fever": 1}, "fever", "not the number 1"),
        ({"location": "Natal_Cleft"}, "location", "did you mean 'natal_cleft'"),
        ({"location": "buttock"}, "location", "is not one of"),
        ({"size_cm": "3"}, "size_cm", "drop the quotes"),
        ({"size_cm": float("nan")}, "size_cm", "not a finite number"),
        ({"size_cm": float("inf")}, "size_cm", "not a finite number"),
        ({"size_cm": True}, "size_cm", "expects a number"),
        ({"size_cm": 0}, "size_cm", "below the 0.1 cm limit"),
        ({"age_years": -1}, "age_years", "below the 0 years limit"),
        ({"tender": None}, "tender", "leave the finding out"),
        ({"consistency": ["soft"]}, "consistency", "expects one of"),
    ],
    ids=["text-bool", "int-bool", "case-choice", "bad-choice", "text-number", "nan", "inf", "bool-number",
         "zero-size", "negative-age", "null", "list-choice"],
)
def test_bad_value_kinds(raw, fid, fragment):
    """Each kind of bad value gets a message naming the finding and what is wrong."""
    assert fragment in _messages(raw)[fid]


@pytest.mark.parametrize("raw", [[], "case", 3, None, ["a"]], ids=["list", "str", "int", "none", "list-str"])
def test_not_an_object(raw):
    """Anything but a mapping is refused as a whole with a clear message."""
    problems = case_problems(raw)
    assert len(problems) == 1 and "JSON object" in problems[0].problem


def test_boundaries_are_inclusive():
    """The vocabulary's min and max are allowed values."""
    parse_case({"size_cm": 0.1, "age_years": 0})
    parse_case({"size_cm": 50, "age_years": 120})


def test_case_error_message_lists_problems():
    """The CaseError text lists one line per problem."""
    with pytest.raises(CaseError) as info:
        parse_case({"fever": "yes", "sex": "x"})
    text = str(info.value)
    assert "2 problems" in text and "fever:" in text and "sex:" in text
