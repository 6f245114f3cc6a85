"""The clinical hazard log (docs/hazard-log.md) stays honest.

- Every pytest node id the log names as evidence (in backticks, starting with `tests/` and holding
  `::`) is collected by pytest. One `--collect-only` run over the files the log names, in a subprocess.
- Every hazard section (`## HAZ-NN: title`) has every required field, at least one evidence id in its
  Evidence field, severity and likelihoods from the log's scales, and the risk figures the log's own
  matrix gives.
- The knowledge version the log was reviewed against is the one in knowledge/data/VERSION.

It does not run the named tests; `make test` does. Collection takes a few seconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "hazard-log.md"
VERSION_FILE = ROOT / "knowledge" / "data" / "VERSION"

NODE_ID = re.compile(r"`(tests/[^`\s]+?\.py::[^`]+)`")
SECTION = re.compile(r"^## (HAZ-\d{2}): (.+)$", re.MULTILINE)
FIELD = re.compile(r"^- \*\*([^*]+?):\*\*", re.MULTILINE)
REQUIRED_FIELDS = (
    "Hazard", "Causes", "Effect on the patient", "Severity", "Likelihood before controls",
    "Risk before controls", "Controls", "Residual likelihood", "Residual risk", "Open actions", "Evidence",
)
SEVERITIES = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOODS = ("Very high", "High", "Medium", "Low", "Very low")
MATRIX = {  # likelihood -> risk per severity, in SEVERITIES order (the log's risk matrix)
    "Very high": (3, 4, 4, 5, 5),
    "High": (2, 3, 3, 4, 5),
    "Medium": (2, 2, 3, 3, 4),
    "Low": (1, 2, 2, 3, 4),
    "Very low": (1, 1, 2, 2, 3),
}
REQUIRED_HAZARDS = (  # words each brief-named hazard's title must hold (issue 9, item 8)
    "cauda equina", "spinal cord compression", "epidural abscess", "incision and drainage", "necrotising",
    "hernia", "haematoma", "csf leak", "safeguarding", "dysraphism", "sarcoma shelled out", "over-triage",
    "unexamined", "wrong unit", "knowledge version", "read as a diagnosis", "do-not lost", "emergency steps delayed",
)


@dataclass(frozen=True)
class Hazard:
    hid: str
    title: str
    fields: dict[str, str]


def node_ids(text: str) -> list[str]:
    """The pytest node ids named in the text, in order, each once."""
    return list(dict.fromkeys(NODE_ID.findall(text)))


def hazards(text: str) -> list[Hazard]:
    """The hazard sections, each with its fields (label -> text up to the next field)."""
    heads = list(SECTION.finditer(text))
    out = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end():end]
        marks = list(FIELD.finditer(body))
        fields = {}
        for j, m in enumerate(marks):
            stop = marks[j + 1].start() if j + 1 < len(marks) else len(body)
            fields[m.group(1)] = body[m.end():stop].strip()
        out.append(Hazard(head.group(1), head.group(2), fields))
    return out


def missing_ids(named: list[str], collected_output: str) -> list[str]:
    """The named node ids that are not among the collected ones (one per line in `pytest -q --collect-only`)."""
    collected = {line.strip() for line in collected_output.splitlines() if "::" in line}
    return [n for n in named if n not in collected]


def _leading_term(value: str, terms: tuple[str, ...]) -> str | None:
    """The scale term a field's text starts with (longest first, so 'Very low' is not read as 'Low')."""
    for term in sorted(terms, key=len, reverse=True):
        if value.startswith(term):
            return term
    return None


def _leading_int(value: str) -> int | None:
    m = re.match(r"(\d)\b", value)
    return int(m.group(1)) if m else None


def section_problems(h: Hazard) -> list[str]:
    """What is wrong with one hazard section: missing fields, no evidence, off-scale or mis-computed risk."""
    bad = [f"{h.hid}: no '{f}' field" for f in REQUIRED_FIELDS if f not in h.fields]
    bad += [f"{h.hid}: '{f}' is empty" for f in REQUIRED_FIELDS if f in h.fields and not h.fields[f]]
    if bad:
        return bad
    if not node_ids(h.fields["Evidence"]):
        bad.append(f"{h.hid}: the Evidence field names no test node id")
    severity = _leading_term(h.fields["Severity"], SEVERITIES)
    before = _leading_term(h.fields["Likelihood before controls"], LIKELIHOODS)
    after = _leading_term(h.fields["Residual likelihood"], LIKELIHOODS)
    for label, term in (("Severity", severity), ("Likelihood before controls", before), ("Residual likelihood", after)):
        if term is None:
            bad.append(f"{h.hid}: '{label}' does not start with a term of the log's scale")
    if severity is None or before is None or after is None:
        return bad
    col = SEVERITIES.index(severity)
    for label, likelihood in (("Risk before controls", before), ("Residual risk", after)):
        want = MATRIX[likelihood][col]
        got = _leading_int(h.fields[label])
        if got != want:
            bad.append(f"{h.hid}: '{label}' is {got}, the matrix gives {want} for {severity} x {likelihood}")
    if LIKELIHOODS.index(after) < LIKELIHOODS.index(before):
        bad.append(f"{h.hid}: the residual likelihood ({after}) is higher than before controls ({before})")
    return bad


