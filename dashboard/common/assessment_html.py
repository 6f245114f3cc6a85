"""The one HTML builder of an assessment's triage banner, red-flag cards and workup steps. No Streamlit.

The bedside page, the teaching page and the downloadable case summary all draw these from here, so
the words (`TRIAGE:`, the level words, Do, Within, Source, Do not) and their order are written
once. The screen and the paper differ only in their class names and data attributes (`Markup`),
and the paper adds an estimate's note after its source (the screen leaves notes to the Knowledge
and sources page). Every text from the knowledge is escaped here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, NamedTuple

import knowledge
from dashboard.common import chart, theme, words
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


FLAG_RANK = {"warning": 1, "urgent": 2, "emergency": 3}
"""How a red flag's level ranks: the banner speaks for the highest."""


def highest_flag(assessment: knowledge.Assessment) -> knowledge.RedFlag | None:
    """The fired red flag of the highest level (the engine's first of that level), or None."""
    best: knowledge.RedFlag | None = None
    for flag in assessment.red_flags:
        if best is None or FLAG_RANK.get(flag.level, 0) > FLAG_RANK.get(best.level, 0):
            best = flag
    return best


def _cut(text_: str, marks: str) -> str:
    """The text up to its first character of `marks` outside brackets, without a closing full stop."""
    depth = 0
    for i, ch in enumerate(text_):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in marks and depth == 0:
            return text_[:i].strip().rstrip(".")
    return text_.strip().rstrip(".")


def _first_clause(text_: str) -> str:
    """The text up to its first ';' outside brackets (an action's first step), without a closing full stop."""
    return _cut(text_, ";")


def _plain(text_: str) -> str:
    """Lower case with hyphens as spaces, for matching words of timing ('Same-day' reads 'same day')."""
    return text_.lower().replace("-", " ")


_SPANS = frozenset({"hours", "days", "weeks", "months"})
_PLAIN_WHEN = {"same day": "the same day"}
_SAYS_WHEN = re.compile(r"\b(now|immediate|immediately|within|same day|as soon as possible|at once)\b")
"""Words by which an action's first step already says how soon (the banner then adds no timing)."""
_TRAILING_ASIDE = re.compile(r"(\s*\([^()]*\)|,\s+unless\b.*)$")
"""A bracketed aside or an 'unless' qualifier at the end of a step: the timing goes before it."""


def first_action(flag: knowledge.RedFlag) -> str:
    """What a flag asks to do first and how soon, for the banner (pure): the action's first step up to
    its first ';' outside brackets, or up to its colon when what comes before it says where and how soon
    (a heading such as 'Emergency department now: resuscitation, ...'), with the flag's `within` added
    unless the step already says a time:
    'Urgent imaging within 2 weeks', 'Incision and drainage (first or recurrent episode)
    the same day, unless the do-not list says otherwise'."""
    clause = _first_clause(flag.action)
    heading = _cut(clause, ":")
    if heading != clause and _SAYS_WHEN.search(_plain(heading)):
        clause = heading                      # 'Emergency department now: resuscitation, ...'
    within = (flag.within or "").strip().rstrip(".")
    said = _plain(clause)
    when = _plain(within)
    core = when.split("(", 1)[0].strip()     # '2 weeks' of '2 weeks (48 hours under 25)'
    if "within" in core:
        core = core.split("within", 1)[1].strip()   # '24 hours' of 'MSCC contact within 24 hours'
    if not within or (core and core in said):
        return clause
    if "within" in when:                      # a timing that names its own step: 'MRI within 4 hours'
        timing = f"({within})"
    elif _SAYS_WHEN.search(said):
        return clause
    elif when[0].isdigit() or when in _SPANS:
        timing = f"within {within}"
    else:
        # a time that is not a span ('same day', 'as soon as possible (weeks)') is said as it is
        timing = _PLAIN_WHEN.get(when, within)
    aside = _TRAILING_ASIDE.search(clause)
    if aside and aside.start() > 0:
        return f"{clause[:aside.start()]} {timing}{aside.group(1)}"
    return f"{clause} {timing}"


def flag_subject(flag: knowledge.RedFlag) -> str:
    """The head of a flag's message, what it is about: 'Possible cauda equina syndrome'."""
    head = flag.message.split(":", 1)[0]
    return head.split(". ", 1)[0].strip().rstrip(".")


def flag_anchor(flag_id: str) -> str:
    """The element id of a flag's card on screen, which the banner links to."""
    return f"lbln-flag-{flag_id}"


