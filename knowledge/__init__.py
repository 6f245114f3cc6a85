"""Lower Back Lump Navigator: clinical knowledge as data, and the pure reasoning over it.

Public API: `assess`, `parse_case`, `case_problems`, `load_knowledge`, `Assessment`, `Case`,
`Knowledge`, `KNOWLEDGE_VERSION` and the errors. This package never imports Streamlit.
"""

from knowledge.case import Case, case_problems, parse_case
from knowledge.engine import DISCLAIMER, Assessment, Contribution, assess
from knowledge.errors import CaseError, CaseProblem, KnowledgeError, KnowledgeFileError
from knowledge.loader import Knowledge, clear_cache, load_knowledge, read_yaml


def __getattr__(name: str) -> str:
    if name == "KNOWLEDGE_VERSION":  # read lazily, so importing the package does no file I/O
        return load_knowledge().version
    msg = f"module 'knowledge' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DISCLAIMER",
    "KNOWLEDGE_VERSION",
    "Assessment",
    "Case",
    "CaseError",
    "CaseProblem",
    "Contribution",
    "Knowledge",
    "KnowledgeError",
    "KnowledgeFileError",
    "assess",
    "case_problems",
    "clear_cache",
    "load_knowledge",
    "parse_case",
    "read_yaml",
]
