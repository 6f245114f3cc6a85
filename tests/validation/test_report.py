"""The validation report's arithmetic on a small fixed corpus with known answers."""

from __future__ import annotations

import pytest

from validation.corpus import CorpusCase
from validation.report import Rate, Scored, brier, figures, reliability, top3_hit, wilson


def _case(cid: str, diagnosis: str, triage: str, acceptable=(), key_workup=(), referral=()) -> CorpusCase:
    return CorpusCase(cid, "t.yaml", {"pmid": cid}, "case_report", "", {}, {
        "diagnosis": diagnosis, "acceptable_top": list(acceptable), "triage": triage,
        "key_workup": list(key_workup), "referral": list(referral), "basis": "test"})


def _scored(case: CorpusCase, probs: dict[str, float], triage: str, steps=(), targets=()) -> Scored:
    ranked = tuple(sorted(probs, key=lambda c: -probs[c]))
    return Scored(case, ranked, probs, triage, frozenset(steps), frozenset(targets))


def test_wilson_interval_known_values():
    """Wilson 95% for 8/10 is 0.490-0.943; for 0/5 it is 0-0.434; 5/5 is 0.566-1 (textbook values)."""
    assert wilson(8, 10) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert wilson(0, 5) == pytest.approx((0.0, 0.4345), abs=1e-4)
    assert wilson(5, 5) == pytest.approx((0.5655, 1.0), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    assert Rate(3, 4).text().startswith("0.75 (") and "3/4" in Rate(3, 4).text()


def test_figures_on_a_fixed_corpus():
    a = _scored(_case("1", "lipoma", "routine", key_workup=["observe"]), {"lipoma": 0.7, "abscess": 0.2, "other": 0.1}, "routine", ["observe"])
    b = _scored(_case("2", "abscess", "urgent"), {"lipoma": 0.6, "abscess": 0.3, "other": 0.1}, "routine")
    c = _scored(_case("3", "other", "emergency", acceptable=["abscess"], referral=["emergency_department"]),
                {"lipoma": 0.5, "other": 0.3, "abscess": 0.2}, "emergency", ["referral"], ["emergency_department"])
    d = _scored(_case("4", "lipoma", "routine"), {"abscess": 0.9, "lipoma": 0.05, "other": 0.05}, "urgent")
    # e: a sarcoma ranked fourth behind lipoma, which its answer accepts as the top cause
    e = _scored(_case("5", "soft_tissue_sarcoma", "urgent", acceptable=["lipoma"]),
                {"lipoma": 0.5, "abscess": 0.2, "other": 0.2, "soft_tissue_sarcoma": 0.1}, "urgent")
    f = figures([a, b, c, d, e])
    assert (f.top1.hits, f.top1.n) == (2, 5)            # a and e rank an acceptable cause first
    assert (f.top1_diagnosis.hits, f.top1_diagnosis.n) == (1, 5)    # only a ranks the diagnosis itself first
    assert (f.top3.hits, f.top3.n) == (4, 5)            # e's sarcoma is fourth: an accepted lipoma does not stand in
    assert (f.top3_acceptable.hits, f.top3_acceptable.n) == (5, 5)
    assert (f.emergency_recall.hits, f.emergency_recall.n) == (1, 1)
    assert (f.urgent_recall.hits, f.urgent_recall.n) == (2, 3)      # b under-triaged
    assert (f.overtriage.hits, f.overtriage.n) == (1, 4)            # d over-triaged; c is an emergency
    assert (f.workup.hits, f.workup.n) == (5, 5)
    assert (f.per_cause["lipoma"].hits, f.per_cause["lipoma"].n) == (2, 2)
    assert (f.per_cause["soft_tissue_sarcoma"].hits, f.per_cause["soft_tissue_sarcoma"].n) == (0, 1)
    # Brier: a (0.3^2+0.2^2+0.1^2)=0.14; b (0.6^2+0.7^2+0.1^2)=0.86; c (0.5^2+0.7^2+0.2^2)=0.78;
    # d (0.9^2+0.95^2+0.05^2)=1.715; mean 3.495/4
    assert brier([a, b, c, d]) == pytest.approx(3.495 / 4)


def test_top3_for_a_diagnosis_outside_the_knowledge_counts_other_or_an_accepted_cause():
    """A final diagnosis the knowledge does not hold (`other`) is found in the top three through `other`
    itself or an accepted alternative, and missed when neither is there."""
    via_other = _scored(_case("1", "other", "urgent"), {"lipoma": 0.5, "abscess": 0.3, "other": 0.2}, "urgent")
    via_alternative = _scored(_case("2", "other", "urgent", acceptable=["abscess"]),
                              {"lipoma": 0.5, "abscess": 0.3, "keloid": 0.15, "other": 0.05}, "urgent")
    missed = _scored(_case("3", "other", "urgent", acceptable=["abscess"]),
                     {"lipoma": 0.5, "keloid": 0.3, "hematoma": 0.15, "abscess": 0.04, "other": 0.01}, "urgent")
    assert [top3_hit(s) for s in (via_other, via_alternative, missed)] == [True, True, False]


def test_reliability_bins():
    a = _scored(_case("1", "lipoma", "routine"), {"lipoma": 0.75, "abscess": 0.25}, "routine")
    b = _scored(_case("2", "abscess", "routine"), {"lipoma": 0.71, "abscess": 0.29}, "routine")
    bins = reliability([a, b])
    # bin 2 (0.2-0.3): 0.25 (no) and 0.29 (yes); bin 7 (0.7-0.8): 0.75 (yes) and 0.71 (no)
    assert bins == [pytest.approx((0.27, 0.5, 2)), pytest.approx((0.73, 0.5, 2))]


def test_summary_is_current_and_matches_a_fresh_score():
    """validation/report/summary.json (shown on the Knowledge and sources page) was written for the current
    knowledge version and corpus: its figures equal a fresh scoring (run `make validate` after any change)."""
    import json

    import knowledge
    from validation.corpus import load_corpus
    from validation.report import REPORT_DIR, figures, score, summary

    saved = json.loads((REPORT_DIR / "summary.json").read_text(encoding="utf-8"))
    k = knowledge.load_knowledge()
    corpus = load_corpus()
    scored = score(corpus, k)
    parts = {name: figures([s for s in scored if s.case.part == name]) for name in ("development", "held_out")}
    under_18 = sum(1 for c in corpus if isinstance(c.findings.get("age_years"), (int, float)) and c.findings["age_years"] < 18)
    fresh = json.loads(json.dumps(summary(parts, k.version, len(corpus), under_18)))
    assert saved["knowledge_version"] == k.version, "summary.json is stale: run `make validate`"
    assert saved == fresh, "summary.json differs from a fresh score: run `make validate`"


def test_summary_holds_rates_with_intervals():
    from validation.report import summary

    a = _scored(_case("1", "lipoma", "routine"), {"lipoma": 0.7, "other": 0.3}, "routine")
    b = _scored(_case("2", "abscess", "urgent"), {"lipoma": 0.6, "abscess": 0.4}, "routine")
    s = summary({"development": figures([a, b]), "held_out": figures([])}, "9.9.9", 2, 0)
    top1 = s["parts"]["development"]["top1"]
    assert (top1["hits"], top1["n"], top1["value"]) == (1, 2, 0.5)
    assert (top1["low"], top1["high"]) == pytest.approx(wilson(1, 2), abs=1e-4)
    assert s["parts"]["held_out"]["top1"] == {"value": None, "hits": 0, "n": 0, "low": None, "high": None}
    assert s["knowledge_version"] == "9.9.9" and s["cases"] == 2


def test_the_shared_vocabulary_what_if_keeps_only_the_shared_findings():
    """`--shared-vocabulary` scores each case with only the findings of the shared vocabulary: a project
    finding (low blood pressure) is dropped, a shared one (fever) kept, and the case is otherwise the same;
    here the emergency the project finding gave is lost, which is what the what-if measures."""
    import knowledge
    from validation.report import shared_vocabulary_only

    k = knowledge.load_knowledge()
    case = CorpusCase("x", "t.yaml", {"pmid": "x"}, "case_report", "", {"fever": True, "location": "natal_cleft",
                      "hypotension": True}, {"diagnosis": "abscess", "triage": "emergency", "basis": "test"})
    assert k.findings["hypotension"].origin == "project" and k.findings["fever"].origin == "spec"
    kept = shared_vocabulary_only(case, k)
    assert kept.findings == {"fever": True, "location": "natal_cleft"}
    assert (kept.id, kept.expect, kept.citation) == (case.id, case.expect, case.citation)
    assert knowledge.assess(case.findings, k).triage == "emergency"
    assert knowledge.assess(kept.findings, k).triage != "emergency"
