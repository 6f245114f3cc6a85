"""The knowledge and sources page: its tables cover every entry of the knowledge, and the page opens.

The table builders (`dashboard.sources.tables`) are pure and tested without Streamlit. The page
itself is opened two ways in AppTest:

- alone, from a two-line script that calls `dashboard.sources.page.render()`;
- through the app's navigation. The pages are callables registered by `st.navigation` with
  `url_path="sources"`; `AppTest.switch_page` resolves only page *files*, so it cannot select
  them. The app routes the query parameter `?page=sources` with `st.switch_page` (see
  `dashboard.app.routed_page`), and AppTest follows that switch, so the test sets that parameter.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.sources import page as sources_page
from dashboard.sources import tables as kt

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "streamlit_app.py"


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


@pytest.fixture(scope="module")
def tables(kb: knowledge.Knowledge) -> kt.Tables:
    """Every table of the page, built once."""
    return kt.build_all(kb)


SOURCED = ("causes", "likelihoods", "likelihood_entries", "red_flags", "workup")
"""The tables whose rows rest on a source or an estimate."""


# --- coverage ----------------------------------------------------------------------------------------


def test_causes_table_has_every_cause_with_normalised_priors(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """One row per cause, can't-miss causes say why, and each age band's prior column sums to 100%."""
    frame = tables.causes
    assert list(frame["id"]) == list(kb.causes)
    prior_cols = [c for c in frame.columns if c.startswith("prior %")]
    assert len(prior_cols) == len(kb.age_bands) + 1  # + age not entered
    for col in prior_cols:
        assert math.isclose(frame[col].sum(), 100, abs_tol=0.05 * len(frame)), col
    cant_miss = frame[frame["can't miss"]]
    assert set(cant_miss["id"]) == {cid for cid, c in kb.causes.items() if c.cant_miss}
    assert (cant_miss["why can't miss"].str.len() > 0).all()


def test_findings_table_has_every_finding(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """One row per finding with its label, group, type, values or range, meaning and origin."""
    frame = tables.findings.set_index("id")
    assert list(frame.index) == list(kb.findings)
    for fid, f in kb.findings.items():
        row = frame.loc[fid]
        assert (row["label"], row["group"], row["type"], row["origin"]) == (f.label, f.group, f.type, f.origin)
        if f.type == "choice":
            assert all(v in row["values or range"] for v in f.values or ())
        if f.type == "number":
            assert f"{f.min:g} to {f.max:g}" in row["values or range"]
        if f.origin == "project":
            assert row["why added"] == f.why_added


def test_likelihood_table_holds_every_value_of_every_cause_as_the_engine_uses_it(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """Every (cause, finding, value) appears once with exactly the loader's filled P(value | cause)."""
    frame = tables.likelihoods
    expected_rows = sum(len(t.categories) for t in kb.tables.values()) * len(kb.cause_ids)
    assert len(frame) == expected_rows
    assert not frame.duplicated(["cause id", "finding id", "value"]).any()
    for fid, table in kb.tables.items():
        block = frame[frame["finding id"] == fid]
        for j, cid in enumerate(kb.cause_ids):
            p = block[block["cause id"] == cid]["P(value | cause)"].to_numpy()
            assert p.tolist() == table.linear[:, j].tolist(), (cid, fid)
            assert math.isclose(p.sum(), 1.0, rel_tol=1e-9)


