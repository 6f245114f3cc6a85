"""The knowledge and sources page: every number, rule and step the navigator uses, with its source.

For reviewers and the curious, not for the bedside: one tab per kind of entry (causes and their
priors, findings, likelihoods, red flags, workup, named definitions, the source registry), each a
sortable table with the source, whether the figure is the project's own estimate, and the note
saying how it was made. A text filter and an "only estimates" switch act on every tab.

Below the tabs, two sections (issue 10): the ranking's accuracy on published cases, read from
validation/report/summary.json by `dashboard.sources.accuracy` (pure; read once per file modification
time), with a one-line headline beside the knowledge version at the top; and the ranking's structure
(causes that are mixtures of states, groups of correlated findings; knowledge/data/model.yaml).

The tables are built by `dashboard.sources.tables` (pure) once per server and knowledge version.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st

import knowledge
from dashboard.common import page, theme, words
from dashboard.common.markdown import md_escape
from dashboard.sources import accuracy as measured
from dashboard.sources import tables as knowledge_tables
from dashboard.sources import text

FILTER_KEY = "kn.filter"
ESTIMATES_KEY = "kn.estimates"
CAUSE_KEY = "kn.cause"
FINDING_KEY = "kn.finding"
LIKELIHOOD_VIEW_KEY = "kn.like_view"
FLAG_RULE_KEY = "kn.flag_rule"
WORKUP_RULE_KEY = "kn.workup_rule"
TABLE_HEIGHT = 460
"""Height in pixels of the long tables (they scroll inside; the page stays short)."""

_WIDE = st.column_config.TextColumn(width="large")
_PROVENANCE = {
    "source": st.column_config.TextColumn(width="medium"),
    "estimate": st.column_config.CheckboxColumn(help=text.KN_ESTIMATE_HELP),
    "note": st.column_config.TextColumn(width="large", help=text.KN_NOTE_HELP),
}


@st.cache_resource(show_spinner=False)
def _tables(version: str) -> knowledge_tables.Tables:
    """The tables of the knowledge, built once per server process and knowledge version."""
    kb = page.knowledge_base()
    assert kb.version == version
    return knowledge_tables.build_all(kb)


def _show(frame: pd.DataFrame, shown: pd.DataFrame, config: dict, *, note: str = "", height: int | str = TABLE_HEIGHT) -> None:
    """One table under a line saying how many of its rows the filters keep (and what it holds).

    The first column (the name of each row) stays in view while the table scrolls sideways.
    """
    no_estimates = "estimate" not in frame.columns and st.session_state.get(ESTIMATES_KEY)
    count = text.KN_NO_ESTIMATES if no_estimates else text.kn_showing(len(shown), len(frame))
    st.caption(f"**{count}.** {note}" if note else f"**{count}.**")
    first = frame.columns[0]
    pinned = {first: st.column_config.Column(pinned=True)} if first not in config else {}
    st.dataframe(shown, hide_index=True, column_config={**_PROVENANCE, **pinned, **config}, height=height, width="stretch")


def _header(kb: knowledge.Knowledge, tables: knowledge_tables.Tables, acc: measured.Accuracy) -> None:
    """Title, the knowledge version as a badge with the measured accuracy in one line beside it (a link
    to the section), and how many entries of each kind are estimates."""
    counts = " · ".join(
        f"<b>{escape(row['entries'])}</b> {row['estimates']} of {row['count']}"
        + (f" ({row['estimates %']}%)" if 0 < row["estimates"] < row["count"] else "")
        for row in tables.counts.to_dict("records")
    )
    st.html(
        f'<h1 class="lbln-title" data-lbln="kn-title" style="padding:0">{escape(words.SOURCES_TITLE)} '
        f'<span data-lbln="kn-version" style="display:inline-block;margin-left:.5rem;padding:0 .5rem;'
        f'border:2px solid {theme.PRIMARY};border-radius:6px;color:{theme.PRIMARY};font-size:1.05rem;vertical-align:middle">'
        f"{escape(text.KN_VERSION)} {escape(kb.version)}</span></h1>"
        f'<p class="lbln-meta" data-lbln="kn-accuracy" style="margin:.15rem 0 0 0">{escape(measured.headline(acc, kb.version))} '
        f'<a href="#{text.ACC_ANCHOR}">{escape(text.ACC_LINK)}</a>.</p>'
        f'<p class="lbln-meta" style="margin:.15rem 0 0 0">{escape(text.KN_INTRO)}</p>'
        f'<p class="lbln-meta" data-lbln="kn-counts" style="margin:.1rem 0 0 0">{escape(text.KN_COUNTS)}: {counts}; '
        f"{len(kb.sources)} {escape(text.KN_SOURCES_IN_REGISTRY)}.</p>"
    )


def _likelihoods(kb: knowledge.Knowledge, tables: knowledge_tables.Tables, needle: str, only_estimates: bool) -> None:
    pick_cause, pick_finding, pick_view = st.columns([0.35, 0.35, 0.3], vertical_alignment="bottom")
    with pick_cause:
        causes = st.multiselect(
            text.KN_BY_CAUSE, list(kb.cause_ids), format_func=lambda c: kb.causes[c].name, key=CAUSE_KEY,
            placeholder=text.KN_ALL,
        )
    with pick_finding:
        findings = st.multiselect(
            text.KN_BY_FINDING, list(kb.tables), format_func=lambda f: kb.findings[f].label, key=FINDING_KEY,
            placeholder=text.KN_ALL,
        )
    with pick_view:
        view = st.segmented_control(
            text.KN_LIKE_VIEW, list(text.KN_LIKE_VIEWS), format_func=text.KN_LIKE_VIEWS.get,
            default="filled", required=True, key=LIKELIHOOD_VIEW_KEY,
        )
    if view == "entries":
        frame = tables.likelihood_entries
        cause_col, finding_col = "owner id", "finding id"
        config: dict = {"given": _WIDE}
        note = text.KN_ENTRIES_NOTE
    else:
        frame = tables.likelihoods
        cause_col, finding_col = "cause id", "finding id"
        config = {
            "P(value | cause)": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.3f"),
            "from": st.column_config.TextColumn(help=text.KN_FROM_HELP),
        }
        note = text.KN_FILLED_NOTE
    shown = frame
    if causes:
        shown = shown[shown[cause_col].isin(causes)]
    if findings:
        shown = shown[shown[finding_col].isin(findings)]
    _show(frame, knowledge_tables.filter_rows(shown, needle, only_estimates=only_estimates), config, note=note)


def _rule_detail(kb: knowledge.Knowledge, ids: list[str], key: str) -> None:
    """One rule in full: its data as written, and the named definitions its condition uses."""
    rule_id = st.selectbox(text.KN_RULE_PICK, ids, index=None, key=key, placeholder=text.KN_RULE_PLACEHOLDER)
    if rule_id:
        st.code(knowledge_tables.rule_yaml(kb, rule_id), language="yaml", wrap_lines=True)


def _accuracy_figures(summary: measured.Summary) -> None:
    """What the figures mean, the table of figures per part, the corpus's known limits, and the peers."""
    held = summary.parts.get(measured.HELD_OUT)
    dev = summary.parts.get(measured.DEVELOPMENT)
    st.markdown(text.acc_corpus(measured.corpus_text(summary), held.n if held else None, dev.n if dev else None))
    st.markdown(text.ACC_READ)
    frame = pd.DataFrame(measured.figure_rows(summary)).set_index("figure")
    st.table(frame, alt=text.ACC_TABLE_ALT)
    if summary.limits:
        st.markdown(f"**{text.ACC_LIMITS}:** {md_escape(summary.limits)}")
    st.caption(text.ACC_PEERS)


