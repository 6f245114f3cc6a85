"""A validation summary as `make validate` writes it, for the accuracy reader's and the page's tests.

Made by validation/report.py's own `summary()` and round-tripped through JSON as its `main()` writes it,
so a change of the writer's format that the reader cannot follow fails the tests.
"""

from __future__ import annotations

import json
from typing import Any

from validation import report


def _part(n: int, top3: tuple[int, int], emergency: tuple[int, int] = (11, 11)) -> report.PartFigures:
    return report.PartFigures(
        n=n, top1=report.Rate(45, n), top1_diagnosis=report.Rate(40, n), top3=report.Rate(*top3),
        top3_acceptable=report.Rate(*top3), emergency_recall=report.Rate(*emergency),
        urgent_recall=report.Rate(31, 41), overtriage=report.Rate(4, 51), workup=report.Rate(37, n),
        brier=0.7193, per_cause={}, reliability=[],
    )


def summary_data(version: str = "2026.11.2", *, emergency: tuple[int, int] = (11, 11)) -> dict[str, Any]:
    """A summary (held-out 62 cases with top-3 60/62, development 101 with 95/101; 163 cases, 54 under 18)."""
    parts = {"development": _part(101, (95, 101)), "held_out": _part(62, (60, 62), emergency)}
    data = report.summary(parts, version, 163, 54)
    return json.loads(json.dumps(data, indent=2, sort_keys=True))  # the file's round trip (None -> null)
