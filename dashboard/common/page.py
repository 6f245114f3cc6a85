"""What every page does first: the knowledge held once per server, chart labels, the style block.

The knowledge is loaded and validated once per server process (`st.cache_resource`) and shared by
every session; it is immutable afterwards.
"""

from __future__ import annotations

import streamlit as st

import knowledge
from dashboard.common import theme


@st.cache_resource(show_spinner=False)
def knowledge_base() -> knowledge.Knowledge:
    """The validated knowledge, loaded once per server process and shared by every session."""
    return knowledge.load_knowledge()


@st.cache_resource(show_spinner=False)
def short_names() -> dict[str, str]:
    """Chart labels of the causes, made once per server."""
    return {cid: cause.short for cid, cause in knowledge_base().causes.items()}


def style(block: str = theme.STYLE) -> None:
    """Inject the small style block (touch targets, level colours, print layout), or a page's own block
    built on it (theme.BEDSIDE_STYLE)."""
    st.html(block)
