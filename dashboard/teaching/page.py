"""The teaching page: the case library, a case in student view, its answer, and the class link.

Read -> decide -> draw. The URL says which case is open and how this screen opened it:

- `/teach?case=<code>` (or `/?page=teach&case=<code>`): the class link. The case opens with the
  answer hidden. `<code>` is the case's short link code; its id works too, but many ids name the
  diagnosis, so the page shows and encodes only the code.
- `&reveal=1`: the TEACHER'S projector link. The answer is shown at once on the screen that opens
  it. Never give it to students.
- `&view=projector`: large type and high contrast, with the class link and its QR code.

A guess committed on this screen, and a reveal toggled on it, live in this session only. Every
screen is its own Streamlit session and nothing is shared between sessions, so revealing the
answer on the teacher's screen never shows it on a student's: each student sees it after
committing a guess or revealing it on their own screen. Nothing is written to disk or logged.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

import knowledge
from casebook import CaseLibrary, TeachingCase, case_code, code_index, grade_guess, load_library
from dashboard.common import case_url, dropped_link, page
from dashboard.teaching import class_page
from dashboard.teaching import class_text as ct
from dashboard.teaching import links as teach_links
from dashboard.teaching import panels as tp
from dashboard.teaching import text as tt

REVEALED = "teach.revealed"
"""Session key: the ids of the cases whose answer this screen has revealed."""
COMMITTED = "teach.committed"
"""Session key: case id -> the guess committed on this screen ({'causes': [...], 'triage': ...})."""


@st.cache_resource(show_spinner=False)
def case_library() -> CaseLibrary:
    """The validated case library, loaded once per server process."""
    return load_library()


@st.cache_resource(show_spinner=False)
def link_codes() -> dict[str, str]:
    """Link code -> case id for the library, made once per server process."""
    return code_index(case_library().ids)


def _base_url() -> str:
    """The app's base URL as this browser reaches it (for the class link and the QR code)."""
    try:
        url = st.context.url
        host = st.context.headers.get("Host")
    except (AttributeError, KeyError, RuntimeError):  # no request behind the session (tests)
        url, host = None, None
    return teach_links.link_base(url, host)


# --- callbacks: they change the URL or this session's state; the rerun draws the result -------------


def _view_params() -> dict[str, str]:
    return {"view": teach_links.VIEW_PROJECTOR} if st.query_params.get("view") == teach_links.VIEW_PROJECTOR else {}


def _open(case_id: str) -> None:
    st.query_params.from_dict({"case": case_code(case_id), **_view_params()})


def _back() -> None:
    st.query_params.from_dict(_view_params())


def _toggle_projector() -> None:
    if st.session_state[tp.PROJECTOR_KEY]:
        st.query_params["view"] = teach_links.VIEW_PROJECTOR
    elif "view" in st.query_params:
        del st.query_params["view"]


def _toggle_reveal(case_id: str) -> None:
    revealed: set[str] = st.session_state.setdefault(REVEALED, set())
    if st.session_state[tp.REVEAL_KEY]:
        revealed.add(case_id)
    else:
        revealed.discard(case_id)
        if "reveal" in st.query_params:  # so that the address bar holds a student's link again
            del st.query_params["reveal"]


def _commit(case_id: str) -> None:
    causes = list(st.session_state.get(tp.guess_key(case_id)) or [])
    triage = st.session_state.get(tp.triage_key(case_id))
    if causes and len(causes) <= tt.MAX_GUESSES and triage in tp.TRIAGES:
        st.session_state.setdefault(COMMITTED, {})[case_id] = {"causes": causes, "triage": triage}


# --- the page ---------------------------------------------------------------------------------------


