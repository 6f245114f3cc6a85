"""Load the validation corpus, check it against the vocabulary, and split it (fixed rule, README.md).

The split is decided by the case's citation alone (a hash of its DOI, else PMID, else URL), written
down before any model change of issue 10, so no case can choose its own part.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import knowledge

CASES_DIR = Path(__file__).parent / "cases"
HELD_OUT_DIGITS = frozenset("01234")
"""First hex digit of SHA-256(key) that sends a case to the held-out part (5 of 16)."""

Part = Literal["development", "held_out"]


def citation_key(citation: dict[str, Any]) -> str:
    """The DOI, else the PMID, else the URL, lower-cased and stripped ('' if none)."""
    for field in ("doi", "pmid", "url"):
        value = citation.get(field)
        if value:
            return str(value).strip().lower()
    return ""


def part_of(citation: dict[str, Any]) -> Part:
    """Held-out when the first hex digit of SHA-256(key) is 0-4, otherwise development."""
    digest = hashlib.sha256(citation_key(citation).encode("utf-8")).hexdigest()
    return "held_out" if digest[0] in HELD_OUT_DIGITS else "development"


@dataclass(frozen=True)
class CorpusCase:
    """One case of the corpus, as written (see README.md for the fields)."""

    id: str
    file: str
    citation: dict[str, Any]
    kind: str
    summary: str
    findings: dict[str, Any]
    expect: dict[str, Any]

    @property
    def part(self) -> Part:
        return part_of(self.citation)


def load_corpus(directory: Path = CASES_DIR) -> list[CorpusCase]:
    """Every case of every file under cases/, in file then list order."""
    cases = []
    for path in sorted(directory.glob("*.yaml")):
        data = knowledge.read_yaml(path)
        if not isinstance(data, list):
            raise knowledge.KnowledgeFileError(path.name, "(file)", "", "a corpus file is a list of cases")
        for i, raw in enumerate(data):
            entry = raw.get("id", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
            if not isinstance(raw, dict):
                raise knowledge.KnowledgeFileError(path.name, str(entry), "", "a case is a mapping")
            cases.append(CorpusCase(
                id=str(raw.get("id", "")), file=path.name, citation=dict(raw.get("citation") or {}),
                kind=str(raw.get("kind", "")), summary=str(raw.get("summary", "")),
                findings=dict(raw.get("findings") or {}), expect=dict(raw.get("expect") or {}),
            ))
    return cases


def problems(case: CorpusCase, k: knowledge.Knowledge) -> Iterator[str]:
    """Everything wrong with one case against the vocabulary and the schema of README.md."""
    if not case.id.startswith("vc-"):
        yield "id must start with vc-"
    if case.kind not in ("case_report", "case_series_patient", "textbook_control"):
        yield f"kind {case.kind!r} is not case_report, case_series_patient or textbook_control"
    if not citation_key(case.citation):
        yield "the citation has no doi, pmid or url"
    for p in knowledge.case_problems(case.findings, k):
        yield f"findings: {p}"
    e = case.expect
    diagnosis = e.get("diagnosis")
    if diagnosis not in k.causes:
        yield f"expect.diagnosis {diagnosis!r} is not a cause"
    for cid in e.get("acceptable_top") or []:
        if cid not in k.causes:
            yield f"expect.acceptable_top: {cid!r} is not a cause"
    if e.get("triage") not in knowledge.TRIAGE_LEVELS:
        yield f"expect.triage {e.get('triage')!r} is not one of {knowledge.TRIAGE_LEVELS}"
    for step in e.get("key_workup") or []:
        if step not in k.step_labels:
            yield f"expect.key_workup: {step!r} is not a workup step"
    for target in e.get("referral") or []:
        if target not in k.referral_targets:
            yield f"expect.referral: {target!r} is not a referral target"
    if not str(e.get("basis", "")).strip():
        yield "expect.basis is empty: say why this triage and workup"
