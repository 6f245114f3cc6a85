"""The teaching case library: it loads, covers the causes, triage levels and regions, and agrees with the engine.

Every expectation in casebook/cases.yaml was written from the evidence brief before the
engine was run. A case marked `engine_agrees: false` is one whose point is that the ranking
misleads: for those only the red-flag side (triage) and the work-up are checked, and the
diagnosis must not be ranked first.
"""

from __future__ import annotations

import copy
import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import knowledge
from casebook import (
    LIBRARY_PATH,
    CaseLibrary,
    TeachingCase,
    clear_cache,
    grade_guess,
    load_library,
)
from knowledge import KnowledgeFileError, assess, case_problems, load_knowledge

MIN_CASES = 26
MIN_PER_TRIAGE = 4
MIN_PER_REGION = 2
MIN_CANT_MISS_TRICKY = 6


def _case_ids(*, agrees: bool | None = None) -> list[str]:
    try:
        library = load_library()
    except KnowledgeFileError:
        return []  # test_library_loads reports the problem
    return [c.id for c in library.cases if agrees is None or c.engine_agrees is agrees]


@pytest.fixture(scope="module")
def library() -> CaseLibrary:
    """The shipped teaching library."""
    return load_library()


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return load_knowledge()


@functools.cache
def _assessment(case_id: str) -> knowledge.Assessment:
    case = load_library().get(case_id)
    assert case is not None
    return assess(dict(case.findings))


def _path_steps(a: knowledge.Assessment) -> set[str]:
    return {w["step"] for w in a.workup}


def _referrals(a: knowledge.Assessment) -> set[str]:
    return {w["to"] for w in a.workup if w["step"] == "referral"}


# --- the library as a whole ---------------------------------------------------------------------


def test_library_loads(library: CaseLibrary) -> None:
    """The shipped library loads and validates without error."""
    assert isinstance(library, CaseLibrary)
    assert library.version == 1


def test_enough_cases(library: CaseLibrary) -> None:
    """The library holds at least 26 cases."""
    assert len(library.cases) >= MIN_CASES


def test_ids_unique_and_lookup(library: CaseLibrary) -> None:
    """Every id is unique and `get` returns the case with that id, or None for an unknown id."""
    assert len(set(library.ids)) == len(library.ids)
    for case in library.cases:
        assert library.get(case.id) is case
    assert library.get("tc-no-such-case") is None


def test_every_cause_is_a_diagnosis(library: CaseLibrary, kb: knowledge.Knowledge) -> None:
    """Every cause except `other` is the diagnosis of at least one case."""
    counts = Counter(c.answer.diagnosis for c in library.cases)
    missing = [cid for cid in kb.cause_ids if cid != "other" and counts[cid] == 0]
    assert not missing, f"causes never used as a diagnosis: {missing}"


def test_every_triage_level_often_enough(library: CaseLibrary) -> None:
    """Each triage level (emergency, urgent, routine) is the answer of at least four cases."""
    counts = Counter(c.answer.triage for c in library.cases)
    for level in ("emergency", "urgent", "routine"):
        assert counts[level] >= MIN_PER_TRIAGE, f"{level}: only {counts[level]} cases"


def test_every_region_at_least_twice(library: CaseLibrary, kb: knowledge.Knowledge) -> None:
    """Each location value of the vocabulary is the region of at least two cases."""
    counts = Counter(c.region for c in library.cases)
    for region in kb.findings["location"].values or ():
        assert counts[region] >= MIN_PER_REGION, f"{region}: only {counts[region]} cases"


def test_all_difficulties_present(library: CaseLibrary) -> None:
    """Easy, medium and hard cases are all present."""
    assert {c.difficulty for c in library.cases} == {"easy", "medium", "hard"}


def test_enough_cant_miss_cases_that_are_not_easy(library: CaseLibrary, kb: knowledge.Knowledge) -> None:
    """At least six cases have a can't-miss diagnosis and are of medium or hard difficulty."""
    tricky = [c.id for c in library.cases if kb.causes[c.answer.diagnosis].cant_miss and c.difficulty in ("medium", "hard")]
    assert len(tricky) >= MIN_CANT_MISS_TRICKY, tricky


def test_some_examinations_are_partial(library: CaseLibrary, kb: knowledge.Knowledge) -> None:
    """Cases leave findings unexamined, and at least a few leave out size, depth or consistency."""
    assert all(len(c.findings) < len(kb.findings) for c in library.cases)
    partial = [c.id for c in library.cases if not {"size_cm", "depth", "consistency"} <= set(c.findings)]
    assert len(partial) >= 3, partial