@pytest.fixture(scope="module")
def log_text() -> str:
    return LOG.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def collected(log_text: str) -> str:
    files = sorted({n.split("::", 1)[0] for n in node_ids(log_text)})
    missing_files = [f for f in files if not (ROOT / f).is_file()]
    assert not missing_files, f"the hazard log names test files that do not exist: {missing_files}"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, f"collecting the hazard log's test files failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return proc.stdout


def test_every_evidence_id_is_collected(log_text: str, collected: str) -> None:
    """Each node id the log names exists: a renamed test or a removed example turns this red."""
    named = node_ids(log_text)
    assert len(named) >= 50, "the log should name its evidence as `tests/...::...` node ids"
    missing = missing_ids(named, collected)
    assert not missing, "the hazard log names test ids pytest does not collect:\n" + "\n".join(missing)


def test_every_hazard_has_every_field_and_a_consistent_risk(log_text: str) -> None:
    """Each HAZ section carries every field, evidence, scale terms, and the matrix's risk figures."""
    found = hazards(log_text)
    assert found, "no '## HAZ-NN: title' sections"
    ids = [h.hid for h in found]
    assert ids == [f"HAZ-{i:02d}" for i in range(1, len(ids) + 1)], f"hazard ids must run HAZ-01, HAZ-02, ...: {ids}"
    problems = [p for h in found for p in section_problems(h)]
    assert not problems, "\n".join(problems)


def test_the_hazards_issue_9_names_are_all_there(log_text: str) -> None:
    """The hazards the brief lists each have a section (matched on words in the title)."""
    titles = " | ".join(h.title.lower() for h in hazards(log_text))
    absent = [w for w in REQUIRED_HAZARDS if w not in titles]
    assert not absent, f"no hazard section for: {absent}"


def test_the_log_was_reviewed_against_the_current_knowledge(log_text: str) -> None:
    """A knowledge release moves VERSION; the log must be re-read and its version line moved with it."""
    version = VERSION_FILE.read_text(encoding="utf-8").strip()
    m = re.search(r"^Knowledge version reviewed: (\S+)$", log_text, re.MULTILINE)
    assert m, "the log must say 'Knowledge version reviewed: <version>'"
    assert m.group(1) == version, (
        f"the hazard log was reviewed against knowledge {m.group(1)}, but knowledge/data/VERSION is {version}: "
        "re-read each hazard against the new knowledge, then move the line"
    )


# --- the checks can fail -------------------------------------------------------------------------

SAMPLE = """
Intro naming `tests/knowledge/test_case.py::test_real` outside a section.

## HAZ-01: A made-up hazard

- **Hazard:** x
- **Causes:** x
- **Effect on the patient:** x
- **Severity:** Catastrophic. Worst case.
- **Likelihood before controls:** High.
- **Risk before controls:** 5
- **Controls:** x
- **Residual likelihood:** Very low.
- **Residual risk:** 2
- **Open actions:** None.
- **Evidence:**
  - `tests/knowledge/test_case.py::test_real`
  - `tests/knowledge/test_case.py::test_made_up_for_the_check[0]`

## HAZ-02: A section with a field missing

- **Hazard:** x
- **Evidence:** none given
"""
SAMPLE_COLLECTED = "tests/knowledge/test_case.py::test_real\ntests/knowledge/test_case.py::test_other\n\n2 tests collected in 0.01s\n"


def test_extraction_reads_each_id_once_in_order() -> None:
    assert node_ids(SAMPLE) == ["tests/knowledge/test_case.py::test_real",
                                "tests/knowledge/test_case.py::test_made_up_for_the_check[0]"]
    assert node_ids("`tests/knowledge` and `knowledge/engine.py` and `tests/x.py` are not node ids") == []


def test_a_made_up_id_is_reported_missing() -> None:
    assert missing_ids(node_ids(SAMPLE), SAMPLE_COLLECTED) == ["tests/knowledge/test_case.py::test_made_up_for_the_check[0]"]
    assert missing_ids(["tests/knowledge/test_case.py::test_real"], SAMPLE_COLLECTED) == []


def test_a_wrong_risk_and_a_missing_field_are_reported() -> None:
    first, second = hazards(SAMPLE)
    assert section_problems(first) == ["HAZ-01: 'Residual risk' is 2, the matrix gives 3 for Catastrophic x Very low"]
    problems = section_problems(second)
    assert "HAZ-02: no 'Severity' field" in problems and "HAZ-02: no 'Controls' field" in problems
    no_evidence = Hazard("HAZ-09", "t", {**first.fields, "Evidence": "see the probes"})
    assert section_problems(no_evidence)[0] == "HAZ-09: the Evidence field names no test node id"
