"""The public face of the knowledge package, pinned (design review 2026-11, finding 12): a narrowed
API should stay narrow, and a change to it should be a decision, made here, not an accident."""

from __future__ import annotations

import inspect

import knowledge

PUBLIC = {
    # HELD_TOGETHER (2026.11.147): the `rule` of a do-not item held by several can't-miss causes together, which
    # the page names in words instead of a card
    "DISCLAIMER", "ESTIMATE", "HELD_TOGETHER", "KNOWLEDGE_VERSION", "PLAN_GROUPS", "TRIAGE_LEVELS",
    "Assessment", "Case", "CaseError", "CaseProblem", "Cause", "Contribution", "DoNot", "Finding", "Knowledge",
    "KnowledgeError", "KnowledgeFileError", "Likelihood", "PlanStep", "Question", "RedFlag", "SafetyEffect",
    "SafetyQuestion", "Source",
    "assess", "case_problems", "clear_cache", "condition_text", "condition_yaml", "load_knowledge", "parse_case",
    "read_yaml", "refs_used", "validation_error",
}


def test_all_is_pinned():
    assert set(knowledge.__all__) == PUBLIC
    assert len(knowledge.__all__) == len(PUBLIC), "a name is listed twice in __all__"
    for name in PUBLIC:
        assert getattr(knowledge, name) is not None


def test_assess_and_parse_case_signatures_are_pinned():
    assert str(inspect.signature(knowledge.assess)) == "(case: 'Case | Mapping[str, Any]', knowledge: 'Knowledge | None' = None) -> 'Assessment'"
    sig = inspect.signature(knowledge.parse_case)
    assert list(sig.parameters) == ["raw", "knowledge"]


def test_result_items_are_frozen_and_typed():
    a = knowledge.assess({"age_years": 50, "saddle_anesthesia": True})
    flag = a.red_flags[0]
    assert isinstance(flag, knowledge.RedFlag)
    assert isinstance(a.workup[0], knowledge.PlanStep)
    try:
        flag.level = "routine"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a red flag could be changed after the assessment")
    assert flag["level"] == flag.level == "emergency"
    assert dict(flag) == flag.to_dict()
    assert a.to_dict()["red_flags"][0] == flag.to_dict()


def test_the_triage_order_and_plan_groups():
    assert knowledge.TRIAGE_LEVELS == ("routine", "urgent", "emergency")
    assert knowledge.PLAN_GROUPS == ("immediate", "urgent", "routine", "after_emergency")
