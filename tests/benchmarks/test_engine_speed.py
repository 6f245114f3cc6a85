"""Benchmarks of the engine on random valid cases (`make bench`; never part of the default run)."""

from __future__ import annotations

import itertools
import random

import pytest

import knowledge

pytestmark = pytest.mark.benchmark

KB = knowledge.load_knowledge()
N_CASES = 500
SEED = 20261125


def _random_case(rng: random.Random) -> dict:
    """A valid case with a random subset of findings (3 to 25 of them), the way a clinician fills the form."""
    case = {}
    for fid in rng.sample(sorted(KB.findings), rng.randint(3, 25)):
        f = KB.findings[fid]
        if f.type == "boolean":
            case[fid] = rng.random() < 0.3
        elif f.type == "choice":
            case[fid] = rng.choice(f.values)
        else:
            case[fid] = round(rng.uniform(f.min, min(f.max, 80)), 1)
    return case


CASES = [knowledge.parse_case(_random_case(random.Random(SEED + i))) for i in range(N_CASES)]


def test_bench_assess(benchmark):
    """Median time of one `assess`: ranking, red flags, triage and workup. The views built from it on first use
    (next questions, explanations, the safety search) are timed in `test_bench_assess_and_page_views`."""
    cycle = itertools.cycle(CASES)
    benchmark.pedantic(lambda: knowledge.assess(next(cycle)), rounds=5000, iterations=1, warmup_rounds=200)


def _as_the_bedside_page_reads_it(case) -> None:
    """`assess` and the views the bedside page shows on every tap, each computed on first use: the chart's
    causes, the next questions, the explanation of the top cause, the not-yet-asked safety search and the
    findings not examined."""
    a = knowledge.assess(case)
    _ = (a.causes, a.next_questions, a.explanation(a.cause_ids[0]), a.safety_questions, a.unknown_findings)


def test_bench_assess_and_page_views(benchmark):
    """Median time of one `assess` plus every view the bedside page reads from it (the page's engine cost per tap)."""
    cycle = itertools.cycle(CASES)
    benchmark.pedantic(lambda: _as_the_bedside_page_reads_it(next(cycle)), rounds=3000, iterations=1, warmup_rounds=100)


def test_bench_assess_raw_and_json(benchmark):
    """Median time from a raw dict to the full JSON-ready assessment (validation + assess + to_dict)."""
    raws = [dict(c) for c in CASES]
    cycle = itertools.cycle(raws)
    benchmark.pedantic(lambda: knowledge.assess(next(cycle)).to_dict(), rounds=3000, iterations=1, warmup_rounds=100)


def test_bench_parse_case(benchmark):
    """Median time of validating one raw case."""
    raws = [dict(c) for c in CASES]
    cycle = itertools.cycle(raws)
    benchmark.pedantic(lambda: knowledge.parse_case(next(cycle)), rounds=5000, iterations=1, warmup_rounds=200)
