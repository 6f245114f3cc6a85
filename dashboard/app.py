"""The app: page configuration and navigation. `streamlit_app.py` calls `run()`.

Only the bedside page exists for now; teaching and knowledge pages join the navigation later.
"""

from __future__ import annotations

import streamlit as st

from dashboard import text
from dashboard.pages import bedside


def run() -> None:
    """Configure the page and run the chosen one."""
    st.set_page_config(page_title=text.APP_TITLE, layout="wide", initial_sidebar_state="collapsed")
    page = st.navigation([st.Page(bedside.render, title=text.BEDSIDE_TITLE, url_path="bedside", default=True)])
    page.run()
