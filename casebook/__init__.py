"""The teaching case library as a pure package: schema, loading, grading and class-link codes.

It imports `knowledge` only (never Streamlit or the dashboard), so the teaching page, the tests and
the load tools all read the same validated library.
"""

from casebook.codes import case_code, code_index
from casebook.library import (
    LIBRARY_PATH,
    TRIAGE_ORDER,
    TRIAGE_RANK,
    CaseLibrary,
    TeachingAnswer,
    TeachingCase,
    clear_cache,
    grade_guess,
    load_library,
)

__all__ = [
    "LIBRARY_PATH",
    "TRIAGE_ORDER",
    "TRIAGE_RANK",
    "CaseLibrary",
    "TeachingAnswer",
    "TeachingCase",
    "case_code",
    "clear_cache",
    "code_index",
    "grade_guess",
    "load_library",
]
