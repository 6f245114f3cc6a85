"""The ranking's measured accuracy on published cases: a reader of validation/report/summary.json and
its wording. Pure: no Streamlit here.

`make validate` (validation/report.py, `summary()`) writes summary.json: the knowledge version the
figures were measured on, the corpus size, how many cases are under 18, the known limits of the corpus,
and for each part of the corpus (`held_out`, `development`) the number of cases, six rates (each as
hits, denominator and 95% Wilson interval) and the Brier score.

The reader is strict about types and tolerant about values: any number may change, keys it does not
know are ignored, a rate or a part the file lacks shows as missing rather than failing, and a file
that is missing, not JSON or of the wrong shape gives a `SummaryError` naming the file and the problem.
`load()` reads the file once per modification time and size (a cache shared by every session).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SUMMARY_PATH = ROOT / "validation" / "report" / "summary.json"
"""Where `make validate` writes the figures (resolved from this file, not the working directory)."""

HELD_OUT = "held_out"
DEVELOPMENT = "development"
PART_ORDER = (HELD_OUT, DEVELOPMENT)
"""The parts in the order shown: the held-out part is the headline."""

RATES: tuple[tuple[str, str, str], ...] = (
    ("top1", "top-1",
     "The final diagnosis, or an alternative the case's expected answer accepts as a fair first guess at the bedside, ranked first."),
    ("top3", "top-3", "The final diagnosis among the three causes ranked highest."),
    ("emergency_recall", "emergency recall", "Of the cases that needed emergency care, the share the navigator triaged as an emergency."),
    ("urgent_recall", "urgent recall", "Of the cases that needed urgent or emergency care, the share triaged urgent or higher."),
    ("overtriage", "over-triage", "Of the cases that did not need emergency care, the share triaged higher than they needed (lower is better)."),
    ("workup", "workup", "The key workup steps and referrals the case called for were all on the suggested path."),
)
"""(key in summary.json, name shown, what it counts) for each rate, in the order shown."""

BRIER_NAME = "Brier score"
BRIER_MEANS = "Mean over cases of the squared errors of the probabilities, the truth being the final diagnosis: 0 is perfect, lower is better."

_Z95 = 1.959963984540054


class SummaryError(Exception):
    """summary.json cannot be read or has the wrong shape: `str()` names the file and the problem."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


@dataclass(frozen=True)
class Rate:
    """A proportion: hits of a denominator, with its 95% interval (None when there are no cases)."""

    hits: int
    n: int
    low: float | None
    high: float | None

    @property
    def value(self) -> float | None:
        return self.hits / self.n if self.n else None


@dataclass(frozen=True)
class Part:
    """The figures of one part of the corpus (a rate the file lacks is absent from `rates`)."""

    n: int
    rates: Mapping[str, Rate]
    brier: float | None


@dataclass(frozen=True)
class Summary:
    """summary.json as read."""

    knowledge_version: str
    cases: int
    cases_under_18: int | None
    limits: str
    parts: Mapping[str, Part]
    """Part name -> its figures, the held-out part first, then the development part, then any other."""


@dataclass(frozen=True)
class Accuracy:
    """What the page shows: the summary, or the error that stopped it being read."""

    summary: Summary | None = None
    error: SummaryError | None = None


# --- reading ----------------------------------------------------------------------------------------


def wilson(hits: int, n: int) -> tuple[float, float]:
    """The 95% Wilson score interval (used only when the file gives no interval)."""
    p = hits / n
    denom = 1 + _Z95 * _Z95 / n
    centre = (p + _Z95 * _Z95 / (2 * n)) / denom
    half = _Z95 * math.sqrt(p * (1 - p) / n + _Z95 * _Z95 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _count(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where}{key} must be a whole number of 0 or more, not {value!r}")
    return value


def _fraction(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{where} must be a number from 0 to 1 or null, not {value!r}")
    return float(value)


def _rate(data: Any, where: str) -> Rate:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object with hits and n, not {data!r}")
    hits, n = _count(data, "hits", f"{where}."), _count(data, "n", f"{where}.")
    if hits > n:
        raise ValueError(f"{where} has more hits ({hits}) than cases ({n})")
    low, high = _fraction(data.get("low"), f"{where}.low"), _fraction(data.get("high"), f"{where}.high")
    if n and (low is None or high is None):
        low, high = wilson(hits, n)
    if low is not None and high is not None and low > high:
        raise ValueError(f"{where} has its interval's low ({low}) above its high ({high})")
    return Rate(hits, n, low if n else None, high if n else None)


def _brier(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where} must be a number or null, not {value!r}")
    return None if math.isnan(value) else float(value)


def _part(data: Any, where: str) -> Part:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where} must be an object, not {data!r}")
    rates = {key: _rate(data[key], f"{where}.{key}") for key, _, _ in RATES if key in data}
    return Part(_count(data, "n", f"{where}."), MappingProxyType(rates), _brier(data.get("brier"), f"{where}.brier"))


def parse_summary(data: Any) -> Summary:
    """summary.json's content as a Summary; ValueError saying what is wrong when its shape is not right."""
    if not isinstance(data, Mapping):
        raise ValueError(f"the file must hold a JSON object, not {type(data).__name__}")
    version = data.get("knowledge_version")
    if not isinstance(version, str) or not version.strip():
        raise ValueError(f"knowledge_version must be a non-empty text, not {version!r}")
    cases = _count(data, "cases", "")
    under_18 = _count(data, "cases_under_18", "") if data.get("cases_under_18") is not None else None
    limits = data.get("limits") or ""
    if not isinstance(limits, str):
        raise ValueError(f"limits must be a text, not {limits!r}")
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, Mapping):
        raise ValueError(f"parts must be an object of the corpus's parts, not {raw_parts!r}")
    if HELD_OUT not in raw_parts:
        raise ValueError(f"parts has no {HELD_OUT} part (it has: {', '.join(map(str, raw_parts)) or 'none'})")
    order = [p for p in PART_ORDER if p in raw_parts] + [p for p in raw_parts if p not in PART_ORDER]
    parts = {str(name): _part(raw_parts[name], f"parts.{name}") for name in order}
    return Summary(version.strip(), cases, under_18, limits.strip(), MappingProxyType(parts))