_SECTION_STYLE = (
    "<style>"
    ".st-key-kn-sections [data-testid='stHeading'] h2{font-size:1.35rem;padding:1.5rem 0 .25rem 0;}"
    ".st-key-kn-sections [data-testid='stHeading'] h3{font-size:1.1rem;padding:.75rem 0 .1rem 0;}"
    "</style>"
)
"""The two sections' headings in the page's compact type (Streamlit's defaults are poster-sized)."""


def _accuracy(kb: knowledge.Knowledge, acc: measured.Accuracy) -> None:
    """The accuracy section: the figures when they were measured on this knowledge version; else says so
    (and keeps the other version's figures behind an expander); a clear message when the file is unusable."""
    st.header(text.ACC_HEADING, anchor=text.ACC_ANCHOR)
    if acc.summary is None:
        st.error(f"**{text.ACC_CANNOT}.** {md_escape(str(acc.error))}")
        return
    summary = acc.summary
    if measured.is_current(summary, kb.version):
        _accuracy_figures(summary)
        return
    said = md_escape(measured.not_measured(summary))
    st.warning(f"**{said[:1].upper()}{said[1:]}.** " + text.ACC_RUN.format(version=md_escape(kb.version)))
    with st.expander(text.ACC_OTHER_VERSION_FIGURES.format(version=summary.knowledge_version)):
        _accuracy_figures(summary)


