"""The stages a class case is released in, from the groups of the knowledge's findings vocabulary (pure).

1. The story and history: who the patient is, the history and course, systemic symptoms, and where
   the lump is (the story says it, and the case's region chip shows it anyway).
2. The examination: size and depth, what it feels like, the skin, the neurological examination.
3. Results already to hand (ultrasound, blood tests), only when the case has any.

A group the table does not know raises ValueError, so a new group in the vocabulary is placed here
on purpose rather than leaking into the wrong stage (a test runs every case of the library).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

STAGE_GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("history", "The story and history", frozenset({"patient", "history", "systemic"})),
    ("examination", "The examination", frozenset({"site", "feel", "skin", "neuro"})),
    ("results", "Results already to hand", frozenset({"results"})),
)
"""(stage id, title, finding groups) in the order they are released."""
STORY_FINDINGS = frozenset({"location"})
"""Findings released with the story whatever their group."""


@dataclass(frozen=True)
class Stage:
    """One stage of a case: its id, its title, and the findings it releases (in vocabulary order)."""

    id: str
    title: str
    findings: tuple[str, ...]


def case_stages(findings: Mapping[str, object], groups: Mapping[str, str]) -> tuple[Stage, ...]:
    """The stages of a case with these findings; `groups` maps every finding id of the vocabulary to its
    group, in vocabulary order. The first stage is always there (it carries the story); a later stage
    with no finding of the case is left out. Raises ValueError for a finding or group it cannot place."""
    unknown = sorted(set(findings) - set(groups))
    if unknown:
        msg = f"findings not in the vocabulary: {unknown}"
        raise ValueError(msg)
    known = set().union(*(g for _, _, g in STAGE_GROUPS))
    stages: list[Stage] = []
    for number, (sid, title, stage_groups) in enumerate(STAGE_GROUPS):
        chosen = []
        for fid, group in groups.items():
            if fid not in findings:
                continue
            if group not in known:
                msg = f"finding group {group!r} (of {fid!r}) is in no class stage: add it to classroom/stages.py"
                raise ValueError(msg)
            first = fid in STORY_FINDINGS
            if (number == 0 and first) or (not first and group in stage_groups):
                chosen.append(fid)
        if chosen or number == 0:
            stages.append(Stage(sid, title, tuple(chosen)))
    return tuple(stages)


def released(stages: tuple[Stage, ...], upto: int) -> tuple[str, ...]:
    """The finding ids released by stage `upto` (0-based) and every stage before it."""
    return tuple(fid for stage in stages[: upto + 1] for fid in stage.findings)