def test_titles_do_not_give_the_diagnosis_away(library: CaseLibrary, kb: knowledge.Knowledge) -> None:
    """No title contains the name or short name of its own diagnosis."""
    for case in library.cases:
        cause = kb.causes[case.answer.diagnosis]
        for word in (cause.name.lower(), cause.short.lower(), case.answer.diagnosis.replace("_", " ")):
            assert word not in case.title.lower(), case.id


def test_disagreeing_cases_explain_themselves(library: CaseLibrary) -> None:
    """Every case with engine_agrees false carries a note for the student."""
    for case in library.cases:
        if not case.engine_agrees:
            assert len(case.engine_note.strip()) > 40, case.id


def test_filter_by_difficulty_and_region(library: CaseLibrary) -> None:
    """`filter` keeps the file order and returns exactly the cases matching both criteria."""
    assert library.filter() == list(library.cases)
    hard = library.filter(difficulty="hard")
    assert hard and all(c.difficulty == "hard" for c in hard)
    flank = library.filter(region="flank")
    assert flank and all(c.region == "flank" for c in flank)
    both = library.filter(difficulty="medium", region="flank")
    assert both == [c for c in library.cases if c.difficulty == "medium" and c.region == "flank"]
    assert library.filter(region="no_such_region") == []


def test_loading_is_cached() -> None:
    """A second load of the same path returns the same object."""
    assert load_library() is load_library(LIBRARY_PATH)


def test_findings_are_read_only(library: CaseLibrary) -> None:
    """The cached cases cannot be changed by a caller."""
    case = library.cases[0]
    with pytest.raises(TypeError):
        case.findings["age_years"] = 99  # type: ignore[index]
    with pytest.raises(ValueError, match="frozen"):
        case.title = "changed"  # type: ignore[misc]


# --- every case against the vocabulary and the engine -------------------------------------------


@pytest.mark.parametrize("case_id", _case_ids())
def test_case_findings_validate(case_id: str) -> None:
    """The case's findings break no rule of the vocabulary."""
    case = load_library().get(case_id)
    assert case is not None
    assert case_problems(dict(case.findings)) == []


@pytest.mark.parametrize("case_id", _case_ids(agrees=True))
def test_engine_agrees(case_id: str) -> None:
    """Triage matches, the diagnosis is in the top three, and the work-up holds the expected steps and referrals."""
    case = load_library().get(case_id)
    assert case is not None
    a = _assessment(case_id)
    answer = case.answer
    assert a.triage == answer.triage, f"red flags: {[f['id'] for f in a.red_flags]}"
    assert answer.diagnosis in a.cause_ids[:3], f"top 3: {a.cause_ids[:3]}"
    _check_workup(case, a)


@pytest.mark.parametrize("case_id", _case_ids(agrees=False))
def test_engine_disagrees_as_intended(case_id: str) -> None:
    """Triage still matches (red flags do not depend on the ranking) but the diagnosis is not ranked first."""
    case = load_library().get(case_id)
    assert case is not None
    a = _assessment(case_id)
    assert a.triage == case.answer.triage, f"red flags: {[f['id'] for f in a.red_flags]}"
    assert a.cause_ids[0] != case.answer.diagnosis, "the engine now ranks the diagnosis first: set engine_agrees to true"
    _check_workup(case, a)


def _check_workup(case: TeachingCase, a: knowledge.Assessment) -> None:
    steps = _path_steps(a)
    answer = case.answer
    missing = [s for s in answer.key_workup if s not in steps]
    assert not missing, f"key steps missing from the path {sorted(steps)}: {missing}"
    present = [s for s in answer.avoid if s in steps]
    assert not present, f"steps to avoid are in the path: {present}"
    targets = _referrals(a)
    absent = [t for t in answer.referral if t not in targets]
    assert not absent, f"referrals missing (have {sorted(targets)}): {absent}"


# --- broken libraries ---------------------------------------------------------------------------


