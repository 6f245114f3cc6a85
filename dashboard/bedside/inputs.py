"""The finding widgets: one per finding of the knowledge, grouped the way a clinician examines.

Every finding starts *not examined*. A yes/no finding is a three-way choice (not examined / yes /
no); a choice finding offers *not examined* beside its values; a number is empty until entered.
Widget keys are named from the finding id (`f.size_cm`), so tests, the URL and the case map one
to one. The widgets' values live in `st.session_state`, set once per session (from the link) and
by the reset; the widgets are never given a second default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

import knowledge
from dashboard.bedside import text
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
    """The case the widgets hold: only the examined findings (a finding left out is unknown)."""
    case: dict[str, Any] = {}
    state = st.session_state
    for fid in kb.findings:
        value = state.get(widget_key(fid))
        if value is None or (isinstance(value, str) and value == NOT_EXAMINED):
            continue
        case[fid] = value
    return case


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


def _finding_widget(fid: str, finding: knowledge.Finding) -> None:
    key = widget_key(fid)
    help_text = finding.meaning or finding.question or None
    if finding.type == "number":
        integral = finding.step is None or float(finding.step).is_integer()
        label = f"{finding.label} ({finding.unit})" if finding.unit else finding.label
        st.number_input(
            label,
            min_value=float(finding.min),
            max_value=float(finding.max),
            step=float(finding.step or 1),
            format="%g" if integral else "%.1f",
            key=key,
            help=help_text,
            placeholder=text.NUMBER_PLACEHOLDER,
        )
        return
    if finding.type == "boolean":
        options: list[Any] = [NOT_EXAMINED, True, False]
        fmt: Any = _format_boolean
    else:
        options = [NOT_EXAMINED, *(finding.values or ())]
        fmt = _choice_formatter(finding.value_labels or {})
    st.segmented_control(finding.label, options, format_func=fmt, key=key, help=help_text, required=True, wrap=True)


def render(kb: knowledge.Knowledge, on_reset: Any) -> None:
    """Draw the reset button and every finding widget, grouped; the groups used most start open."""
    st.button(text.RESET_LABEL, key=RESET_KEY, on_click=on_reset, width="stretch")
    by_group: dict[str, list[str]] = {}
    for fid, finding in kb.findings.items():
        by_group.setdefault(finding.group, []).append(fid)
    order = [g for g in words.GROUP_TITLES if g in by_group] + [g for g in by_group if g not in words.GROUP_TITLES]
    for group in order:
        title = words.GROUP_TITLES.get(group, group.capitalize())
        with st.expander(title, expanded=group in text.GROUPS_OPEN):
            for fid in by_group[group]:
                _finding_widget(fid, kb.findings[fid])
