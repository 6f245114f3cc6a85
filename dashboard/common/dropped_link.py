"""A link Streamlit drops before the app sees it, said on the page (issue 13, item 2; review D13).

Streamlit hands the app no query at all when the browser's query string has more than 1,000 fields
or more than 512 Ki characters: the script then sees an empty link and would silently open an empty
case. The server cannot tell that case from a link with no parameters, so the check runs in the
browser: a constant message, hidden, and a constant script that shows it when the address bar's
query is over Streamlit's limits. Nothing from the URL is written into the page: the script only
counts characters and '&'.

Links within Streamlit's limits but over the app's own (`case_url.size_problem`) are told on the
server.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.state import query_params as _st_query

from dashboard.common import theme

# Streamlit's own limits (1.67: 1,000 fields, 512 Ki characters); the defaults if a release renames them.
MAX_FIELDS: int = getattr(_st_query, "CLIENT_STATE_QUERY_STRING_MAX_FIELDS", 1000)
MAX_LENGTH: int = getattr(_st_query, "CLIENT_STATE_QUERY_STRING_MAX_LENGTH", 512 * 1024)

ELEMENT_ID = "lbln-dropped-link"
MESSAGE = (
    f"This link is too long to open: it has more than {MAX_FIELDS:,} parameters or more than "
    f"{MAX_LENGTH:,} characters, so none of it reached the app and no finding was taken from it. "
    "A case link has one parameter per finding; ask for a fresh link, or enter the findings here."
)


def guard_html() -> str:
    """The hidden message and the script that shows it (constant text: nothing from the URL)."""
    return (
        f'<div id="{ELEMENT_ID}" data-lbln="dropped-link" role="alert" style="display:none;background:{theme.LEVELS["emergency"].tint};'
        f'color:{theme.TEXT};border-left:6px solid {theme.AVOID};border-radius:6px;padding:.6rem .9rem;margin:.2rem 0 .4rem 0">{MESSAGE}</div>'
        "<script>(function(){var q=window.location.search.replace(/^\\?/,'');"
        f"if(q&&(q.length>{MAX_LENGTH}||q.split('&').length>{MAX_FIELDS}))"
        f"{{var e=document.getElementById('{ELEMENT_ID}');if(e){{e.style.display='block';}}}}}})();</script>"
    )


def guard() -> None:
    """Draw the guard (at the top of a page that reads its link)."""
    st.html(guard_html(), unsafe_allow_javascript=True)
