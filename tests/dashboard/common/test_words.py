"""The words of the not-yet-asked safety line for number findings."""

import pytest

from dashboard.common import words


def test_range_words_say_what_the_comparison_says():
    assert words.range_words({"low": 130.0, "low_inclusive": False, "high": None, "high_inclusive": True}) == "over 130"
    assert words.range_words({"low": 160.0, "low_inclusive": True, "high": None}) == "160 or more"
    assert words.range_words({"low": None, "high": 1.5, "high_inclusive": False}) == "under 1.5"
    assert words.range_words({"low": None, "high": 90.0, "high_inclusive": True}) == "90 or less"
    assert words.range_words({"low": 1.0, "low_inclusive": True, "high": 3.0, "high_inclusive": True}) == "1 to 3"
    assert words.range_words({"low": 1.0, "low_inclusive": False, "high": 3.0, "high_inclusive": False}) == \
        "over 1 and under 3"


def test_safety_effect_joins_ranges_and_keeps_yes_no_as_before():
    ranges = [{"low": None, "high": 1.0, "high_inclusive": False}, {"low": 60.0, "low_inclusive": True, "high": None}]
    assert words.safety_effect("urgent", "fire", 0.5, ranges) == "if under 1 or 60 or more: urgent"
    assert words.safety_effect("emergency", "fire", True) == "if yes: emergency"
    assert words.safety_effect("urgent", "clear", False) == "if no: clears an urgent flag"


@pytest.mark.parametrize(("value", "said"), [(True, "yes"), (False, "no"), (160.0, "160"), (1.5, "1.5"), (3, "3"),
                                             ("midline_sacral", "midline sacral")])
def test_a_trial_answer_is_said_as_a_person_would(value, said):
    """A number answer reads '160', not '160.0' (a safety effect without ranges prints the answer itself)."""
    assert words.answer_word(value) == said
    assert words.safety_effect("emergency", "fire", value) == f"if {said}: emergency"