def triage_line(assessment: knowledge.Assessment) -> str:
    """What the banner says after the level, in every state (pure):

    - nothing entered: what to do to get a triage (never a reassuring 'routine');
    - routine, no flag: how many findings it rests on;
    - routine with warnings only: that no urgent flag fired, and the first warning's action;
    - urgent or emergency: the highest flag's first action and how soon, what it is about, and how
      many other flags fired.
    """
    entered = len(assessment.case.findings)
    if entered == 0:
        return words.NOT_ASSESSED_LINE
    flags = assessment.red_flags
    top = highest_flag(assessment)
    if top is None:
        if assessment.triage == "routine":
            return words.ROUTINE_NO_FLAG.format(n=entered, s="s" if entered != 1 else "")
        return words.TRIAGE_LINES.get(assessment.triage, "")
    if assessment.triage == "routine":
        return f"{words.warnings_line(len(flags))}: {first_action(top)}"
    more = f" ({words.more_flags(len(flags) - 1)})" if len(flags) > 1 else ""
    return f"{first_action(top)} — {flag_subject(top)}{more}"


def banner_level(assessment: knowledge.Assessment) -> str:
    """The style of the banner: 'none' before anything is entered, 'warning' for a routine triage
    with warnings, else the triage level."""
    if not assessment.case.findings:
        return "none"
    if assessment.triage == "routine" and assessment.red_flags:
        return "warning"
    return assessment.triage


def banner_html(assessment: knowledge.Assessment, m: Markup = SCREEN, after: str = "") -> str:
    """The triage banner: level in words, icon and colour, then what to do first and how soon (the
    highest flag's first action), linked on screen to that flag's card. `after` is markup the caller has
    escaped, set at the banner's end (the bedside page's age and size read back)."""
    level = assessment.triage
    style = banner_level(assessment)
    if style == "none":
        head = f"{words.TRIAGE}: {_e(words.NOT_ASSESSED)}"
        data_level = "none"
    else:
        head = f"{_e(theme.LEVELS[style].icon)} {words.TRIAGE}: {_e(words.LEVEL_WORDS[level])}"
        data_level = level
    top = highest_flag(assessment)
    link = ""
    if m is SCREEN and top is not None and style != "none":
        link = (
            f' <a class="lbln-banner-link" href="#{_e(flag_anchor(top.id))}" data-lbln="banner-link">'
            f"{_e(words.SEE_CARD)} \u2193</a>"
        )
    return (
        f'<div class="{m.banner} {m.level.format(_e(style))}"{m.banner_attrs} data-level="{_e(data_level)}">'
        f'<span class="lbln-banner-text">{head} — {_e(triage_line(assessment))}</span>{link}{after}</div>'
    )


def why_urgent_text(assessment: knowledge.Assessment, kb: knowledge.Knowledge, names: Mapping[str, str]) -> str | None:
    """One line reconciling a benign top cause with an urgent or emergency triage (pure): which rule
    made it urgent and its source. None when the triage is routine, the top cause is can't-miss, or
    no flag explains the level."""
    if assessment.triage not in ("urgent", "emergency") or not assessment.case.findings:
        return None
    top_cause = assessment.cause_ids[0]
    cause = kb.causes.get(top_cause)
    if cause is None or cause.cant_miss:
        return None
    flag = highest_flag(assessment)
    if flag is None:
        return None
    return words.why_urgent(
        names.get(top_cause, cause.name), chart.percent(assessment.probability(top_cause)),
        words.LEVEL_WORDS[assessment.triage], flag_subject(flag), flag.source,
    )


def why_urgent_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge, names: Mapping[str, str]) -> str:
    """The reconciling line as one element (an empty mark when there is none)."""
    line = why_urgent_text(assessment, kb, names)
    if line is None:
        return '<div data-lbln="no-why-urgent"></div>'
    return f'<p class="lbln-why-urgent" data-lbln="why-urgent">{_e(line)}</p>'


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
    anchor = f' id="{_e(flag_anchor(flag["id"]))}"' if m is SCREEN else ""
    return (
        f'<div class="{m.card} {m.level.format(_e(lvl))}"{m.card_attrs}{anchor} data-flag="{_e(flag["id"])}">'
        f"{badge_html(lvl, m)}{m.after_badge}<b>{_e(flag['message'])}</b><br>"
        f"<b>{_e(words.DO)}:</b> {_e(flag['action'])}{within} "
        f"{_source(flag['source'], flag['source_id'], note, m)}{_action_source(flag, m)}</div>"
    )


