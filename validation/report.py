"""Score the engine on the validation corpus and write a report (markdown and a calibration plot).

`python -m validation.report` (or `make validate`) writes validation/report/report.md,
validation/report/calibration.svg and validation/report/summary.json (the headline figures and the
knowledge version they were measured on, which the Knowledge and sources page shows): for the development and the held-out part separately, top-1,
top-3, emergency and urgent recall, over-triage and workup, each with its 95% Wilson interval and
its denominator; per-cause top-3 sensitivity; the Brier score; and a reliability diagram. The
arithmetic lives in small functions tested on a fixed corpus with known answers
(tests/validation/test_report.py).
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import knowledge
from validation.corpus import CorpusCase, load_corpus

LEVEL = {level: rank for rank, level in enumerate(knowledge.TRIAGE_LEVELS)}
REPORT_DIR = Path(__file__).parent / "report"
Z95 = 1.959963984540054


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    """A proportion with its denominator and 95% Wilson interval."""

    hits: int
    n: int

    @property
    def value(self) -> float:
        return self.hits / self.n if self.n else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.n)

    def text(self) -> str:
        if not self.n:
            return "n/a (0 cases)"
        lo, hi = self.interval
        return f"{self.value:.2f} ({lo:.2f}-{hi:.2f}; {self.hits}/{self.n})"


@dataclass(frozen=True)
class Scored:
    """One case's outcome."""

    case: CorpusCase
    ranked: tuple[str, ...]
    probabilities: dict[str, float]
    triage: str
    steps: frozenset[str]
    targets: frozenset[str]


def acceptable(case: CorpusCase) -> set[str]:
    """Causes accepted as the top cause: the diagnosis and the listed acceptable ones."""
    return {case.expect["diagnosis"], *(case.expect.get("acceptable_top") or [])}


def top1_hit(s: Scored) -> bool:
    """The cause ranked first is one the expected answer accepts as the top cause."""
    return s.ranked[0] in acceptable(s.case)


def _diagnosis_found(s: Scored, among: int) -> bool:
    truth = s.case.expect["diagnosis"]
    wanted = acceptable(s.case) if truth == "other" else {truth}  # acceptable() holds the diagnosis itself
    return bool(wanted & set(s.ranked[:among]))


def top1_diagnosis_hit(s: Scored) -> bool:
    """The final diagnosis itself ranked first (for `other`, `other` or an accepted cause): a stricter
    second figure beside top-1, which also accepts a listed alternative."""
    return _diagnosis_found(s, 1)


def top3_hit(s: Scored) -> bool:
    """The final diagnosis in the top three (for `other`, which the ranking holds only as a remainder,
    `other` itself or any acceptable cause). A listed alternative does not stand in for the diagnosis:
    a sarcoma ranked fourth behind lipoma is a miss even though lipoma is acceptable as the top cause."""
    return _diagnosis_found(s, 3)


def top3_acceptable_hit(s: Scored) -> bool:
    """Any cause acceptable as the top cause in the top three: the looser count the report used as
    its top-3 up to knowledge 2026.11.27, kept as a second figure so earlier rows can be compared."""
    return bool(acceptable(s.case) & set(s.ranked[:3]))


def workup_hit(s: Scored) -> bool:
    e = s.case.expect
    return set(e.get("key_workup") or []) <= s.steps and set(e.get("referral") or []) <= s.targets


def brier(scored: Iterable[Scored]) -> float:
    """Mean over cases of the sum over causes of (p - outcome)^2, the outcome being the diagnosis."""
    total, n = 0.0, 0
    for s in scored:
        truth = s.case.expect["diagnosis"]
        total += sum((p - (1.0 if cid == truth else 0.0)) ** 2 for cid, p in s.probabilities.items())
        n += 1
    return total / n if n else float("nan")


