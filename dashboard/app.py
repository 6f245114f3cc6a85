"""The app: page configuration and navigation. `streamlit_app.py` calls `run()`.

Three pages: the bedside assessment (default), teaching (case library, student view, class
links), and knowledge and sources (every number and rule with its source).

Links may name the page in two ways: by path (`/teach?case=<id>`) or by the `page` query
parameter (`/?page=teach&case=<id>`, the form older class links and the case library's header
use). The second is turned into the first by one `st.switch_page`, which drops `page` from the
URL and keeps every other parameter, so it can never loop.

A broken knowledge or case library file raises `knowledge.KnowledgeError` while a page loads it;
the app shows its message (file, entry, field, problem) and stops, rather than Streamlit's
"error redacted" page, so a reviewer of a data change sees what to fix.

Login (issue 13): with `LBLN_LOGIN=required` in the environment (a network deployment: deploy/,
`make serve`), no page runs until the user has logged in with Streamlit's own OIDC login (`st.login`,
the identity provider set in the `[auth]` section of secrets.toml). Unset or any other value, the app
behaves exactly as on a single laptop, with no login.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

import knowledge
from dashboard.bedside import page as bedside
from dashboard.common import words
from dashboard.common.markdown import md_escape
from dashboard.sources import page as sources
from dashboard.teaching import page as teach

ROUTED_PAGES = ("teach", "sources")
"""Values of the `page` query parameter that open another page than the bedside one."""


BEDSIDE_ALIAS = "bedside"
"""A hidden url path that opens the bedside page, which Streamlit serves at "/" as the default page."""


def routed_page(params: Mapping[str, str], current: str) -> str | None:
    """The page to switch to (pure): the one a `?page=` parameter names, else the bedside page when the
    address is the `/bedside` alias (one address for the page: it moves to "/" with the case kept), else
    None."""
    wanted = params.get("page")
    if wanted in ROUTED_PAGES and wanted != current:
        return wanted
    if current == BEDSIDE_ALIAS:
        return "bedside"
    return None


LOGIN_ENV = "LBLN_LOGIN"


def login_required() -> bool:
    """Whether this deployment asks for a login (`LBLN_LOGIN=required`); off by default."""
    return os.environ.get(LOGIN_ENV, "").strip().lower() == "required"


def _login_gate() -> None:
    """Stop the run, showing only a login button, until the user has logged in at the identity provider."""
    try:
        configured = "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        configured = False
    if not configured:
        # Fail closed: a deployment that asks for a login never serves the pages without one.
        st.error(f"Login is required ({LOGIN_ENV}=required) but secrets.toml has no [auth] section: see deploy/README.md.")
        st.stop()
    # `.get`, not `.is_logged_in`: a user record without the field (Streamlit's AppTest) counts as logged out.
    if not st.user.get("is_logged_in", False):
        st.title(words.APP_TITLE)
        st.write("Log in with your hospital account to use this app.")
        st.button("Log in", type="primary", on_click=st.login)
        st.stop()
    st.sidebar.button("Log out", on_click=st.logout)


def run() -> None:
    """Configure the page and run the chosen one."""
    st.set_page_config(page_title=words.APP_TITLE, layout="wide", initial_sidebar_state="collapsed")
    if login_required():
        _login_gate()
    pages = {
        # The default page is served at "/": Streamlit does not use its url_path for the address, only
        # as its key, which must not be the alias's (taken from the title, both would be "bedside").
        "bedside": st.Page(bedside.render, title=words.BEDSIDE_TITLE, url_path="main", default=True),
        "teach": st.Page(teach.render, title=words.TEACH_TITLE, url_path="teach"),
        "sources": st.Page(sources.render, title=words.SOURCES_TITLE, url_path="sources"),
        # "/bedside", the page's name in links people type or keep, opens it too: without this page
        # Streamlit showed its "Page not found" dialog over the bedside page.
        "bedside_alias": st.Page(bedside.render, title=words.BEDSIDE_TITLE, url_path=BEDSIDE_ALIAS,
                                     visibility="hidden"),
    }
    page = st.navigation(list(pages.values()), position="top")
    params = st.query_params.to_dict()
    target = routed_page(params, page.url_path)
    if target is not None:
        kept = {name: st.query_params.get_all(name) for name in st.query_params if name != "page"}
        st.switch_page(pages[target], query_params=kept)
    try:
        page.run()
    except knowledge.KnowledgeError as err:
        # Only the package's own errors: they carry a message written for the person who edits the
        # data. Anything else is a bug and keeps Streamlit's handling.
        st.error(f"**{md_escape(words.DATA_BROKEN)}**\n\n{md_escape(str(err))}")
        st.stop()
