"""Lower Back Lump Navigator: clinical knowledge as data, and the pure reasoning over it.

The public face (pinned by tests/knowledge/test_public_api.py): assess a case (`assess`,
`parse_case`, `case_problems`), load the knowledge (`load_knowledge`, `Knowledge` with its
provenance helpers `entry_for`, `likelihood`, `prior_percent`, `source_label`), the typed result
(`Assessment` and its frozen items), the data models a caller reads (`Finding`, `Cause`, `Source`
with `Source.link`, `Likelihood`), the rule language's readable side (`condition_text`,
`condition_yaml`, `refs_used`), the words every reader needs (`ESTIMATE`, `DISCLAIMER`,
`TRIAGE_LEVELS`, `PLAN_GROUPS`, `KNOWLEDGE_VERSION`) and the errors. This package never imports
Streamlit.
"""

from knowledge.case import Case, case_problems, parse_case
from knowledge.conditions import condition_text, condition_yaml, refs_used
from knowledge.engine import DISCLAIMER, GROUPS, HELD_TOGETHER, TRIAGE_LEVELS, Assessment, assess
from knowledge.errors import CaseError, CaseProblem, KnowledgeError, KnowledgeFileError, validation_error
from knowledge.loader import Knowledge, clear_cache, load_knowledge, read_yaml
from knowledge.result import Contribution, DoNot, PlanStep, Question, RedFlag, SafetyEffect, SafetyQuestion
from knowledge.schema import ESTIMATE, Cause, Finding, Likelihood, Source

PLAN_GROUPS = GROUPS
"""The plan's groups of urgency, in the order they are done."""


def __getattr__(name: str) -> str:
    if name == "KNOWLEDGE_VERSION":  # read lazily, so importing the package does no file I/O
        return load_knowledge().version
    msg = f"module 'knowledge' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DISCLAIMER",
    "ESTIMATE",
    "HELD_TOGETHER",
    "KNOWLEDGE_VERSION",
    "PLAN_GROUPS",
    "TRIAGE_LEVELS",
    "Assessment",
    "Case",
    "CaseError",
    "CaseProblem",
    "Cause",
    "Contribution",
    "DoNot",
    "Finding",
    "Knowledge",
    "KnowledgeError",
    "KnowledgeFileError",
    "Likelihood",
    "PlanStep",
    "Question",
    "RedFlag",
    "SafetyEffect",
    "SafetyQuestion",
    "Source",
    "assess",
    "case_problems",
    "clear_cache",
    "condition_text",
    "condition_yaml",
    "load_knowledge",
    "parse_case",
    "read_yaml",
    "refs_used",
    "validation_error",
]
