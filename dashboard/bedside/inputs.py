"""The finding widgets: one per finding of the knowledge, grouped the way a clinician examines.

Every finding starts *not examined*. A yes/no finding is a three-way choice (not examined / yes /
no); a choice finding offers *not examined* beside its values; a number is empty until entered.
Widget keys are named from the finding id (`f.size_cm`), so tests, the URL and the case map one
to one. The widgets' values live in `st.session_state`, set once per session (from the link) and
by the reset; the widgets are never given a second default.

What a tap reruns (issue 11, speed): the page is drawn in keyed fragments, the pinned strip, the
chips, the results column and one per group of findings. A finding's widget callback reruns only
the strip, the chips and the results (`st.rerun` with their keys), plus a group whose field notes
change (a number out of range, a finding that does not apply at the age entered); a callback that
sets findings itself (a chip, 'Examine next', 'Neurological examination normal') also reruns the
groups of those findings, so their widgets show the new values. The other finding widgets are
neither redrawn nor sent again. Reset and undo change every finding and rerun the whole page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any, NamedTuple, NoReturn

import streamlit as st

import knowledge
from dashboard.bedside import entry, text
from dashboard.common import words

NOT_EXAMINED = text.NOT_EXAMINED
"""The option (and session-state value) of a finding not examined; a number uses None."""
KEY_PREFIX = "f."
RESET_KEY = "reset"
AGE = "age_years"
"""The finding whose value decides which findings do not apply (`entry.not_applicable`)."""

STRIP_FRAGMENT = "bedside.strip"
CHIPS_FRAGMENT = "bedside.chips"
RESULTS_FRAGMENT = "bedside.results"
EVERY_TAP = (RESULTS_FRAGMENT, STRIP_FRAGMENT, CHIPS_FRAGMENT)
"""The fragments every change of a finding reruns: what the case decides. They rerun in this order and
the browser draws each as it arrives: the results column (banner, first action, chart) first, then the
portrait strip, then the chips. Measured with the app harness, results first brought tap-to-chart from
about 1.3x to about 1.13x of bare Streamlit; the strip's own update time did not change measurably."""
_NOTES_DRAWN = "lbln.notes_drawn"
"""Session state: the field notes each group was last drawn with (group -> {finding id: note})."""


def group_fragment(group: str) -> str:
    """The fragment key of one group of findings."""
    return f"bedside.group.{group}"


def widget_key(finding_id: str) -> str:
    """The widget key of a finding: `f.<finding id>`."""
    return f"{KEY_PREFIX}{finding_id}"


def _blank(finding: knowledge.Finding) -> Any:
    return None if finding.type == "number" else NOT_EXAMINED


def _widget_value(finding: knowledge.Finding, value: Any) -> Any:
    if value is None:
        return _blank(finding)
    return float(value) if finding.type == "number" else value


def start(kb: knowledge.Knowledge, case: Mapping[str, Any]) -> None:
    """Give every finding widget its first value: from `case` if there, else not examined."""
    for fid, finding in kb.findings.items():
        st.session_state[widget_key(fid)] = _widget_value(finding, case.get(fid))


def reset(kb: knowledge.Knowledge) -> None:
    """Return every finding to not examined (a button callback, so it runs before the widgets)."""
    start(kb, {})


def read_case(kb: knowledge.Knowledge) -> dict[str, Any]:
    """The case the widgets hold: only the examined findings (a finding left out is unknown). A number
    the engine cannot use (out of range) is left out too, so the page shows and the engine uses the same
    case; `field_notes` says why."""
    case: dict[str, Any] = {}
    state = st.session_state
    for fid, finding in kb.findings.items():
        value = state.get(widget_key(fid))
        if value is None or (isinstance(value, str) and value == NOT_EXAMINED):
            continue
        if finding.type == "number" and entry.number_problem(kb, fid, value):
            continue
        case[fid] = value
    return case


def case_key(case: Mapping[str, Any]) -> tuple[tuple[str, str, Any], ...]:
    """A hashable key of a case that tells every two different cases apart (pure): each finding with its
    value and the value's type (`True == 1` in Python, but a yes and a number 1 are not the same answer)."""
    return tuple(sorted((fid, type(value).__name__, value) for fid, value in case.items()))


_ASSESSED = "lbln.assessed"
"""Session state: the last few cases assessed (by `case_key`, with the knowledge version) and their assessments."""
_ASSESSED_KEPT = 4
"""A tap needs the case and, for a child's whole-number age, the case read with the age in months."""


