"""The class tally of one stage, and the CSV of a whole session (pure).

The tally counts each student's latest answer once: how many joined and answered, the spread of
first-choice causes, every cause named in anyone's top three, the triage levels chosen, and (given
the expected triage) how many under-triaged. The CSV holds only these counts: no student id.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from classroom.store import Answer


@dataclass(frozen=True)
class Tally:
    """Counts of one stage's answers."""

    joined: int
    answered: int
    first: tuple[tuple[str, int], ...]
    """First-choice causes, most chosen first (ties by id)."""
    named: tuple[tuple[str, int], ...]
    """Causes named anywhere in a top three."""
    triage: tuple[tuple[str, int], ...]
    """Each triage level of `levels` with its count, most urgent first."""
    under: int | None
    """Answers whose triage is below the expected one (None when no expected triage is given)."""
    named_expected: int | None
    """Answers naming the expected diagnosis in their top three (None when none is given)."""

    @property
    def under_share(self) -> float | None:
        return None if self.under is None or not self.answered else self.under / self.answered


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def tally(
    answers: Mapping[str, Answer],
    joined: int,
    levels: Sequence[str],
    expected_triage: str | None = None,
    expected_diagnosis: str | None = None,
) -> Tally:
    """The tally of one stage. `levels` are the triage levels from least to most urgent."""
    rank = {level: i for i, level in enumerate(levels)}
    first: Counter[str] = Counter()
    named: Counter[str] = Counter()
    triage: Counter[str] = Counter()
    under = 0
    hit = 0
    for a in answers.values():
        first[a.causes[0]] += 1
        named.update(set(a.causes))
        triage[a.triage] += 1
        if expected_triage is not None and rank.get(a.triage, -1) < rank[expected_triage]:
            under += 1
        if expected_diagnosis is not None and expected_diagnosis in a.causes:
            hit += 1
    return Tally(
        joined=max(joined, len(answers)),
        answered=len(answers),
        first=_ranked(first),
        named=_ranked(named),
        triage=tuple((level, triage[level]) for level in reversed(levels)),
        under=under if expected_triage is not None else None,
        named_expected=hit if expected_diagnosis is not None else None,
    )


CSV_HEADER = ("round", "case", "stage", "stage_title", "measure", "value", "count")


def tallies_csv(rows: Iterable[tuple[int, str, int, str, Tally]]) -> str:
    """The anonymous tallies as CSV: one line per count of each (round, case, stage)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for round_, case, stage, title, t in rows:
        base = (round_, case, stage + 1, title)
        w.writerow((*base, "joined", "", t.joined))
        w.writerow((*base, "answered", "", t.answered))
        for cause, n in t.first:
            w.writerow((*base, "first_cause", cause, n))
        for cause, n in t.named:
            w.writerow((*base, "named_in_top3", cause, n))
        for level, n in t.triage:
            w.writerow((*base, "triage", level, n))
        if t.under is not None:
            w.writerow((*base, "under_triaged", "", t.under))
        if t.named_expected is not None:
            w.writerow((*base, "named_expected_diagnosis", "", t.named_expected))
    return out.getvalue()
