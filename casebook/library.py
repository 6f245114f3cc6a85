"""The teaching case library without the interface: its strict schema, loading, and grading a guess.

The library lives in `cases.yaml` beside this module (its header describes the format).
`load_library` reads it once (cached), validates every case with strict pydantic models and checks
it against the knowledge: the findings against the vocabulary (`knowledge.case_problems`), and
the cause, workup step, referral target and source ids against the knowledge files. Any problem
raises `knowledge.KnowledgeFileError` naming the YAML file, the case id and the field, exactly as
a broken knowledge file does.

This package imports `knowledge` only, never Streamlit or the dashboard: the teaching page renders
what these functions return, and the tools read the library without the interface.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from knowledge import TRIAGE_LEVELS, Knowledge, KnowledgeFileError, case_problems, load_knowledge, read_yaml, validation_error

LIBRARY_PATH = Path(__file__).with_name("cases.yaml")
"""The case library shipped with the app."""

Difficulty = Literal["easy", "medium", "hard"]
Triage = Literal["emergency", "urgent", "routine"]
TRIAGE_ORDER: tuple[str, ...] = TRIAGE_LEVELS
"""The triage levels of a teaching answer from least to most urgent: the one order the library's
grading and the teaching page's choices use."""
TRIAGE_RANK: Mapping[str, int] = MappingProxyType({level: rank for rank, level in enumerate(TRIAGE_ORDER)})
"""Rank of each level (used to call a guess under- or over-triaged)."""

_KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _no_repeats(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        msg = f"listed more than once: {repeated}"
        raise ValueError(msg)
    return values


Ids = Annotated[tuple[str, ...], AfterValidator(_no_repeats)]
"""A list of ids in which none appears twice."""


class TeachingAnswer(_Strict):
    """What a guideline-following clinician would conclude for one teaching case."""

    diagnosis: str = Field(min_length=1, description="The cause id the case is written around.")
    acceptable: Ids = Field(default=(), description="Other cause ids a student may reasonably name.")
    triage: Triage
    key_workup: Ids = Field(default=(), description="Workup step ids that must be in the path.")
    avoid: Ids = Field(default=(), description="Workup step ids that must not be in the path.")
    referral: Ids = Field(default=(), description="Referral targets expected in the path.")

    @model_validator(mode="after")
    def _consistent(self) -> TeachingAnswer:
        if self.diagnosis in self.acceptable:
            msg = f"the diagnosis '{self.diagnosis}' is also listed as acceptable"
            raise ValueError(msg)
        both = sorted(set(self.key_workup) & set(self.avoid))
        if both:
            msg = f"steps both required and to avoid: {both}"
            raise ValueError(msg)
        return self


class TeachingCase(_Strict):
    """One teaching case: the story, the findings a student would enter, and the expected answer."""

    id: str = Field(pattern=_KEBAB, description="Stable kebab-case id, used in ?page=teach&case=<id>.")
    title: str = Field(min_length=5, description="Shown first; must not give the diagnosis away.")
    difficulty: Difficulty
    region: str = Field(min_length=1, description="A `location` value of findings.yaml.")
    story: str = Field(min_length=40)
    findings: Mapping[str, Any] = Field(description="Finding id -> value; a finding left out was not examined.")
    answer: TeachingAnswer
    engine_agrees: StrictBool
    engine_note: str = ""
    teaching_points: Ids = Field(min_length=2, max_length=5)
    sources: Ids = Field(min_length=1)

    @field_validator("findings", mode="after")
    @classmethod
    def _read_only(cls, value: Mapping[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType(dict(value))

    @field_serializer("findings")
    def _dump_findings(self, value: Mapping[str, Any]) -> dict[str, Any]:
        return dict(value)

    @field_validator("teaching_points")
    @classmethod
    def _points_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(len(p.strip()) < 10 for p in value):
            msg = "each teaching point is a sentence of at least 10 characters"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _note_when_disagreeing(self) -> TeachingCase:
        if not self.engine_agrees and not self.engine_note.strip():
            msg = "engine_agrees is false, so engine_note must say what the student should notice"
            raise ValueError(msg)
        return self


class CaseLibrary(_Strict):
    """The validated teaching library: `cases` in file order, looked up by id or filtered."""

    version: Literal[1]
    cases: tuple[TeachingCase, ...] = Field(min_length=1)
    _by_id: dict[str, TeachingCase] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        """Index the cases by id once."""
        self._by_id.update((c.id, c) for c in self.cases)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every case id, in file order."""
        return tuple(c.id for c in self.cases)

    def get(self, case_id: str) -> TeachingCase | None:
        """The case with this id, or None (for example a stale class link)."""
        return self._by_id.get(case_id)

    def filter(self, difficulty: str | None = None, region: str | None = None) -> list[TeachingCase]:
        """The cases of one difficulty and/or region (None means any), in file order."""
        return [c for c in self.cases if (difficulty is None or c.difficulty == difficulty) and (region is None or c.region == region)]


# --- loading ------------------------------------------------------------------------------------


def _unknown(values: Iterable[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return [v for v in values if v not in allowed]


def _check_against_knowledge(case: TeachingCase, k: Knowledge, file: str) -> None:
    """Cross-check one case's ids and findings with the knowledge; raise on the first problem."""
    entry = case.id

    def fail(field: str, problem: str) -> None:
        raise KnowledgeFileError(file, entry, field, problem)

    problems = case_problems(dict(case.findings), k)
    if problems:
        field = f"findings.{problems[0].finding}" if len(problems) == 1 else "findings"
        fail(field, "; ".join(str(p) for p in problems))
    locations = list(k.findings["location"].values or ())
    if case.region not in locations:
        fail("region", f"'{case.region}' is not a location value {locations}")
    if "location" in case.findings and case.findings["location"] != case.region:
        fail("region", f"'{case.region}' differs from the location finding '{case.findings['location']}'")
    a = case.answer
    if a.diagnosis not in k.causes:
        fail("answer.diagnosis", f"'{a.diagnosis}' is not a cause id of causes.yaml")
    for name, values, known, what in (
        ("acceptable", a.acceptable, k.causes, "cause ids of causes.yaml"),
        ("key_workup", a.key_workup, k.step_labels, "workup step ids"),
        ("avoid", a.avoid, k.step_labels, "workup step ids"),
        ("referral", a.referral, k.referral_targets, "referral targets of workup.yaml"),
    ):
        bad = _unknown(values, known)
        if bad:
            fail(f"answer.{name}", f"{bad} not among the {what} {sorted(known)}")
    bad = _unknown(case.sources, k.sources)
    if bad:
        fail("sources", f"{bad} not in sources.yaml")
    cause = k.causes[a.diagnosis]
    title = case.title.lower()
    for giveaway in {cause.name.lower(), cause.short.lower(), a.diagnosis.replace("_", " ")}:
        if giveaway in title:
            fail("title", f"the title gives the diagnosis away ('{giveaway}')")


def _build(path: Path) -> CaseLibrary:
    file = path.name
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeFileError(file, "(file)", "", f"must be a mapping at the top level, not {type(data).__name__}")
    extra = sorted(set(data) - {"version", "cases"})
    if extra:
        raise KnowledgeFileError(file, "(file)", extra[0], "unknown top-level key (allowed: version, cases)")
    if data.get("version") != 1:
        raise KnowledgeFileError(file, "(file)", "version", f"version must be 1, not {data.get('version')!r}")
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise KnowledgeFileError(file, "(file)", "cases", "'cases' must be a non-empty list")
    k = load_knowledge()
    cases: list[TeachingCase] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_cases):
        entry = str(raw.get("id", f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
        if not isinstance(raw, dict):
            raise KnowledgeFileError(file, entry, "(entry)", f"a case must be a mapping, not {type(raw).__name__}")
        try:
            case = TeachingCase.model_validate(raw)
        except ValidationError as err:
            raise validation_error(err, TeachingCase, file, entry) from err
        if case.id in seen:
            raise KnowledgeFileError(file, case.id, "id", "this id is used by two cases")
        seen.add(case.id)
        _check_against_knowledge(case, k, file)
        cases.append(case)
    return CaseLibrary(version=1, cases=tuple(cases))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> CaseLibrary:
    return _build(Path(path))


def load_library(path: str | Path | None = None) -> CaseLibrary:
    """Load and validate the teaching library (default: cases.yaml beside this module).

    Cached per path. Raises `knowledge.KnowledgeFileError` (file, case id, field, problem) on
    any problem: bad YAML, a field of the wrong kind, findings that break the vocabulary, an
    unknown cause, step, referral target or source id, a duplicate id, a region that is not a
    location, or engine_agrees false without an engine_note.
    """
    return _load_cached(str(Path(path) if path is not None else LIBRARY_PATH))


def clear_cache() -> None:
    """Forget loaded libraries (after editing the file, or in tests)."""
    _load_cached.cache_clear()


# --- grading ------------------------------------------------------------------------------------


def grade_guess(case: TeachingCase, guessed_causes: list[str], guessed_triage: str) -> dict[str, Any]:
    """Compare a student's causes and triage with the case's answer; plain data for the UI.

    Returns: `per_guess` (each guessed cause with verdict 'diagnosis', 'acceptable' or 'other'),
    `matched` (guesses that are the diagnosis or acceptable), `unmatched`, `diagnosis_named`,
    `diagnosis_position` (1-based place among the guesses, or None), `acceptable_named`, the
    expected and guessed triage, `triage_verdict` ('match', 'under' or 'over') and the booleans
    `triage_match`, `under_triage`, `over_triage`. Repeated guesses count once.
    Raises ValueError if the guessed triage is not emergency, urgent or routine.
    """
    if guessed_triage not in TRIAGE_RANK:
        msg = f"guessed triage must be one of {list(TRIAGE_RANK)}, not {guessed_triage!r}"
        raise ValueError(msg)
    answer = case.answer
    guesses = list(dict.fromkeys(guessed_causes))
    per_guess = []
    for cause in guesses:
        if cause == answer.diagnosis:
            verdict = "diagnosis"
        elif cause in answer.acceptable:
            verdict = "acceptable"
        else:
            verdict = "other"
        per_guess.append({"cause": cause, "verdict": verdict})
    matched = [g["cause"] for g in per_guess if g["verdict"] != "other"]
    expected, guessed = TRIAGE_RANK[answer.triage], TRIAGE_RANK[guessed_triage]
    verdict = "match" if guessed == expected else ("under" if guessed < expected else "over")
    return {
        "case_id": case.id,
        "diagnosis": answer.diagnosis,
        "acceptable": list(answer.acceptable),
        "per_guess": per_guess,
        "matched": matched,
        "unmatched": [g["cause"] for g in per_guess if g["verdict"] == "other"],
        "diagnosis_named": answer.diagnosis in guesses,
        "diagnosis_position": guesses.index(answer.diagnosis) + 1 if answer.diagnosis in guesses else None,
        "acceptable_named": [g["cause"] for g in per_guess if g["verdict"] == "acceptable"],
        "triage_expected": answer.triage,
        "triage_guessed": guessed_triage,
        "triage_verdict": verdict,
        "triage_match": verdict == "match",
        "under_triage": verdict == "under",
        "over_triage": verdict == "over",
    }