def assessed(kb: knowledge.Knowledge, case: Mapping[str, Any]) -> knowledge.Assessment:
    """`knowledge.assess` of a case, once per case in a session: a tap reruns the strip and the results,
    which both need it and its number checks (the age check also needs the case read in months)."""
    memo: dict[Any, knowledge.Assessment] = st.session_state.setdefault(_ASSESSED, {})
    key = (kb.version, case_key(case))
    held = memo.get(key)
    if held is None:
        held = knowledge.assess(dict(case), kb)
        if len(memo) >= _ASSESSED_KEPT:
            memo.pop(next(iter(memo)))  # the oldest
        memo[key] = held
    return held


def session_assess(kb: knowledge.Knowledge) -> entry.Assess:
    """`assessed` for this knowledge, as the checks take it."""
    return lambda case: assessed(kb, case)


def usable_age(kb: knowledge.Knowledge, state: Mapping[str, Any]) -> float | None:
    """The age the widgets hold if the engine can use it (None when not entered or out of range)."""
    value = state.get(widget_key(AGE))
    if value is None or AGE not in kb.findings or entry.number_problem(kb, AGE, value):
        return None
    return value


def groups(kb: knowledge.Knowledge) -> dict[str, list[str]]:
    """The finding ids by group, in the order a clinician examines (the groups the words know first)."""
    return words.by_group(kb)


class FieldNote(NamedTuple):
    """A note under a finding's widget: its words, and whether it is information (a finding that does not
    apply at the entered age: muted) rather than a problem with what was entered (dark red)."""

    text: str
    info: bool = False


def field_notes(kb: knowledge.Knowledge, group: str, state: Mapping[str, Any]) -> dict[str, FieldNote]:
    """The note under each finding of a group that needs one (pure over `state`, the widget values by
    key): a number the engine cannot use (the engine's words and its unit hint), else a finding that
    does not apply at the age entered, with the reason. (A number in range that may be a slip is asked
    about under the banner, not here: `entry.number_check`.)"""
    age = usable_age(kb, state)
    out: dict[str, FieldNote] = {}
    for fid in groups(kb).get(group, []):
        if kb.findings[fid].type == "number":
            problem = entry.number_problem(kb, fid, state.get(widget_key(fid)))
            if problem:
                out[fid] = FieldNote(f"{problem} {text.NOT_USED}")
                continue
        reason = entry.not_applicable(kb, fid, age)
        if reason:
            out[fid] = FieldNote(f"{text.NOT_APPLICABLE.format(age=age)}: {reason}", info=True)
    return out


def fragments_to_rerun(kb: knowledge.Knowledge, state: Mapping[str, Any], drawn: Mapping[str, Mapping[str, FieldNote]],
                       redraw: Iterable[str] = ()) -> list[str]:
    """The fragment keys a change of findings reruns (pure): the strip, the chips and the results; each
    group whose field notes now differ from the ones it was drawn with (`drawn`); and the groups of the
    findings in `redraw` (findings a callback set, whose widgets must show the new value)."""
    wanted = {kb.findings[fid].group for fid in redraw if fid in kb.findings}
    wanted |= {g for g in groups(kb) if field_notes(kb, g, state) != drawn.get(g, {})}
    return [*EVERY_TAP, *(group_fragment(g) for g in groups(kb) if g in wanted)]


def rerun_after_change(kb: knowledge.Knowledge, redraw: Iterable[str] = ()) -> NoReturn:
    """From a widget callback: rerun only what a change of findings affects (`fragments_to_rerun`)."""
    st.rerun(fragments_to_rerun(kb, st.session_state, st.session_state.get(_NOTES_DRAWN, {}), redraw))


def _finding_changed(kb: knowledge.Knowledge) -> None:
    """A finding's own widget changed: the widget already shows its value, so redraw what depends on it."""
    rerun_after_change(kb)


def set_findings(values: Mapping[str, Any], kb: knowledge.Knowledge) -> None:
    """Give some finding widgets a value (a callback, so it runs before the widgets are drawn)."""
    for fid, value in values.items():
        if fid in kb.findings:
            st.session_state[widget_key(fid)] = _widget_value(kb.findings[fid], value)


def _format_boolean(option: Any) -> str:
    if option is True:
        return words.YES
    if option is False:
        return words.NO
    return text.NOT_EXAMINED


def _choice_formatter(labels: Mapping[str, str]):
    def fmt(option: str) -> str:
        if option == NOT_EXAMINED:
            return text.NOT_EXAMINED
        return labels.get(option, option.replace("_", " "))

    return fmt