def reliability(scored: Iterable[Scored], bins: int = 10) -> list[tuple[float, float, int]]:
    """For each probability bin that holds predictions: (mean predicted, observed frequency, count),
    over every (case, cause) pair, the outcome being that the cause is the diagnosis."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for s in scored:
        truth = s.case.expect["diagnosis"]
        for cid, p in s.probabilities.items():
            b = min(int(p * bins), bins - 1)
            sums[b][0] += p
            sums[b][1] += 1.0 if cid == truth else 0.0
            sums[b][2] += 1
    return [(v[0] / v[2], v[1] / v[2], int(v[2])) for _, v in sorted(sums.items())]


@dataclass(frozen=True)
class PartFigures:
    """Every figure of one part of the corpus."""

    n: int
    top1: Rate
    top1_diagnosis: Rate
    top3: Rate
    top3_acceptable: Rate
    emergency_recall: Rate
    urgent_recall: Rate
    overtriage: Rate
    workup: Rate
    brier: float
    per_cause: dict[str, Rate]
    reliability: list[tuple[float, float, int]]


def figures(scored: Sequence[Scored]) -> PartFigures:
    emerg = [s for s in scored if s.case.expect["triage"] == "emergency"]
    urgent = [s for s in scored if LEVEL[s.case.expect["triage"]] >= 1]
    calm = [s for s in scored if s.case.expect["triage"] != "emergency"]
    per_cause: dict[str, list[bool]] = defaultdict(list)
    for s in scored:
        per_cause[s.case.expect["diagnosis"]].append(top3_hit(s))
    return PartFigures(
        n=len(scored),
        top1=Rate(sum(map(top1_hit, scored)), len(scored)),
        top1_diagnosis=Rate(sum(map(top1_diagnosis_hit, scored)), len(scored)),
        top3=Rate(sum(map(top3_hit, scored)), len(scored)),
        top3_acceptable=Rate(sum(map(top3_acceptable_hit, scored)), len(scored)),
        emergency_recall=Rate(sum(s.triage == "emergency" for s in emerg), len(emerg)),
        urgent_recall=Rate(sum(LEVEL[s.triage] >= 1 for s in urgent), len(urgent)),
        overtriage=Rate(sum(LEVEL[s.triage] > LEVEL[s.case.expect["triage"]] for s in calm), len(calm)),
        workup=Rate(sum(map(workup_hit, scored)), len(scored)),
        brier=brier(scored),
        per_cause={cid: Rate(sum(v), len(v)) for cid, v in sorted(per_cause.items())},
        reliability=reliability(scored),
    )


def score(cases: Iterable[CorpusCase], k: knowledge.Knowledge) -> list[Scored]:
    out = []
    for case in cases:
        a = knowledge.assess(case.findings, k)
        out.append(Scored(case, a.cause_ids, dict(zip(a.cause_ids, a.probabilities, strict=True)), a.triage,
                          frozenset(w.step for w in a.workup), frozenset(w.to for w in a.workup if w.to)))
    return out


def calibration_svg(parts: dict[str, PartFigures], size: int = 360) -> str:
    """A reliability diagram (predicted against observed, one series per part) as a small SVG."""
    pad = 40
    span = size - 2 * pad

    def xy(p: float, o: float) -> tuple[float, float]:
        return pad + p * span, size - pad - o * span

    colours = {"development": "#0B3D91", "held_out": "#A63A00"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" font-family="sans-serif" font-size="11">',
           f'<rect width="{size}" height="{size}" fill="white"/>',
           f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{pad}" stroke="#999" stroke-dasharray="4 3"/>',
           f'<line x1="{pad}" y1="{size - pad}" x2="{size - pad}" y2="{size - pad}" stroke="black"/>',
           f'<line x1="{pad}" y1="{size - pad}" x2="{pad}" y2="{pad}" stroke="black"/>',
           f'<text x="{size / 2}" y="{size - 8}" text-anchor="middle">predicted probability</text>',
           f'<text x="12" y="{size / 2}" transform="rotate(-90 12 {size / 2})" text-anchor="middle">observed frequency</text>']
    for i, (name, fig) in enumerate(parts.items()):
        colour = colours.get(name, "black")
        points = [xy(p, o) for p, o, _ in fig.reliability]
        if points:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}"/>')
        for (x, y), (_, _, n) in zip(points, fig.reliability, strict=True):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{2 + min(6, math.log10(n + 1) * 2):.1f}" fill="{colour}"/>')
        out.append(f'<text x="{pad + 6}" y="{pad + 14 + 14 * i}" fill="{colour}">{name.replace("_", "-")} (n={fig.n})</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def report_markdown(parts: dict[str, PartFigures], version: str, n_total: int) -> str:
    lines = [f"# Validation report: knowledge {version}", "",
             f"{n_total} cases: published case reports of a lump of the lower back and textbook controls "
             "(validation/cases). Each rate with its 95% Wilson interval and its denominator. "
             "The held-out part is looked at only to report; no number was chosen on it.", "",
             "Top-1 counts a case when the cause ranked first is one its expected answer accepts as the top "
             "cause (the final diagnosis or a listed alternative a clinician could fairly lead with). Top-3 "
             "counts it only when the final diagnosis itself is among the three causes ranked highest (for a "
             "diagnosis outside the knowledge, `other` or an accepted alternative). Up to knowledge 2026.11.27 "
             "the report's top-3 also counted an accepted alternative in the top three, which over-stated it; "
             "that looser count is kept as a second row for comparison with earlier figures. Top-1 counted on the "
             "final diagnosis alone is shown too.", "",
             "| figure | " + " | ".join(p.replace("_", "-") for p in parts) + " |",
             "|---|" + "---|" * len(parts)]
    rows = [("cases", lambda f: str(f.n)), ("top-1", lambda f: f.top1.text()),
            ("top-1, the final diagnosis itself", lambda f: f.top1_diagnosis.text()), ("top-3 (the final diagnosis)", lambda f: f.top3.text()),
            ("top-3, any acceptable cause (the looser count used up to 2026.11.27)", lambda f: f.top3_acceptable.text()),
            ("emergency recall", lambda f: f.emergency_recall.text()), ("urgent recall", lambda f: f.urgent_recall.text()),
            ("over-triage", lambda f: f.overtriage.text()), ("workup (key steps and referrals)", lambda f: f.workup.text()),
            ("Brier score (lower is better)", lambda f: f"{f.brier:.3f}")]
    for name, fn in rows:
        lines.append(f"| {name} | " + " | ".join(fn(f) for f in parts.values()) + " |")
    lines += ["", "## Top-3 sensitivity by final diagnosis", "",
              "| diagnosis | " + " | ".join(p.replace("_", "-") for p in parts) + " |", "|---|" + "---|" * len(parts)]
    causes = sorted({c for f in parts.values() for c in f.per_cause})
    for cid in causes:
        lines.append(f"| {cid} | " + " | ".join(f.per_cause[cid].text() if cid in f.per_cause else "-" for f in parts.values()) + " |")
    lines += ["", "## Calibration", "", "![reliability diagram](calibration.svg)", "",
              "Every (case, cause) pair binned by its predicted probability; the dashed line is perfect calibration.", "",
              "## What these figures cannot tell",
              "",
              "Case reports over-represent the unusual and the severe, so top-1 and calibration here understate how "
              "the ranking does on everyday lumps, and the triage recall is measured on presentations that were "
              "worth publishing. Findings were limited to what the reports say at the bedside; a finding a report "
              "does not mention is unknown. The corpus is small: read the intervals, not the point values.", ""]
    return "\n".join(lines)


LIMITS = ("Case reports over-represent the unusual and the severe, and many give few bedside findings; "
          "the corpus is small, so read the intervals, not the points.")


def summary(parts: dict[str, PartFigures], version: str, n_total: int, n_under_18: int) -> dict[str, object]:
    """The headline figures as data (summary.json): each rate with its hits, denominator and interval."""

    def rate(r: Rate) -> dict[str, object]:
        lo, hi = r.interval if r.n else (float("nan"), float("nan"))
        return {"value": round(r.value, 4) if r.n else None, "hits": r.hits, "n": r.n,
                "low": round(lo, 4) if r.n else None, "high": round(hi, 4) if r.n else None}

    return {
        "knowledge_version": version,
        "cases": n_total,
        "cases_under_18": n_under_18,
        "limits": LIMITS,
        "parts": {name: {"n": f.n, "top1": rate(f.top1), "top3": rate(f.top3),
                         "emergency_recall": rate(f.emergency_recall), "urgent_recall": rate(f.urgent_recall),
                         "overtriage": rate(f.overtriage), "workup": rate(f.workup), "brier": round(f.brier, 4)}
                  for name, f in parts.items()},
    }


def shared_vocabulary_only(case: CorpusCase, k: knowledge.Knowledge) -> CorpusCase:
    """The case with only the findings of the shared vocabulary (`origin: spec`): what a case written in
    that vocabulary alone could say. The project's own findings (low blood pressure, the heart rate...)
    are left out, as not examined."""
    kept = {fid: v for fid, v in case.findings.items() if k.findings[fid].origin == "spec"}
    return replace(case, findings=kept)


def figures_line(label: str, f: PartFigures) -> str:
    """One part's figures on one line, as `make validate` prints them."""
    return (f"{label}: n={f.n} top1 {f.top1.text()} top1-diagnosis {f.top1_diagnosis.text()} top3 {f.top3.text()} "
            f"top3-any-acceptable {f.top3_acceptable.text()} emergency-recall "
            f"{f.emergency_recall.text()} urgent-recall {f.urgent_recall.text()} over-triage "
            f"{f.overtriage.text()} workup {f.workup.text()} brier {f.brier:.3f}\n")


