"""The bedside page: the triage banner on top; findings on the left; red flags, ranking, next
question, workup and why on the right.

The red-flag cards open the right column rather than sitting above both columns: a tap that fires
a flag then never moves the findings column under the clinician's finger (the banner above keeps
one line and sticks on screen, so the level is seen wherever the page is scrolled).

Read -> decide -> draw: the widgets' values (in session state) become a case dict, `knowledge.assess`
decides, the panels draw. The page URL is kept equal to the case, so a copied link reopens it.
"""

from __future__ import annotations

import streamlit as st

import knowledge
from dashboard.bedside import inputs, link, panels
from dashboard.common import dropped_link, page


def _reset() -> None:
    inputs.reset(page.knowledge_base())
    link.forget_link_problems()
    st.session_state[panels.EXPORT_LABEL_KEY] = ""  # a new patient: no label carried over


def render() -> None:
    """Draw the bedside page."""
    kb = page.knowledge_base()
    names = page.short_names()

    opened = link.case_from_link_once(kb)
    if opened is not None:
        inputs.start(kb, opened)

    case = inputs.read_case(kb)
    assessment = knowledge.assess(case, kb)
    link.write_link(case, kb)

    page.style()
    panels.header(assessment.knowledge_version)
    panels.banner(assessment)
    panels.link_problems(link.link_problems())
    dropped_link.guard()

    left, right = st.columns([0.42, 0.58], gap="medium")
    with left:
        inputs.render(kb, on_reset=_reset)
    with right:
        panels.flags(assessment, kb)
        panels.ranking(assessment, names)
        panels.next_question(assessment)
        panels.workup(assessment, kb)
        panels.why(assessment, kb, names)
        panels.summary_download(assessment, kb)
