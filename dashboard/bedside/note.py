"""'Copy to note': a plain-text summary of the assessment for the patient record. No Streamlit here.

`note_text(assessment, kb, now)` is pure: the clock is passed in; the text holds the time, the
knowledge version, the triage line, each red flag with its action, timing and source, the plan in
its groups, what not to do, the findings entered and those not examined, and the top causes. Plain
text only (no markup), lines under about 100 characters where the data allows, so it pastes into
any record system.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import knowledge
from dashboard.bedside import summary, text
from dashboard.common import assessment_html, chart, words

TOP_CAUSES = 3
"""How many causes the note names (with their estimates)."""


def _findings_lines(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> list[str]:
    values = assessment.case.findings
    entered = [fid for fid in kb.findings if fid in values]
    if not entered:
        return [f"{text.NOTE_FINDINGS} (0): {text.EXPORT_NOTHING_ENTERED}"]
    lines = [f"{text.NOTE_FINDINGS} ({len(entered)}):"]
    lines += [f"- {kb.findings[fid].label}: {words.value_text(kb.findings[fid], values[fid])}" for fid in entered]
    return lines


def _unknown_lines(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> list[str]:
    unknown = [fid for fid in assessment.unknown_findings if fid in kb.findings]
    if not unknown:
        return []
    lines = [f"{text.EXPORT_NOT_EXAMINED} ({len(unknown)}; unknown, not \"no\"):"]
    lines += [f"- {words.GROUP_TITLES.get(g, g)}: {', '.join(kb.findings[fid].label for fid in fids)}"
              for g, fids in words.by_group(kb, unknown).items()]
    return lines


def _flag_lines(assessment: knowledge.Assessment) -> list[str]:
    flags = assessment.red_flags
    if not flags:
        return [f"{text.EXPORT_FLAGS}: none fired."]
    lines = [f"{text.EXPORT_FLAGS} ({len(flags)}):"]
    for flag in flags:
        within = f" {words.WITHIN}: {flag.within}." if flag.within else ""
        route = f"; {words.ACTION_SOURCE}: {flag.action_source}" if flag.action_source else ""
        lines.append(
            f"- [{words.LEVEL_WORDS[flag.level]}] {flag.message} {words.DO}: {flag.action}{within} "
            f"({words.SOURCE}: {flag.source}{route})"
        )
    return lines


def _plan_lines(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> list[str]:
    steps = list(assessment.workup)
    if not steps:
        return [f"{words.WORKUP_HEADING}: {text.EXPORT_NO_WORKUP}"]
    lines = [f"{words.WORKUP_HEADING}:"]
    n = 1
    for group in knowledge.PLAN_GROUPS:
        members = [s for s in steps if s.group == group]
        if not members:
            continue
        lines.append(f"  {words.PLAN_GROUPS.get(group, group)}:")
        for step in members:
            lines.append(
                f"  {n}. {assessment_html.step_name(step, kb)} ({assessment_html.timing_text(step)}) "
                f"({words.SOURCE}: {step.source})"
            )
            if step.waits_on_held_back:
                lines.append(f"     {step.waits_on_held_back}")
            n += 1
    for item in assessment.avoid:
        lines.append(f"  {words.DO_NOT}: {kb.step_labels.get(item.step, item.step)}. {item.rationale}")
    return lines


def note_text(assessment: knowledge.Assessment, kb: knowledge.Knowledge, now: datetime,
              short_names: Mapping[str, str] | None = None) -> str:
    """The plain-text note of an assessment, for pasting into the patient record (pure)."""
    names = short_names or {}
    level = (
        words.NOT_ASSESSED if not assessment.case.findings else words.LEVEL_WORDS[assessment.triage]
    )
    lines = [
        f"{words.APP_TITLE}: {text.NOTE_TITLE}",
        f"{text.EXPORT_GENERATED}: {summary.generated_text(now)}. {text.EXPORT_VERSION}: {assessment.knowledge_version}.",
        f"{words.TRIAGE}: {level} - {assessment_html.triage_line(assessment)}",
    ]
    why = assessment_html.why_urgent_text(assessment, kb, names)
    if why:
        lines.append(why)
    lines += _flag_lines(assessment)
    lines += _plan_lines(assessment, kb)
    lines += _findings_lines(assessment, kb)
    lines += _unknown_lines(assessment, kb)
    top = [
        f"{names.get(cid, kb.causes[cid].name if cid in kb.causes else cid)} {chart.percent(assessment.probability(cid))}"
        for cid in assessment.cause_ids[:TOP_CAUSES]
    ]
    lines.append(f"{text.NOTE_TOP_CAUSES}: {', '.join(top)} ({text.NOTE_ESTIMATES})")
    return "\n".join(lines) + "\n"