def test_every_likelihood_entry_is_shown_and_inheritance_is_marked(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """Each cause entry shows as 'own entry'; each background entry shows on the causes that inherit it."""
    frame = tables.likelihoods
    pairs = frame.groupby(["cause id", "finding id"])["from"].first()
    for (owner, fid) in kb.likelihoods:
        if owner == kt.BACKGROUND:
            inheritors = [cid for cid in kb.cause_ids if (cid, fid) not in kb.likelihoods]
            assert inheritors, fid  # at least 'other' inherits the background
            assert all(pairs[(cid, fid)] == kt.BACKGROUND for cid in inheritors)
        else:
            assert pairs[(owner, fid)] == kt.OWN
    assert len(tables.likelihood_entries) == len(kb.likelihoods)
    assert Counter(zip(tables.likelihood_entries["owner id"], tables.likelihood_entries["finding id"], strict=True)) == Counter(kb.likelihoods.keys())


def test_red_flag_and_workup_tables_cover_every_rule_and_step(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """Every red-flag rule is a row; every step and 'do not' of every workup rule is a row, in rule order."""
    assert list(tables.red_flags["id"]) == [c.rule.id for c in kb.red_flags]
    for compiled, row in zip(kb.red_flags, tables.red_flags.to_dict("records"), strict=True):
        r = compiled.rule
        assert (row["level"], row["message"], row["action"], row["within"]) == (r.level, r.message, r.action, r.within)
        assert row["condition"]
    workup = tables.workup
    assert list(dict.fromkeys(workup["rule"])) == [c.rule.id for c in kb.workup_rules]
    assert len(workup) == sum(len(c.rule.steps) + len(c.rule.avoid) for c in kb.workup_rules)
    for compiled in kb.workup_rules:
        rows = workup[workup["rule"] == compiled.rule.id]
        assert list(rows["step id"]) == [s.step for s in (*compiled.rule.steps, *compiled.rule.avoid)]
        assert list(rows["#"]) == list(range(1, len(rows) + 1))
        assert (rows[rows["kind"] == "do not"]["step id"].tolist()) == [a.step for a in compiled.rule.avoid]


def test_definitions_table_has_every_definition_and_its_users(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """Every named definition is a row; a definition a rule reads lists that rule as a user."""
    assert list(tables.definitions["name"]) == list(kb.definitions)
    used_by = dict(zip(tables.definitions["name"], tables.definitions["used by"], strict=True))
    for compiled in kb.red_flags:
        for ref in kt.refs_used(compiled.rule.when, {}):
            assert compiled.rule.id in used_by[ref].split(", ")


def test_sources_table_has_every_source_with_a_well_formed_link(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """Every source is a row with a well-formed link: its url, else https://doi.org/<doi>, else PubMed."""
    frame = tables.sources.set_index("id")
    assert list(frame.index) == list(kb.sources)
    for sid, s in kb.sources.items():
        link = frame.loc[sid, "link"]
        assert kt.is_link(link), (sid, link)
        if s.url:
            assert link == s.url
        elif s.doi:
            assert link == f"https://doi.org/{s.doi}"
        else:
            assert link == f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}"
        assert frame.loc[sid, "authors / publisher"] == (s.authors or s.publisher)


def test_source_link_prefers_url_then_doi_then_pubmed(kb: knowledge.Knowledge) -> None:
    """The link of a source is its url if any, else its DOI, else its PubMed id, each well formed."""
    source = next(iter(kb.sources.values()))
    by_doi = source.model_copy(update={"url": None, "doi": "10.1000/xyz123", "pmid": "123"})
    by_pmid = source.model_copy(update={"url": None, "doi": None, "pmid": "31234567"})
    assert kt.source_link(by_doi) == "https://doi.org/10.1000/xyz123"
    assert kt.source_link(by_pmid) == "https://pubmed.ncbi.nlm.nih.gov/31234567/"
    assert kt.is_link(kt.source_link(by_doi)) and kt.is_link(kt.source_link(by_pmid))
    assert not kt.is_link("https://example.org/a b") and not kt.is_link('https://x.org/"><script>')


@pytest.mark.parametrize("name", SOURCED)
def test_every_estimate_carries_the_note_saying_how_it_was_made(tables: kt.Tables, name: str) -> None:
    """A row whose source is the project's estimate has a note; the source column says 'Estimate'."""
    frame = getattr(tables, name)
    estimates = frame[frame["estimate"]]
    assert len(estimates), f"{name} has no estimate to check"
    assert (estimates["note"].str.strip().str.len() > 0).all()
    assert (estimates["source id"] == kt.ESTIMATE).all()
    assert estimates["source"].str.startswith("Estimate").all()
    assert not frame[~frame["estimate"]]["source id"].eq(kt.ESTIMATE).any()


def test_counts_say_how_many_entries_are_estimates(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """The counts table counts every entry of each kind and those that are estimates."""
    counts = tables.counts.set_index("entries")
    assert counts.loc["cause priors", "count"] == len(kb.causes)
    assert counts.loc["cause priors", "estimates"] == sum(c.source == kt.ESTIMATE for c in kb.causes.values())
    assert counts.loc["likelihood entries", "count"] == len(kb.likelihoods)
    assert counts.loc["likelihood entries", "estimates"] == sum(x.source == kt.ESTIMATE for x in kb.likelihoods.values())
    assert counts.loc["red-flag rules", "count"] == len(kb.red_flags)
    workup_row = next(i for i in counts.index if i.startswith("workup"))
    assert counts.loc[workup_row, "count"] == len(tables.workup)
    assert counts.loc[workup_row, "estimates"] == int(tables.workup["estimate"].sum())


# --- conditions, rules, filtering -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cond", "text"),
    [
        ({"saddle_anesthesia": True}, "saddle_anesthesia = yes"),
        ({"fever": False}, "fever = no"),
        ({"location": {"in": ["midline_lumbar", "flank"]}}, "location in {midline_lumbar, flank}"),
        ({"size_cm": {">=": 5}}, "size_cm ≥ 5"),
        ({"all": [{"ref": "inflamed"}, {"any": [{"fever": True}, {"tender": True}]}]}, "[inflamed] AND (fever = yes OR tender = yes)"),
        ({"not": {"tender": True}}, "NOT (tender = yes)"),
        ({"not": {"ref": "bony"}}, "NOT [bony]"),
        ({"known": "depth"}, "depth examined"),
        ({"unknown": "depth"}, "depth not examined"),
        ({"at_least": {"n": 2, "of": [{"a": True}, {"b": True}]}}, "at least 2 of (a = yes; b = yes)"),
        ({"probability": {"cause": "cant_miss", ">=": 0.2}}, "estimated P(all can't-miss causes) ≥ 0.2"),
        ({}, "always"),
    ],
)
def test_condition_text_reads_each_operator(cond: dict, text: str) -> None:
    """Each operator of the rule language has a readable one-line form; named definitions are [bracketed]."""
    assert kt.condition_text(cond) == text


def test_rule_yaml_shows_the_rule_and_every_definition_it_uses(kb: knowledge.Knowledge) -> None:
    """The full view of a rule is its YAML with its id first, then each named definition it reaches."""
    compiled = next(c for c in kb.red_flags if kt.refs_used(c.rule.when, {}))
    out = kt.rule_yaml(kb, compiled.rule.id)
    assert out.startswith(f"id: {compiled.rule.id}")
    for name in kt.refs_used(compiled.rule.when, kb.definitions):
        assert re.search(rf"^{re.escape(name)}:", out, re.MULTILINE), name
    with pytest.raises(KeyError):
        kt.rule_yaml(kb, "no_such_rule")


def test_filter_keeps_rows_holding_the_text_and_estimates_only(tables: kt.Tables) -> None:
    """The text filter is case-insensitive over text columns; 'only estimates' keeps estimate rows only."""
    flags = tables.red_flags
    hit = kt.filter_rows(flags, "CAUDA")
    assert 0 < len(hit) < len(flags)
    assert hit.apply(lambda row: "cauda" in " ".join(map(str, row.values)).lower(), axis=1).all()
    only = kt.filter_rows(tables.likelihoods, only_estimates=True)
    assert len(only) and only["estimate"].all()
    assert kt.filter_rows(tables.findings, only_estimates=True).empty  # findings are not figures
    assert kt.filter_rows(flags, "   ").equals(flags)
    assert kt.filter_rows(flags, "no such words anywhere").empty


def test_table_builders_run_without_streamlit() -> None:
    """Building every table imports neither Streamlit nor anything that needs a running app."""
    code = (
        "import sys, knowledge; from dashboard.sources import tables as kt; "
        "t = kt.build_all(knowledge.load_knowledge()); "
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'; print(len(t.likelihoods))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0


# --- the page in AppTest ----------------------------------------------------------------------------


def _page_alone() -> None:
    from dashboard.sources import page as sources

    sources.render()


def test_page_opens_alone_with_version_counts_and_every_tab(kb: knowledge.Knowledge) -> None:
    """The page renders without exception, shows the knowledge version and counts, and has one tab per kind."""
    at = AppTest.from_function(_page_alone, default_timeout=30).run()
    assert not at.exception
    page = "\n".join(str(el.value) for el in at.get("html"))
    assert f"Knowledge version {kb.version}" in page
    assert 'data-lbln="kn-counts"' in page
    labels = [t.label for t in at.tabs]
    assert labels == [
        f"Causes ({len(kb.causes)})", f"Findings ({len(kb.findings)})", f"Likelihoods ({len(kb.likelihoods)})",
        f"Red flags ({len(kb.red_flags)})", f"Workup ({len(kb.workup_rules)} rules)", f"Definitions ({len(kb.definitions)})",
        f"Sources ({len(kb.sources)})",
    ]
    assert len(at.dataframe) == 7


def test_filters_narrow_the_tables_and_a_rule_opens_in_full(kb: knowledge.Knowledge) -> None:
    """Typing a word, asking for estimates only, picking a cause and a rule all rerun cleanly and narrow the rows."""
    at = AppTest.from_function(_page_alone, default_timeout=30).run()
    def shown() -> list[tuple[int, int]]:
        return [(int(m[1]), int(m[2])) for c in at.caption if (m := re.search(r"Showing (\d+) of (\d+)", c.value))]

    assert all(n == total for n, total in shown())
    at.text_input(key=sources_page.FILTER_KEY).set_value("sarcoma").run()
    causes, *_ = shown()
    assert 0 < causes[0] < causes[1] == len(kb.causes)
    at.text_input(key=sources_page.FILTER_KEY).set_value("").run()
    at.toggle(key=sources_page.ESTIMATES_KEY).set_value(True).run()
    at.multiselect(key=sources_page.CAUSE_KEY).set_value(["lipoma"]).run()
    likelihoods = shown()[1]  # causes, then likelihoods (findings hold no estimates: no count)
    n_cats = sum(len(t.categories) for t in kb.tables.values())
    assert 0 < likelihoods[0] < n_cats
    assert not at.exception
    at.selectbox(key=sources_page.FLAG_RULE_KEY).set_value(kb.red_flags[0].rule.id).run()
    assert at.code[0].value.startswith(f"id: {kb.red_flags[0].rule.id}")
    assert not at.exception


def test_app_navigation_opens_the_sources_page(kb: knowledge.Knowledge) -> None:
    """The app's `?page=sources` link opens the knowledge page (the bedside page's widgets are absent)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["page"] = "sources"
    at.run()
    assert not at.exception
    assert f"Knowledge version {kb.version}" in "\n".join(str(el.value) for el in at.get("html"))
    assert len(at.tabs) == 7
    assert not [w for w in at.button_group if (w.key or "").startswith("f.")]