def main(argv: Sequence[str] = ()) -> int:
    k = knowledge.load_knowledge()
    corpus = load_corpus()
    if "--shared-vocabulary" in argv:
        # a what-if, printed only: the report files always hold the corpus as written
        for name in ("development", "held_out"):
            f = figures(score([shared_vocabulary_only(c, k) for c in corpus if c.part == name], k))
            sys.stdout.write(figures_line(f"{name} (shared vocabulary only)", f))
        return 0
    scored = score(corpus, k)
    parts = {name: figures([s for s in scored if s.case.part == name]) for name in ("development", "held_out")}
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / "report.md").write_text(report_markdown(parts, k.version, len(corpus)), encoding="utf-8")
    (REPORT_DIR / "calibration.svg").write_text(calibration_svg(parts), encoding="utf-8")
    under_18 = sum(1 for c in corpus if isinstance(c.findings.get("age_years"), (int, float)) and c.findings["age_years"] < 18)
    (REPORT_DIR / "summary.json").write_text(
        json.dumps(summary(parts, k.version, len(corpus), under_18), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for name, f in parts.items():
        sys.stdout.write(figures_line(name, f))
    if "--misses" in argv:
        for s in scored:
            if not (top3_hit(s) and LEVEL[s.triage] >= LEVEL[s.case.expect["triage"]]) and s.case.part == "development":
                sys.stdout.write(f"  {s.case.id}: expected {s.case.expect['diagnosis']}/{s.case.expect['triage']}, "
                                 f"got {s.ranked[:3]}/{s.triage}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