def _structure(tables: knowledge_tables.Tables, keep: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """The ranking's structure: causes split into states, and groups of correlated findings."""
    st.header(text.STRUCTURE_HEADING, anchor=text.STRUCTURE_ANCHOR)
    st.markdown(text.STRUCTURE_INTRO)
    st.subheader(text.STATES_HEADING, anchor="states")
    _show(
        tables.states, keep(tables.states),
        {
            "share %": st.column_config.NumberColumn("share", format="%g%%", help=text.STATE_SHARE_HELP),
            knowledge_tables.STATE_BY_AGE: st.column_config.TextColumn(width="medium", help=text.STATE_BY_AGE_HELP),
            "differs on": st.column_config.TextColumn(width="large", help=text.STATE_DIFFERS_HELP),
        },
        note=text.STATES_NOTE, height="content",
    )
    st.subheader(text.GROUPS_HEADING, anchor="groups")
    _show(
        tables.groups, keep(tables.groups),
        {
            "r": st.column_config.NumberColumn(format="%.2f", help=text.GROUP_R_HELP),
            knowledge_tables.GROUP_WEIGHTS: st.column_config.TextColumn(width="medium", help=text.GROUP_WEIGHT_HELP),
            "findings": _WIDE,
        },
        note=text.GROUPS_NOTE, height="content",
    )


def render(summary_path: Path | None = None) -> None:
    """Draw the knowledge and sources page (`summary_path`: where the accuracy figures are read, for tests)."""
    kb = page.knowledge_base()
    tables = _tables(kb.version)
    acc = measured.load(summary_path or measured.SUMMARY_PATH)
    page.style()
    _header(kb, tables, acc)

    search, estimates = st.columns([0.7, 0.3], vertical_alignment="bottom")
    with search:
        needle = st.text_input(text.KN_FILTER, key=FILTER_KEY, placeholder=text.KN_FILTER_PLACEHOLDER)
    with estimates:
        only_estimates = st.toggle(text.KN_ONLY_ESTIMATES, key=ESTIMATES_KEY)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return knowledge_tables.filter_rows(frame, needle, only_estimates=only_estimates)

    n_rules = len(kb.workup_rules)
    tabs = st.tabs([
        f"Causes ({len(kb.causes)})",
        f"Findings ({len(kb.findings)})",
        f"Likelihoods ({len(kb.likelihoods)})",
        f"Red flags ({len(kb.red_flags)} rules, {len(kb.alarms)} alarms)",
        f"Workup ({n_rules} rules)",
        f"Definitions ({len(kb.definitions)})",
        f"Sources ({len(kb.sources)})",
    ])
    with tabs[0]:
        config = {
            c: st.column_config.NumberColumn(c.removeprefix("prior % "), format="%.1f", help=text.KN_PRIOR_HELP)
            for c in tables.causes.columns if c.startswith("prior %")
        }
        _show(tables.causes, keep(tables.causes), {**config, "why can't miss": _WIDE, "about": _WIDE}, note=text.KN_CAUSES_NOTE, height="auto")
    with tabs[1]:
        _show(tables.findings, keep(tables.findings), {"meaning": _WIDE, "why added": _WIDE, "values or range": _WIDE})
    with tabs[2]:
        _likelihoods(kb, tables, needle, only_estimates)
    with tabs[3]:
        _show(tables.red_flags, keep(tables.red_flags), {"message": _WIDE, "action": _WIDE, "condition": _WIDE}, note=text.KN_CONDITION_NOTE)
        _rule_detail(kb, [c.rule.id for c in kb.red_flags] + knowledge_tables.alarm_ids(kb), FLAG_RULE_KEY)
    with tabs[4]:
        _show(tables.workup, keep(tables.workup), {"rationale": _WIDE, "condition": _WIDE}, note=text.KN_WORKUP_NOTE)
        _rule_detail(kb, [c.rule.id for c in kb.workup_rules], WORKUP_RULE_KEY)
    with tabs[5]:
        _show(tables.definitions, keep(tables.definitions), {"condition": _WIDE, "yaml": _WIDE, "used by": _WIDE}, note=text.KN_CONDITION_NOTE)
    with tabs[6]:
        _show(
            tables.sources,
            keep(tables.sources),
            {
                "link": st.column_config.LinkColumn(display_text=r"https?://(?:www\.)?([^/]+)", help=text.KN_LINK_HELP),
                "title": _WIDE,
                "read note": _WIDE,
            },
        )
    with st.container(key="kn-sections"):
        st.html(_SECTION_STYLE)
        _accuracy(kb, acc)
        _structure(tables, keep)
