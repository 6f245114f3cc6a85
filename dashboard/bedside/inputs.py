"""The finding widgets: one per finding of the knowledge, grouped the way a clinician examines.

Every finding starts *not examined*. A yes/no finding is a three-way choice (not examined / yes /
no); a choice finding offers *not examined* beside its values; a number is empty until entered.
Widget keys are named from the finding id (`f.size_cm`), so tests, the URL and the case map one
to one. The widgets' values live in `st.session_state`, set once per session (from the link) and
by the reset; the widgets are never given a second default.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import streamlit as st

import knowledge
from dashboard.bedside import entry, text
from dashboard.common import words

NOT_EXAMINED = text.NOT_EXAMINED
"""The option (and session-state value) of a finding not examined; a number uses None."""
KEY_PREFIX = "f."
RESET_KEY = "reset"


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
    case; `number_problems` says why."""
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


def number_problems(kb: knowledge.Knowledge) -> dict[str, str]:
    """Each number entered that the engine cannot use, with the engine's own words (and its unit hint)."""
    out = {}
    for fid, finding in kb.findings.items():
        if finding.type == "number":
            problem = entry.number_problem(kb, fid, st.session_state.get(widget_key(fid)))
            if problem:
                out[fid] = problem
    return out


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


def _finding_widget(fid: str, finding: knowledge.Finding, note: str | None) -> None:
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
        )
    else:
        if finding.type == "boolean":
            options: list[Any] = [NOT_EXAMINED, True, False]
            fmt: Any = _format_boolean
        else:
            options = [NOT_EXAMINED, *(finding.values or ())]
            fmt = _choice_formatter(finding.value_labels or {})
        st.segmented_control(finding.label, options, format_func=fmt, key=key, help=help_text, required=True, wrap=True)
    if note:
        st.html(f'<p class="lbln-field-note" data-lbln="field-note" data-finding="{escape(fid)}">{escape(note)}</p>')


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
    if isinstance(fid, str) and fid in kb.findings:
        st.session_state[widget_key(fid)] = _blank(kb.findings[fid])
    st.session_state[CHIPS_KEY] = None


def _neuro_normal(kb: knowledge.Knowledge) -> None:
    set_findings(entry.neuro_normal(kb, read_case(kb)), kb)


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


def render(kb: knowledge.Knowledge, case: Mapping[str, Any], on_reset: Any, on_undo: Any) -> None:
    """Draw the actions, the chips, and every finding widget, grouped; the groups used most start open."""
    actions(kb, on_reset, on_undo)
    chips(kb, case)
    problems = number_problems(kb)
    age = case.get("age_years")
    by_group: dict[str, list[str]] = {}
    for fid, finding in kb.findings.items():
        by_group.setdefault(finding.group, []).append(fid)
    order = [g for g in words.GROUP_TITLES if g in by_group] + [g for g in by_group if g not in words.GROUP_TITLES]
    for group in order:
        title = words.GROUP_TITLES.get(group, group.capitalize())
        with st.expander(title, expanded=group in text.GROUPS_OPEN):
            for fid in by_group[group]:
                note = problems.get(fid)
                if note:
                    note = f"{note} {text.NOT_USED}"
                else:
                    reason = entry.not_applicable(kb, fid, age)
                    note = f"{text.NOT_APPLICABLE.format(age=age)}: {reason}" if reason else None
                _finding_widget(fid, kb.findings[fid], note)
