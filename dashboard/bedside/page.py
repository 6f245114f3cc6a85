"""The bedside page: the answer and the action stay in view (issue 11).

Landscape: the findings on the left scroll with the page; the results column on the right sticks to
the screen (banner with the first action, the highest flag's card, the reconciling line, the chart,
then the rest, scrolling on its own if taller than the screen). Portrait: the columns stack (findings
first) under a pinned strip of fixed height (triage, first action, top three causes, a link to the full
results). Which layout shows is decided by the style block's media queries; the server draws both.

Inputs and results are one fragment, so a tap reruns them alone (not the title, style block or link
notice). Read -> decide -> draw: the widgets' values become a case dict, `knowledge.assess` decides,
the panels draw. The page URL is kept equal to the case, so a copied link reopens it.
"""

from __future__ import annotations

import streamlit as st

import knowledge
from dashboard.bedside import inputs, link, panels
from dashboard.common import dropped_link, page


def _reset() -> None:
    kb = page.knowledge_base()
    inputs.save_for_undo(inputs.read_case(kb))
    inputs.reset(kb)
    link.forget_link_problems()
    st.session_state[panels.EXPORT_LABEL_KEY] = ""  # a new patient: no label carried over


def _undo() -> None:
    inputs.undo(page.knowledge_base())


@st.fragment
def _body() -> None:
    """Findings and results: a tap reruns only this."""
    kb = page.knowledge_base()
    names = page.short_names()
    case = inputs.read_case(kb)
    assessment = knowledge.assess(case, kb)
    link.write_link(case, kb)

    panels.strip(assessment, names)
    left, right = st.columns([0.44, 0.56], gap="medium")
    with left, st.container(key="lbln-findings"):
        inputs.render(kb, case, on_reset=_reset, on_undo=_undo)
    with right, st.container(key="lbln-results"):
        st.html('<div id="lbln-results" data-lbln="results-top"></div>')
        panels.banner(assessment)
        panels.top_flag(assessment)
        panels.ranking(assessment, names)
        panels.why_urgent(assessment, kb, names)
        panels.why(assessment, kb, names)
        panels.next_question(assessment, kb)
        panels.flags(assessment, kb)
        panels.workup(assessment, kb)
        panels.copy_buttons(assessment, kb, names)
        panels.summary_download(assessment, kb)


def render() -> None:
    """Draw the bedside page."""
    kb = page.knowledge_base()
    opened = link.case_from_link_once(kb)
    if opened is not None:
        inputs.start(kb, opened)

    page.style()
    panels.header(kb.version)
    panels.link_problems(link.link_problems())
    dropped_link.guard()
    _body()
