"""The app: page configuration and navigation. `streamlit_app.py` calls `run()`.

Three pages: the bedside assessment (default), teaching (case library, student view, class
links), and knowledge and sources (every number and rule with its source).
"""

from __future__ import annotations

import streamlit as st

from dashboard import text
from dashboard.pages import bedside, sources, teach


def run() -> None:
    """Configure the page and run the chosen one."""
    st.set_page_config(page_title=text.APP_TITLE, layout="wide", initial_sidebar_state="collapsed")
    page = st.navigation(
        [
            st.Page(bedside.render, title=text.BEDSIDE_TITLE, url_path="bedside", default=True),
            st.Page(teach.render, title="Teaching cases", url_path="teach"),
            st.Page(sources.render, title="Knowledge and sources", url_path="sources"),
        ],
        position="top",
    )
    page.run()