def display_path(path: Path) -> str:
    """The file's path relative to the project when it lies in it (as people name it), else in full."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def read_summary(path: Path = SUMMARY_PATH) -> Summary:
    """Read and check summary.json; SummaryError naming the file and the problem when it cannot be used."""
    label = display_path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SummaryError(label, "the file is missing (make validate writes it)") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SummaryError(label, f"the file cannot be read ({err.__class__.__name__}: {err})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise SummaryError(label, f"not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    try:
        return parse_summary(data)
    except ValueError as err:
        raise SummaryError(label, str(err)) from None


@lru_cache(maxsize=8)
def _read_once(path: str, mtime_ns: int, size: int) -> Accuracy:
    del mtime_ns, size  # part of the cache key only: a rewritten file is read again
    try:
        return Accuracy(summary=read_summary(Path(path)))
    except SummaryError as err:
        return Accuracy(error=err)


def load(path: Path = SUMMARY_PATH) -> Accuracy:
    """The summary or its error, read once per file modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return Accuracy(error=SummaryError(display_path(path), "the file is missing (make validate writes it)"))
    return _read_once(str(path), stat.st_mtime_ns, stat.st_size)


# --- wording ----------------------------------------------------------------------------------------


def percent(x: float) -> str:
    """A fraction as a whole percentage, halves rounded up: 0.9355 -> '94%'."""
    return f"{math.floor(100 * x + 0.5)}%"


def rate_text(rate: Rate | None) -> str:
    """'94% (85-97%; 58/62)'; 'no cases (0/0)' for an empty denominator; 'not in the file' when absent."""
    if rate is None:
        return "not in the file"
    if not rate.n or rate.value is None:
        return "no cases (0/0)"
    low, high = rate.low if rate.low is not None else 0.0, rate.high if rate.high is not None else 1.0
    return f"{percent(rate.value)} ({percent(low).rstrip('%')}-{percent(high)}; {rate.hits}/{rate.n})"


def brier_text(brier: float | None) -> str:
    """The Brier score to three decimals ('n/a' when the part had no cases)."""
    return "n/a" if brier is None else f"{brier:.3f}"


def part_title(name: str, part: Part) -> str:
    """Column title of a part: 'held-out part (headline; 62 cases)'."""
    if name == HELD_OUT:
        return f"held-out part (headline; {part.n} cases)"
    return f"{name.replace('_', '-')} part ({part.n} cases)"


def figure_rows(summary: Summary) -> list[dict[str, str]]:
    """One row per figure: its name, its value in each part (held-out first) and what it counts."""
    rows = [{"figure": "cases", **{part_title(p, f): str(f.n) for p, f in summary.parts.items()},
             "what it counts": "Published cases in this part of the corpus."}]
    for key, name, means in RATES:
        rows.append({"figure": name, **{part_title(p, f): rate_text(f.rates.get(key)) for p, f in summary.parts.items()},
                     "what it counts": means})
    rows.append({"figure": BRIER_NAME, **{part_title(p, f): brier_text(f.brier) for p, f in summary.parts.items()},
                 "what it counts": BRIER_MEANS})
    return rows


def is_current(summary: Summary, version: str) -> bool:
    """Whether the figures were measured on this knowledge version."""
    return summary.knowledge_version == version.strip()


def not_measured(summary: Summary) -> str:
    """The words for figures measured on another knowledge version."""
    return f"not measured for this knowledge version (measured on {summary.knowledge_version})"


def headline(accuracy: Accuracy, version: str) -> str:
    """One line for the top of the page, beside the knowledge version (plain text)."""
    if accuracy.summary is None:
        return f"Accuracy on published cases: cannot be shown ({accuracy.error})."
    summary = accuracy.summary
    if not is_current(summary, version):
        return f"Accuracy on published cases: {not_measured(summary)}."
    held = summary.parts[HELD_OUT]
    shown = [f"{name} {rate_text(held.rates[key])}" for key, name, _ in RATES
             if key in ("top3", "emergency_recall") and key in held.rates]
    return f"Accuracy on {held.n} held-out published cases: {', '.join(shown) or 'no rates in the file'}."


def corpus_text(summary: Summary) -> str:
    """'163 cases, 54 of them under 18' (or without the under-18 count when the file lacks it)."""
    under = f", {summary.cases_under_18} of them under 18" if summary.cases_under_18 is not None else ""
    return f"{summary.cases} case{'s' if summary.cases != 1 else ''}{under}"
