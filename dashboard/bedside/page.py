"""The bedside page: the answer and the action stay in view (issue 11).

Landscape: the findings on the left scroll with the page; the results column on the right sticks to
the screen (banner with the first action, any number check, the highest flag's card, the reconciling
line, the chart, then the rest, scrolling on its own if taller than the screen). Portrait: the columns
stack (findings first) under a pinned strip of fixed height (triage, first action or, on a routine
triage, the first number check, top three causes, a link to the full results). Which layout shows
is decided by the style block's media queries; the server draws both.

Read -> decide -> draw: the widgets' values become a case dict, `knowledge.assess` decides, the panels
draw. The page URL is kept equal to the case, so a copied link reopens it.

What a tap reruns: the page is drawn in keyed fragments (the strip, the chips, the results column,
one per group of findings); a finding's widget reruns the strip, the chips and the results, and only
the groups whose widgets or notes change (`inputs.fragments_to_rerun`). The title, the style block,
the link notice, the summary label and download button (drawn once per case: they build the file on
click from the assessment the results column holds for them) and the other finding widgets are neither
rerun nor sent again.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import knowledge
from dashboard.bedside import entry, inputs, link, panels, text
from dashboard.common import dropped_link, page, theme, words


def _reset() -> None:
    kb = page.knowledge_base()
    inputs.save_for_undo(inputs.read_case(kb))
    inputs.reset(kb)
    link.forget_link_problems()
    st.session_state[panels.EXPORT_LABEL_KEY] = ""  # a new patient: no label carried over


def _undo() -> None:
    inputs.undo(page.knowledge_base())


def assessment_of(kb: knowledge.Knowledge, case: dict[str, object]) -> knowledge.Assessment:
    """`knowledge.assess` of the case, once per case in a session (`inputs.assessed`): a tap reruns the
    strip and the results, which both need it, and a why pick reruns the results with the same case (and
    its safety questions)."""
    return inputs.assessed(kb, case)


@st.fragment(key=inputs.STRIP_FRAGMENT)
def _strip() -> None:
    """The portrait pinned strip (hidden on a landscape screen by the style block)."""
    kb = page.knowledge_base()
    case = inputs.read_case(kb)
    panels.strip(assessment_of(kb, case), page.short_names(), entry.number_checks(kb, case, inputs.session_assess(kb)))


@st.fragment(key=inputs.CHIPS_FRAGMENT)
def _chips() -> None:
    """The findings entered, as chips, and how many are examined."""
    kb = page.knowledge_base()
    inputs.chips(kb, inputs.read_case(kb))


_GROUPS: dict[str, Callable[[], None]] = {}


def _group(name: str) -> Callable[[], None]:
    """The fragment of one group of findings (made once per group, keyed by it)."""
    if name not in _GROUPS:
        def draw() -> None:
            inputs.group(page.knowledge_base(), name)

        _GROUPS[name] = st.fragment(draw, key=inputs.group_fragment(name))
    return _GROUPS[name]


@st.fragment(key=inputs.RESULTS_FRAGMENT)
def _results() -> None:
    """The results column, and the page URL kept equal to the case."""
    kb = page.knowledge_base()
    names = page.short_names()
    case = inputs.read_case(kb)
    assessment = assessment_of(kb, case)
    panels.hold_for_export(assessment)  # first: a download tapped just after this tap gets this case
    link.write_link(case, kb)
    panels.banner(assessment, entry.number_checks(kb, case, inputs.session_assess(kb)), entry.read_as_line(case))
    panels.ranking(assessment, names)
    panels.why_urgent(assessment, kb, names)
    panels.why(assessment, kb, names)
    panels.next_question(assessment, kb)
    panels.flags_and_workup(assessment, kb)
    panels.copy_buttons(assessment, kb, names)


def render() -> None:
    """Draw the bedside page."""
    kb = page.knowledge_base()
    opened = link.case_from_link_once(kb)
    if opened is not None:
        inputs.start(kb, opened)

    page.style(theme.BEDSIDE_STYLE)
    panels.copy_script()
    panels.header(kb.version)
    panels.link_problems(link.link_problems())
    dropped_link.guard()
    with st.container(key="lbln-strip"):
        _strip()
    with st.container(key="lbln-cols"):  # the style block stacks these columns on a portrait screen
        left, right = st.columns([0.44, 0.56], gap="medium")
    with left, st.container(key="lbln-findings"):
        inputs.actions(kb, on_reset=_reset, on_undo=_undo)
        _chips()
        for name in inputs.groups(kb):
            with st.expander(words.group_title(name), expanded=name in text.GROUPS_OPEN):
                _group(name)()
    with right, st.container(key="lbln-results"):
        st.html('<div id="lbln-results" data-lbln="results-top"></div>')  # the strip's 'Full results' link
        _results()
        panels.summary_download(kb)