def render() -> None:
    """Draw the teaching page: the library, or the case the link names."""
    kb = page.knowledge_base()
    library = case_library()
    qp = st.query_params
    if class_page.wanted({name: qp.get_all(name) for name in qp}):
        tp.style(False)
        with st.container(key="teach-main"):
            dropped_link.guard()
            class_page.render(_base_url())
        return
    # every value of each name: a `case` or `reveal` given twice is named, never silently resolved
    link = teach_links.read_link({name: qp.get_all(name) for name in qp}, link_codes(), library.ids)
    tp.style(link.projector)
    with st.container(key="teach-main"):
        tp.link_problems(link.problems)
        dropped_link.guard()
        case = library.get(link.case_id) if link.case_id else None
        if case is None:
            tp.library(library, kb, _open)
            class_page.join_box()
            if st.session_state.pop(class_page.ACT_LOST, False):
                st.warning(ct.STORE_LOST)
            return
        code = case_code(case.id)
        if st.query_params.get("case") != code:  # a link by id: show the code, which does not name the diagnosis
            st.query_params["case"] = code
        revealed: set[str] = st.session_state.setdefault(REVEALED, set())
        if link.reveal:
            revealed.add(case.id)
        committed = st.session_state.setdefault(COMMITTED, {}).get(case.id)
        _case(case, kb, link.projector, revealed=case.id in revealed, committed=committed)


def _case(case: TeachingCase, kb: knowledge.Knowledge, projector: bool, *, revealed: bool, committed: dict[str, Any] | None) -> None:
    names = page.short_names()
    shown = revealed or committed is not None
    base = _base_url()
    class_link = teach_links.class_link(base, case.id)

    head, controls = st.columns([0.64, 0.36], gap="medium", vertical_alignment="bottom")
    with head:
        tp.case_header(case, kb, _back)
    with controls:
        st.session_state[tp.PROJECTOR_KEY] = projector
        st.toggle(tt.PROJECTOR_TOGGLE, key=tp.PROJECTOR_KEY, on_change=_toggle_projector, help=tt.PROJECTOR_HELP)
        st.session_state[tp.REVEAL_KEY] = shown
        st.toggle(
            tt.REVEAL_TOGGLE,
            key=tp.REVEAL_KEY,
            on_change=_toggle_reveal,
            args=(case.id,),
            disabled=committed is not None,
            help=tt.REVEAL_LOCKED_HELP if committed is not None else tt.REVEAL_HELP,
        )
        st.button(ct.START_CLASS, key="class.start", on_click=class_page.start_class, args=(case,), help=ct.START_CLASS_HELP,
                  icon=":material/groups:", width="stretch")
        if st.session_state.pop(class_page.ACT_LOST, False):
            st.warning(ct.STORE_LOST)

    grade = grade_guess(case, committed["causes"], committed["triage"]) if committed else None
    left, right = st.columns([0.62, 0.38] if projector else [0.56, 0.44], gap="large")
    with left:
        tp.story_and_findings(case, kb)
    with right:
        if shown:  # the answer goes where the eye is, at the top beside the story: above the fold on a projector
            tp.answer_block(case, kb, grade)
        if projector:  # below a revealed answer the QR code is smaller, so both stay on the screen
            with st.container(key="teach-share-revealed" if shown else "teach-share"):
                st.html(f'<p class="lbln-h">{tt.SHARE_HEADING}</p>')
                tp.share(class_link, None)
        else:
            if revealed and committed is None:  # guessing is closed: fold the locked form away under the answer
                with st.expander(tt.GUESS_CLOSED_EXPANDER):
                    tp.guess(case, names, committed, closed=True, on_commit=_commit)
            else:
                tp.guess(case, names, committed, closed=revealed, on_commit=_commit)
            with st.expander(tt.SHARE_EXPANDER):
                tp.share(class_link, teach_links.class_link(base, case.id, reveal=True))

    if not shown:
        tp.hidden_note()
        return
    if not case.engine_agrees:
        st.html(tp.misleads_html(case))
    assessment = knowledge.assess(dict(case.findings), kb)
    bedside = teach_links.bedside_link(base, case_url.encode(case.findings, kb))
    with st.container(key="teach-result"):
        points_col, engine_col = st.columns([0.5, 0.5], gap="large")
        with points_col:
            tp.points_and_sources(case, kb, bedside)
        with engine_col:
            tp.engine(assessment, kb, names, projector)
