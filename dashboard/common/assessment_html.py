"""The one HTML builder of an assessment's triage banner, red-flag cards and workup steps. No Streamlit.

The bedside page, the teaching page and the downloadable case summary all draw these from here, so
the words (`TRIAGE:`, the level words, Do, Within, Source, Do not) and their order are written
once. The screen and the paper differ only in their class names and data attributes (`Markup`),
and the paper adds an estimate's note after its source (the screen leaves notes to the Knowledge
and sources page). Every text from the knowledge is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, NamedTuple

import knowledge
from dashboard.common import theme, words
from dashboard.common.provenance import ESTIMATE


class Markup(NamedTuple):
    """How one medium marks up the same content: the page on screen, or the case summary on paper."""

    level: str
    """Class of a level, with `{}` for the level (`lbln-emergency`, `lvl-emergency`)."""
    banner: str
    banner_attrs: str
    card: str
    card_attrs: str
    badge: str
    after_badge: str
    source: str
    """Class of the 'Source: ...' span (and of an estimate's note)."""
    step_ids: bool
    """Whether a step carries its id as `data-step` / `data-avoid` (the summary's tests look them up)."""


SCREEN = Markup(
    level="lbln-{}", banner="lbln-banner", banner_attrs=' role="alert" data-lbln="triage"',
    card="lbln-card", card_attrs=' data-lbln="flag"', badge="lbln-badge", after_badge="", source="lbln-meta", step_ids=False,
)
"""The Streamlit pages (classes styled by `theme.STYLE`; `data-lbln` marks what tests look for)."""
PAPER = Markup(
    level="lvl-{}", banner="banner", banner_attrs="", card="flag", card_attrs="", badge="badge", after_badge=" ",
    source="src", step_ids=True,
)
"""The case summary (classes styled by its own inline style block)."""

UNASKED_SHOWN = 6
"""How many not-yet-asked safety findings the screen's line under the flags names before folding the rest."""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def triage_line(assessment: knowledge.Assessment) -> str:
    """What the banner says after the level: how many red flags fired, and what the level asks for."""
    line = words.TRIAGE_LINES.get(assessment.triage, "")
    fired = len(assessment.red_flags)
    return f"{words.flags_count(fired)}: {line}" if fired else line


def banner_html(assessment: knowledge.Assessment, m: Markup = SCREEN) -> str:
    """The triage banner: level in words, icon and colour, and how many red flags fired."""
    level = assessment.triage
    return (
        f'<div class="{m.banner} {m.level.format(_e(level))}"{m.banner_attrs} data-level="{_e(level)}">'
        f"{_e(theme.LEVELS[level].icon)} {words.TRIAGE}: {_e(words.LEVEL_WORDS[level])} — {_e(triage_line(assessment))}</div>"
    )


def badge_html(level: str, m: Markup = SCREEN) -> str:
    """A level's badge: icon and word, coloured by the level class around it."""
    return f'<span class="{m.badge}">{_e(theme.LEVELS[level].icon)} {_e(words.LEVEL_WORDS[level])}</span>'


def _source(label: str, source_id: str, note: str, m: Markup) -> str:
    """'Source: <label>' and, for an estimate, its note (when the medium shows notes)."""
    out = f'<span class="{m.source}">{_e(words.SOURCE)}: {_e(label)}</span>'
    if source_id == ESTIMATE and note:
        out += f' <span class="{m.source}">({_e(note)})</span>'
    return out


def flag_card_html(flag: knowledge.RedFlag, m: Markup = SCREEN, note: str = "") -> str:
    """One fired red flag: level badge, message, what to do, within when, source (and an estimate's note)."""
    lvl = flag["level"]
    within = f" <b>{_e(words.WITHIN)}:</b> {_e(flag['within'])}." if flag.get("within") else ""
    return (
        f'<div class="{m.card} {m.level.format(_e(lvl))}"{m.card_attrs} data-flag="{_e(flag["id"])}">'
        f"{badge_html(lvl, m)}{m.after_badge}<b>{_e(flag['message'])}</b><br>"
        f"<b>{_e(words.DO)}:</b> {_e(flag['action'])}{within} "
        f"{_source(flag['source'], flag['source_id'], note, m)}</div>"
    )


def step_name(step: knowledge.PlanStep, kb: knowledge.Knowledge) -> str:
    """A workup step as read: its label, and '→ referral target' when it refers."""
    name = kb.step_labels.get(step["step"], step["step"])
    if step.get("to"):
        name = f"{name} → {kb.referral_targets.get(step['to'], step['to'])}"
    return name


def timing_text(step: knowledge.PlanStep) -> str:
    """A step's timing in words, with its 'within' when it has one."""
    words_ = words.TIMING_WORDS.get(step["timing"], step["timing"])
    return f"{words_}, {step['within']}" if step.get("within") else words_


def step_html(step: knowledge.PlanStep, kb: knowledge.Knowledge, m: Markup = SCREEN, note: str = "") -> str:
    """One step of the workup path as a list item: name, timing, rationale, source."""
    data = f' data-step="{_e(step["step"])}"' if m.step_ids else ""
    return (
        f"<li{data}><b>{_e(step_name(step, kb))}</b> · <b>{_e(timing_text(step))}</b><br>"
        f"{_e(step['rationale'])} {_source(step['source'], step['source_id'], note, m)}</li>"
    )


def avoid_text_html(item: knowledge.DoNot, kb: knowledge.Knowledge, m: Markup = SCREEN, note: str = "") -> str:
    """The body of one 'do not': what not to do, why, and the source (the medium frames it)."""
    return (
        f"<b>{_e(words.DO_NOT)}: {_e(kb.step_labels.get(item['step'], item['step']))}.</b> "
        f"{_e(item['rationale'])} {_source(item['source'], item['source_id'], note, m)}"
    )


# --- the screen's panels (the bedside and teaching pages draw these) -------------------------------


def _finding_labels(kb: knowledge.Knowledge, ids: Iterable[str]) -> list[str]:
    return [kb.findings[f].label if f in kb.findings else f for f in ids]


def unasked_texts(assessment: knowledge.Assessment) -> list[str]:
    """Each not-yet-asked safety finding with what its answer would do, most decisive first:
    'Leg weakness (if yes: emergency)'."""
    out = []
    for q in assessment.safety_questions:
        first = q["rules"][0]
        out.append(f"{q['label']} ({words.safety_effect(first['level'], first['effect'], first['if_answer'])})")
    return out


def flags_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    """Every fired red flag as a card, then the safety questions not yet asked (folded past UNASKED_SHOWN).

    Always one element, so the elements after it keep their places."""
    parts = [flag_card_html(flag) for flag in assessment.red_flags]
    unasked = unasked_texts(assessment)
    if unasked:
        shown, rest = unasked[:UNASKED_SHOWN], unasked[UNASKED_SHOWN:]
        head = f"<b>{words.NOT_YET_ASKED} ({len(unasked)}):</b> {_e(', '.join(shown))}"
        if rest:
            parts.append(
                f'<details class="lbln-safety" data-lbln="unasked"><summary>{head}, '
                f'<u>{_e(words.and_more(len(rest)))}</u></summary>{_e(", ".join(rest))}.</details>'
            )
        else:
            parts.append(f'<div class="lbln-safety" data-lbln="unasked">{head}.</div>')
    return "".join(parts) or '<div data-lbln="no-flags"></div>'


def plan_groups_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge, m: Markup = SCREEN,
                     notes: Mapping[tuple[str, str, str | None], str] | None = None) -> str:
    """The plan in its groups (immediate, urgent, routine, after the emergency), in the engine's order.

    One numbered list per group, the numbering running on across groups, so the order is the order
    to do things; the 'after the emergency' group says why it waits."""
    notes = notes or {}
    out, n = [], 1
    steps = list(assessment.workup)
    for group in knowledge.PLAN_GROUPS:  # the engine's order; words only give the titles
        title = words.PLAN_GROUPS[group]
        members = [s for s in steps if s.get("group") == group]
        if not members:
            continue
        why = f' <span class="{m.source}">{_e(words.AFTER_EMERGENCY_WHY)}</span>' if group == "after_emergency" else ""
        items = "".join(step_html(s, kb, m, notes.get((s.get("rule", ""), s["step"], s.get("to")), "")) for s in members)
        out.append(
            f'<div class="plan-group group-{_e(group)}" data-group="{_e(group)}"><div class="plan-group-title">'
            f"<b>{_e(title)}</b>{why}</div>"
            f'<ol class="{"lbln-steps" if m is SCREEN else "steps"}" start="{n}">{items}</ol></div>'
        )
        n += len(members)
    return "".join(out)