def _action_source(flag: knowledge.RedFlag, m: Markup) -> str:
    """'; what to do for this patient: <label>' when a variant of the card (a child's route) replaced its action."""
    if not flag.get("action_source"):
        return ""
    return f'<span class="{m.source}">; {_e(words.ACTION_SOURCE)}: {_e(flag["action_source"])}</span>'


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
    held = step.get("waits_on_held_back")
    held_html = f'<br><i data-lbln="waits-on-held-back">{_e(held)}</i>' if held else ""
    also_html = "".join(
        f'<br><span data-lbln="also-asked"><b>{_e(words.ALSO_ASKED)}'
        f'{_e(", " + other["within"]) if other.get("conditional") else ""}:</b> {_e(other["rationale"])} '
        f'{_source(other["source"], other["source_id"], "", m)}</span>'
        for other in step.get("also_asked_by", ()))
    return (
        f"<li{data}><b>{_e(step_name(step, kb))}</b> · <b>{_e(timing_text(step))}</b><br>"
        f"{_e(step['rationale'])} {_source(step['source'], step['source_id'], note, m)}{also_html}{held_html}</li>"
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
        out.append(f"{q['label']} ({words.safety_effect(first['level'], first['effect'], first['if_answer'], first.get('if_range'))})")
    return out


def top_flag_html(assessment: knowledge.Assessment) -> str:
    """The card of the highest fired flag alone (the one the banner speaks for), or an empty mark."""
    top = highest_flag(assessment)
    return flag_card_html(top) if top is not None else '<div data-lbln="no-top-flag"></div>'


def wait_note_before_first_lower(flags: list[knowledge.RedFlag], cards: list[str], m: Markup = SCREEN, *,
                                 emergency: bool | None = None) -> list[str]:
    """The cards (one per flag, emergencies first) with, when an emergency is among them, a line above the
    first card that is not one: those cards wait until the emergency is dealt with, and the do-not list
    stands over what they say (a search found cards asking for an X-ray or an ultrasound beside an
    emergency's "no X-ray" or "imaging must not delay surgery"; the plan already waits).

    `emergency` says whether the assessment has an emergency when the emergency card itself is drawn
    elsewhere (the bedside banner's top card) and so is not among `flags`; by default it is read from them."""
    levels = [flag["level"] for flag in flags]
    if emergency is None:
        emergency = "emergency" in levels
    if not emergency or all(level == "emergency" for level in levels):
        return cards
    first = next(k for k, level in enumerate(levels) if level != "emergency")
    note = f'<p data-lbln="cards-wait" class="{m.source}"><b>{_e(words.CARDS_AFTER_EMERGENCY)}</b></p>'
    return [*cards[:first], note, *cards[first:]]


def flags_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge, *, skip_top: bool = False) -> str:
    """Every fired red flag as a card (without the highest when `skip_top`: it is drawn on its own
    by `top_flag_html`), then the safety questions not yet asked (folded past UNASKED_SHOWN). In an
    emergency a line stands above the first card that is not one (`wait_note_before_first_lower`).

    Always one element, so the elements after it keep their places."""
    top = highest_flag(assessment) if skip_top else None
    flags = [flag for flag in assessment.red_flags if flag is not top]  # the top one is drawn on its own above
    parts = wait_note_before_first_lower(flags, [flag_card_html(flag) for flag in flags],
                                         emergency=assessment.triage == "emergency")
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
                     notes: Mapping[tuple[str, str, str | None, str], str] | None = None) -> str:
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
        items = "".join(step_html(s, kb, m, notes.get((s.get("rule", ""), s["step"], s.get("to"), s["rationale"]), "")) for s in members)
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
    alarm_causes = {alarm.flag_id: alarm.cause for alarm in kb.alarms}
    items = []
    for a in assessment.avoid:
        origin = flag_names.get(a.get("rule", ""), "")
        cause = alarm_causes.get(a.get("rule", ""))
        if not origin and cause:  # a can't-miss cause at its threshold whose alarm card stayed quiet
            origin = words.DO_NOT_FROM_RANKING.format(name=kb.causes[cause].name, p=assessment.probability(cause))
        elif not origin and a.get("rule") == knowledge.HELD_TOGETHER:  # several can't-miss causes together (2026.11.147)
            origin = a.note
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