def _finding_widget(kb: knowledge.Knowledge, fid: str, finding: knowledge.Finding, note: FieldNote | None) -> None:
    key = widget_key(fid)
    help_text = finding.meaning or finding.question or None
    if finding.type == "number":
        integral = finding.step is None or float(finding.step).is_integer()
        label = f"{finding.label} ({finding.unit})" if finding.unit else finding.label
        # No min/max on the widget: the browser would keep showing a value it refused while the engine
        # used the old one. The engine's own range check (`entry.number_problem`) decides instead.
        st.number_input(
            label,
            step=float(finding.step or 1),
            format="%g" if integral else "%.1f",
            key=key,
            help=help_text,
            placeholder=text.NUMBER_PLACEHOLDER,
            on_change=_finding_changed,
            args=(kb,),
        )
    else:
        if finding.type == "boolean":
            options: list[Any] = [NOT_EXAMINED, True, False]
            fmt: Any = _format_boolean
        else:
            options = [NOT_EXAMINED, *(finding.values or ())]
            fmt = _choice_formatter(finding.value_labels or {})
        st.segmented_control(
            finding.label, options, format_func=fmt, key=key, help=help_text, required=True, wrap=True,
            on_change=_finding_changed, args=(kb,),
        )
    if note:
        kind = "lbln-field-note lbln-field-note-info" if note.info else "lbln-field-note"
        st.html(f'<p class="{kind}" data-lbln="field-note" data-finding="{escape(fid)}">{escape(note.text)}</p>')


CHIPS_KEY = "chips"
NEURO_NORMAL_KEY = "neuro_normal"
UNDO_KEY = "undo"
_UNDO_CASE = "lbln.undo_case"


def save_for_undo(case: Mapping[str, Any]) -> None:
    """Keep the case a reset is about to clear, for 'Undo reset'."""
    st.session_state[_UNDO_CASE] = dict(case)


def undo_case() -> dict[str, Any] | None:
    """The case the last reset cleared, while it can still be restored."""
    return st.session_state.get(_UNDO_CASE)


def undo(kb: knowledge.Knowledge) -> None:
    """Restore the case the last reset cleared (a button callback)."""
    saved = st.session_state.pop(_UNDO_CASE, None)
    if saved is not None:
        start(kb, saved)


def _remove_chip(kb: knowledge.Knowledge) -> None:
    fid = st.session_state.get(CHIPS_KEY)
    st.session_state[CHIPS_KEY] = None
    if isinstance(fid, str) and fid in kb.findings:
        st.session_state[widget_key(fid)] = _blank(kb.findings[fid])
        rerun_after_change(kb, [fid])


def _neuro_normal(kb: knowledge.Knowledge) -> None:
    values = entry.neuro_normal(kb, read_case(kb))
    set_findings(values, kb)
    rerun_after_change(kb, values)


def _chip_text(kb: knowledge.Knowledge, case: Mapping[str, Any]):
    def fmt(fid: str) -> str:
        finding = kb.findings[fid]
        return f"{finding.label}: {words.value_text(finding, case.get(fid))} \u2715"

    return fmt


def chips(kb: knowledge.Knowledge, case: Mapping[str, Any]) -> None:
    """The findings entered, as chips that a tap sets back to not examined, with how many are examined.

    A fixed-height strip (it scrolls sideways), so a chip added or removed never moves the findings below it."""
    with st.container(key="lbln-chips"):
        st.html(
            f'<p class="lbln-chips-head" data-lbln="examined">{escape(text.examined_count(len(case), len(kb.findings)))}'
            f'{" · " + escape(text.CHIPS_HELP) if case else ""}</p>'
        )
        if case:
            st.pills(
                text.CHIPS_HEADING, list(case), format_func=_chip_text(kb, case), key=CHIPS_KEY,
                on_change=_remove_chip, args=(kb,), label_visibility="collapsed",
            )


def actions(kb: knowledge.Knowledge, on_reset: Any, on_undo: Any) -> None:
    """Reset and its undo side by side (undo greyed until there is a reset to undo), and one tap for a
    normal neurological examination: always in the same places."""
    with st.container(key="lbln-actions", horizontal=True, gap="small"):
        st.button(text.RESET_LABEL, key=RESET_KEY, on_click=on_reset)
        st.button(text.UNDO_LABEL, key=UNDO_KEY, on_click=on_undo, disabled=undo_case() is None)
        st.button(text.NEURO_NORMAL, key=NEURO_NORMAL_KEY, on_click=_neuro_normal, args=(kb,), help=text.NEURO_NORMAL_HELP)


def group(kb: knowledge.Knowledge, name: str) -> None:
    """Draw the finding widgets of one group with their notes (its fragment's body), and remember the
    notes drawn, so that a later change reruns this group only when they change."""
    notes = field_notes(kb, name, st.session_state)
    st.session_state.setdefault(_NOTES_DRAWN, {})[name] = notes
    for fid in groups(kb)[name]:
        _finding_widget(kb, fid, kb.findings[fid], notes.get(fid))