def do_not_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge, m: Markup = SCREEN,
                *, with_notes: bool = False) -> str:
    """The do-not list: each step that must not be done, why, its source, and the flag or rule behind it
    (with an estimate's note when `with_notes`: the paper shows notes, the screen leaves them to the
    Knowledge and sources page)."""
    flag_names = {f["id"]: f["message"] for f in assessment.red_flags}
    items = []
    for a in assessment.avoid:
        origin = flag_names.get(a.get("rule", ""), "")
        because = f' <span class="{m.source}">({_e(words.DO_NOT_FROM)}: {_e(origin)})</span>' if origin else ""
        data = f' data-avoid="{_e(a["step"])}"' if m.step_ids else ""
        items.append(f"<li{data}>{avoid_text_html(a, kb, m, a.note if with_notes else '')}{because}</li>")
    if not items:
        return ""
    return (
        f'<div class="{"lbln-avoid" if m is SCREEN else "do-not"}" data-lbln="do-not">'
        f"<b>{_e(words.DO_NOT_HEADING)} ({len(items)})</b>"
        f'<ul class="avoid">{"".join(items)}</ul></div>'
    )


def workup_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    """The workup plan in its urgency groups with timing, referral target, rationale and source; then
    the do-not list."""
    return (
        f'<h4 style="margin:.4rem 0 .2rem 0">{words.WORKUP_HEADING}</h4>'
        f'<div data-lbln="workup">{plan_groups_html(assessment, kb)}</div>{do_not_html(assessment, kb)}'
    )