def _raw() -> dict[str, Any]:
    return yaml.safe_load(LIBRARY_PATH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Start and end the test with an empty library cache."""
    clear_cache()
    yield
    clear_cache()


def _break_unknown_finding(c: dict[str, Any]) -> None:
    c["findings"]["lump_colour"] = "blue"


def _break_triage(c: dict[str, Any]) -> None:
    c["answer"]["triage"] = "soon"


def _break_source(c: dict[str, Any]) -> None:
    c["sources"].append("made_up_source_2099")


def _break_finding_value(c: dict[str, Any]) -> None:
    c["findings"]["age_years"] = 500


def _break_diagnosis(c: dict[str, Any]) -> None:
    c["answer"]["diagnosis"] = "gout"


def _break_acceptable(c: dict[str, Any]) -> None:
    c["answer"]["acceptable"] = ["lipomaa"]


def _break_step(c: dict[str, Any]) -> None:
    c["answer"]["key_workup"] = ["pet_scan"]


def _break_avoid(c: dict[str, Any]) -> None:
    c["answer"]["avoid"] = ["laser"]


def _break_referral(c: dict[str, Any]) -> None:
    c["answer"]["referral"] = ["plastic_surgery"]


def _break_region(c: dict[str, Any]) -> None:
    c["region"] = "shoulder"


def _break_engine_note(c: dict[str, Any]) -> None:
    c["engine_agrees"] = False
    c["engine_note"] = ""


def _break_difficulty(c: dict[str, Any]) -> None:
    c["difficulty"] = "expert"


def _break_extra_field(c: dict[str, Any]) -> None:
    c["hint"] = "think of hair"


def _break_engine_agrees_text(c: dict[str, Any]) -> None:
    c["engine_agrees"] = "yes"


BREAKS = [
    pytest.param(_break_unknown_finding, "findings.lump_colour", "unknown finding", id="unknown-finding"),
    pytest.param(_break_finding_value, "findings.age_years", "above", id="finding-out-of-range"),
    pytest.param(_break_triage, "answer.triage", "emergency", id="bad-triage"),
    pytest.param(_break_source, "sources", "made_up_source_2099", id="unknown-source"),
    pytest.param(_break_diagnosis, "answer.diagnosis", "gout", id="unknown-diagnosis"),
    pytest.param(_break_acceptable, "answer.acceptable", "lipomaa", id="unknown-acceptable"),
    pytest.param(_break_step, "answer.key_workup", "pet_scan", id="unknown-step"),
    pytest.param(_break_avoid, "answer.avoid", "laser", id="unknown-avoid-step"),
    pytest.param(_break_referral, "answer.referral", "plastic_surgery", id="unknown-referral"),
    pytest.param(_break_region, "region", "shoulder", id="region-not-a-location"),
    pytest.param(_break_engine_note, "(entry)", "engine_note", id="disagree-without-note"),
    pytest.param(_break_difficulty, "difficulty", "easy", id="bad-difficulty"),
    pytest.param(_break_extra_field, "hint", "unknown field", id="extra-field"),
    pytest.param(_break_engine_agrees_text, "engine_agrees", "boolean", id="engine-agrees-not-boolean"),
]


@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize(("breaker", "field", "words"), BREAKS)
def test_broken_case_is_named(tmp_path: Path, breaker: Any, field: str, words: str) -> None:
    """A corrupted case raises KnowledgeFileError naming the file, the case id and the field."""
    data = _raw()
    target = data["cases"][1]
    breaker(target)
    path = _write(tmp_path, "broken_cases.yaml", data)
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    err = info.value
    assert err.file == "broken_cases.yaml"
    assert err.entry == target["id"]
    assert err.field == field
    assert words.lower() in err.problem.lower()
    assert "broken_cases.yaml" in str(err)
    assert target["id"] in str(err)


@pytest.mark.usefixtures("fresh_cache")
def test_several_finding_problems_are_all_named(tmp_path: Path) -> None:
    """When a case has several bad findings, the error names each of them."""
    data = _raw()
    target = data["cases"][0]
    target["findings"]["lump_colour"] = "blue"
    target["findings"]["tender"] = "yes"
    path = _write(tmp_path, "two_problems.yaml", data)
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    err = info.value
    assert (err.file, err.entry, err.field) == ("two_problems.yaml", target["id"], "findings")
    assert "lump_colour" in err.problem
    assert "tender" in err.problem


@pytest.mark.usefixtures("fresh_cache")
def test_duplicate_id_is_named(tmp_path: Path) -> None:
    """Two cases with the same id raise an error naming the id and the field `id`."""
    data = _raw()
    twin = copy.deepcopy(data["cases"][0])
    data["cases"].append(twin)
    path = _write(tmp_path, "duplicate.yaml", data)
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    err = info.value
    assert (err.file, err.entry, err.field) == ("duplicate.yaml", twin["id"], "id")


@pytest.mark.usefixtures("fresh_cache")
def test_title_giving_away_the_diagnosis_is_refused(tmp_path: Path) -> None:
    """A title that names its own diagnosis is refused, naming the field `title`."""
    data = _raw()
    target = next(c for c in data["cases"] if c["answer"]["diagnosis"] == "lipoma")
    target["title"] = "A lipoma on the back"
    path = _write(tmp_path, "giveaway.yaml", data)
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    assert (info.value.entry, info.value.field) == (target["id"], "title")


@pytest.mark.usefixtures("fresh_cache")
def test_key_given_twice_is_refused(tmp_path: Path) -> None:
    """A YAML key given twice in one mapping is an error, not a silent overwrite."""
    text = LIBRARY_PATH.read_text(encoding="utf-8").replace("    difficulty: easy\n", "    difficulty: easy\n    difficulty: hard\n", 1)
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    assert info.value.file == "twice.yaml"
    assert "twice" in info.value.problem


@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize(
    ("content", "field"),
    [
        pytest.param("version: 2\ncases: []\n", "version", id="wrong-version"),
        pytest.param("version: 1\ncases: []\n", "cases", id="no-cases"),
        pytest.param("- just a list\n", "", id="not-a-mapping"),
        pytest.param("version: 1\ncases: [\n", "", id="not-yaml"),
    ],
)
def test_broken_file_is_named(tmp_path: Path, content: str, field: str) -> None:
    """A file that is not a valid library at the top level is named, with the field when there is one."""
    path = tmp_path / "top.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnowledgeFileError) as info:
        load_library(path)
    assert (info.value.file, info.value.entry, info.value.field) == ("top.yaml", "(file)", field)


@pytest.mark.usefixtures("fresh_cache")
def test_missing_file_is_named(tmp_path: Path) -> None:
    """A library path that does not exist raises KnowledgeFileError naming the file."""
    with pytest.raises(KnowledgeFileError) as info:
        load_library(tmp_path / "absent.yaml")
    assert info.value.file == "absent.yaml"


# --- grading a guess -----------------------------------------------------------------------------


@pytest.fixture
def pilonidal(library: CaseLibrary) -> TeachingCase:
    """The first pilonidal case: diagnosis pilonidal_disease, abscess acceptable, triage urgent."""
    case = library.get("tc-pilonidal-first-abscess")
    assert case is not None
    return case


def test_grade_exact_answer(pilonidal: TeachingCase) -> None:
    """Naming the diagnosis first with the right triage is a full match."""
    g = grade_guess(pilonidal, ["pilonidal_disease"], "urgent")
    assert g["diagnosis_named"] is True
    assert g["diagnosis_position"] == 1
    assert g["matched"] == ["pilonidal_disease"]
    assert g["unmatched"] == []
    assert g["triage_verdict"] == "match"
    assert (g["triage_match"], g["under_triage"], g["over_triage"]) == (True, False, False)


def test_grade_acceptable_and_wrong_guesses(pilonidal: TeachingCase) -> None:
    """Each guessed cause is marked diagnosis, acceptable or other, in the order given, repeats once."""
    g = grade_guess(pilonidal, ["abscess", "lipoma", "pilonidal_disease", "abscess"], "urgent")
    assert g["per_guess"] == [
        {"cause": "abscess", "verdict": "acceptable"},
        {"cause": "lipoma", "verdict": "other"},
        {"cause": "pilonidal_disease", "verdict": "diagnosis"},
    ]
    assert g["matched"] == ["abscess", "pilonidal_disease"]
    assert g["acceptable_named"] == ["abscess"]
    assert g["unmatched"] == ["lipoma"]
    assert g["diagnosis_position"] == 3


def test_grade_diagnosis_missed(pilonidal: TeachingCase) -> None:
    """Guessing only an acceptable cause does not count as naming the diagnosis."""
    g = grade_guess(pilonidal, ["abscess"], "urgent")
    assert g["diagnosis_named"] is False
    assert g["diagnosis_position"] is None
    assert g["matched"] == ["abscess"]


def test_grade_under_and_over_triage(pilonidal: TeachingCase) -> None:
    """A less urgent guess is under-triage and a more urgent one over-triage."""
    under = grade_guess(pilonidal, [], "routine")
    assert under["triage_verdict"] == "under"
    assert (under["triage_match"], under["under_triage"], under["over_triage"]) == (False, True, False)
    over = grade_guess(pilonidal, [], "emergency")
    assert over["triage_verdict"] == "over"
    assert (over["triage_match"], over["under_triage"], over["over_triage"]) == (False, False, True)
    assert under["diagnosis_named"] is False
    assert under["per_guess"] == []


def test_grade_rejects_unknown_triage(pilonidal: TeachingCase) -> None:
    """A triage that is not emergency, urgent or routine is a ValueError."""
    with pytest.raises(ValueError, match="triage"):
        grade_guess(pilonidal, ["abscess"], "soon")


def test_grade_is_plain_data(library: CaseLibrary) -> None:
    """The grade of every case is made of plain lists, strings, booleans, numbers and None."""
    for case in library.cases:
        g = grade_guess(case, [case.answer.diagnosis, "other"], case.answer.triage)
        assert g["triage_match"] and g["diagnosis_named"]
        assert yaml.safe_load(yaml.safe_dump(g)) == g
