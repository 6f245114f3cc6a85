"""The bedside page's URL: the case opened from the link once per session, and kept equal to the case.

The encoding itself (findings to query parameters and back) is `dashboard.common.case_url`, shared
with the teaching page's 'open at the bedside' link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

import knowledge
from dashboard.common.case_url import RESERVED_PARAMS, LinkProblem, decode, encode

_LOADED = "lbln.url_loaded"
_PROBLEMS = "lbln.url_problems"


def case_from_link_once(kb: knowledge.Knowledge) -> dict[str, Any] | None:
    """On the first run of a session, the case in the page URL (None on later runs).

    The problems of the link are kept for `link_problems` until the user resets the case.
    """
    if st.session_state.get(_LOADED):
        return None
    st.session_state[_LOADED] = True
    case, problems = decode(link_params(), kb)
    st.session_state[_PROBLEMS] = problems
    return case


def link_params() -> dict[str, list[str]]:
    """Every parameter of the page URL with all its values (`to_dict` would keep only the last one of a repeated name)."""
    qp = st.query_params
    return {name: qp.get_all(name) for name in qp}


def link_problems() -> list[LinkProblem]:
    """The parameters of the opening link that could not be used."""
    return st.session_state.get(_PROBLEMS, [])


def forget_link_problems() -> None:
    """Stop showing the link's problems (after a reset)."""
    st.session_state[_PROBLEMS] = []


def write_link(case: Mapping[str, Any], kb: knowledge.Knowledge) -> None:
    """Make the page URL carry exactly the examined findings (reserved parameters are kept)."""
    want = encode(case, kb)
    qp = st.query_params
    # every value: a finding given twice in the URL is rewritten to the one value the case holds (or none)
    have = {name: qp.get_all(name) for name in qp if name not in RESERVED_PARAMS}
    if have == {name: [text] for name, text in want.items()}:
        return
    kept = {name: qp.get_all(name) for name in qp if name in RESERVED_PARAMS}
    qp.from_dict({**kept, **want})
