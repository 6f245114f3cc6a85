"""The validation corpus validates against the vocabulary, every citation can be found, ids are unique,
and the split is the fixed rule of validation/README.md."""

from __future__ import annotations

from collections import Counter

import pytest

import knowledge
from validation.corpus import CorpusCase, citation_key, load_corpus, part_of, problems

KB = knowledge.load_knowledge()
CORPUS = load_corpus()


def test_corpus_ids_and_citations_are_unique():
    ids = Counter(c.id for c in CORPUS)
    assert not [i for i, n in ids.items() if n > 1]
    keys = Counter(citation_key(c.citation) for c in CORPUS if c.kind != "textbook_control")
    assert not [k for k, n in keys.items() if n > 1], "a published case is in the corpus twice"


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_case_validates(case: CorpusCase):
    found = list(problems(case, KB))
    assert not found, f"{case.file} {case.id}: " + "; ".join(found)


def test_a_broken_case_is_reported():
    bad = CorpusCase("x1", "t.yaml", {}, "blog", "", {"leg_weaknes": True}, {"diagnosis": "flu", "triage": "soon"})
    found = " | ".join(problems(bad, KB))
    for fragment in ("vc-", "kind", "no doi", "leg_weaknes", "diagnosis", "triage", "basis"):
        assert fragment in found


def test_the_split_is_the_fixed_hash_rule():
    """The rule of README.md on keys whose SHA-256 was looked up by hand: '3' starts with '4' (held out),
    '1' with '6' (development); the key is lower-cased and stripped before hashing."""
    assert part_of({"doi": "10.1/A "}) == part_of({"doi": "10.1/a"})
    assert part_of({"pmid": "3"}) == "held_out"
    assert part_of({"pmid": "1"}) == "development"


def test_the_corpus_has_both_parts_and_the_planned_shape():
    parts = Counter(c.part for c in CORPUS)
    assert parts["held_out"] >= 30 and parts["development"] >= 60
    assert sum(1 for c in CORPUS if isinstance(c.findings.get("age_years"), (int, float)) and c.findings["age_years"] < 18) >= 25
    assert sum(1 for c in CORPUS if c.kind == "textbook_control") >= 20
