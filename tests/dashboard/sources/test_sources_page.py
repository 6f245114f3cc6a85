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

import json
import math
import re
import subprocess
import sys
from collections import Counter
from html import escape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.sources import accuracy as acc
from dashboard.sources import page as sources_page
from dashboard.sources import tables as kt
from dashboard.sources import text as sources_text
from tests.dashboard.sources.summary_fixture import summary_data

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


SOURCED = ("causes", "likelihoods", "likelihood_entries", "red_flags", "workup", "states", "groups")
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
    """Every red-flag rule is a row, then every can't-miss alarm (2026.11.42: the alarms, their thresholds and
    actions were on no table); every step and 'do not' of every workup rule is a row, in rule order."""
    assert list(tables.red_flags["id"]) == [c.rule.id for c in kb.red_flags] + [f"alarm_{a.cause}" for a in kb.alarms]
    rows = tables.red_flags.to_dict("records")
    for compiled, row in zip(kb.red_flags, rows, strict=False):
        r = compiled.rule
        assert (row["level"], row["message"], row["action"], row["within"]) == (r.level, r.message, r.action, r.within)
        assert row["condition"]
    for a, row in zip(kb.alarms, rows[len(kb.red_flags):], strict=True):
        assert (row["level"], row["action"], row["source id"]) == (a.alarm.level, a.alarm.action, a.alarm.source)
        assert f"\u2265 {a.alarm.threshold:g}" in row["condition"] and f"{a.alarm.threshold:.0%}" in row["message"]
        assert row["condition"].endswith("(its do-not list holds from the threshold alone)")  # 2026.11.43
    bone = tables.red_flags.set_index("id").loc["alarm_primary_bone_tumor", "instead, for some patients"]
    assert bone.startswith("If [paediatric]: Call the on-call paediatrician today")
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
    assert counts.loc["can't-miss alarms", "count"] == len(kb.alarms) > 0
    assert counts.loc["can't-miss alarms", "estimates"] == sum(a.alarm.source == kt.ESTIMATE for a in kb.alarms)
    states = [state for pairs in kb.states.states.values() for _, state in pairs]
    assert counts.loc["cause states (their shares)", "count"] == len(states) == len(tables.states)
    assert counts.loc["cause states (their shares)", "estimates"] == sum(x.source == kt.ESTIMATE for x in states)
    entries = [x for state in states for x in state.likelihoods.values()]
    assert counts.loc["state likelihood entries", "count"] == len(entries) > 0
    assert counts.loc["state likelihood entries", "estimates"] == sum(x.source == kt.ESTIMATE for x in entries) > 0
    assert counts.loc["correlated groups", "count"] == len(kb.groups) == len(tables.groups)
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
        ({"all": [{"alarm": "metastasis"}, {"not": {"ref": "paediatric"}}]}, "metastasis alarm fired AND NOT [paediatric]"),
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


def test_a_steps_own_condition_is_shown_with_the_step(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """A workup step with its own `when` (2026.11.7: the age that chooses a referral target) says so in the
    table's condition column, and the rule's YAML shows it with the named definitions it uses."""
    workup = tables.workup
    rows = workup[(workup["rule"] == "csf_leak_pathway") & (workup["step id"] == "referral")]
    conditions = dict(zip(rows["to"], rows["condition"], strict=True))
    assert conditions[kb.referral_targets["spinal_surgery"]].endswith("this step only if age_years \u2265 16")
    assert "this step only if NOT (age_years \u2265 16)" in conditions[kb.referral_targets["pediatric_neurosurgery"]]
    mri = workup[(workup["rule"] == "csf_leak_pathway") & (workup["step id"] == "mri")]
    assert "this step only if" not in mri["condition"].iloc[0]
    out = kt.rule_yaml(kb, "spinal_tumour_alarm_child")
    assert "alarm: spinal_tumor_or_cyst" in out and re.search(r"^paediatric:", out, re.MULTILINE)
    assert re.search(r"when:\n\s+age_years:", kt.rule_yaml(kb, "csf_leak_pathway"))


def test_a_cards_action_variant_is_shown_with_its_condition_and_source(kb: knowledge.Knowledge, tables: kt.Tables) -> None:
    """2026.11.42: a red flag may say something else to do for some patients (a child's route). The
    red-flag table shows it beside the rule's own action, with its condition and its source, and the
    rule's YAML lists it with the named definition its condition uses (here the only use of
    [paediatric] by this rule, whose own condition reads the ultrasound result)."""
    flags = tables.red_flags.set_index("id")
    shown = flags.loc["ultrasound_suspicious", "instead, for some patients"]
    assert shown.startswith("If [paediatric]: Call the on-call paediatrician today")
    assert "Within: today." in shown and kb.source_label("ncl_icb_usc_sarcoma_children") in shown
    assert flags.loc["cauda_equina_syndrome", "instead, for some patients"] == ""
    out = kt.rule_yaml(kb, "ultrasound_suspicious")
    assert re.search(r"^variants:\n- when:\n    ref: paediatric\n  action: '?Call", out, re.MULTILINE)
    assert re.search(r"^paediatric:", out, re.MULTILINE)
    assert not re.search(r"^paediatric:", kt.rule_yaml(kb, "cauda_equina_syndrome"), re.MULTILINE)


def test_an_alarms_yaml_shows_its_threshold_odds_line_do_nots_and_variants(kb: knowledge.Knowledge) -> None:
    """A can't-miss alarm's variants were shown only in its table row: its YAML now shows the threshold,
    level and odds line (even where left at their defaults), the do-not list, the variants and the named
    definitions their conditions use; an alarm without variants lists no definition."""
    out = kt.rule_yaml(kb, "alarm_primary_bone_tumor")
    alarm = kb.causes["primary_bone_tumor"].alarm
    assert out.startswith("# causes.yaml, under the cause primary_bone_tumor\nalarm:\n"
                          f"  threshold: {alarm.threshold}\n  level: {alarm.level}\n  min_odds_ratio: {alarm.min_odds_ratio}\n")
    assert re.findall(r"^  - step: (\w+)$", out, re.MULTILINE) == [a.step for a in alarm.do_not]
    assert re.search(r"^  variants:\n  - when:\n      ref: paediatric\n    action: Call the on-call paediatrician", out, re.MULTILINE)
    assert re.search(r"^paediatric:", out, re.MULTILINE)
    plain = next(a for a in kb.alarms if not a.alarm.variants)
    assert "named definitions" not in kt.rule_yaml(kb, f"alarm_{plain.cause}")
    with pytest.raises(KeyError):
        kt.rule_yaml(kb, "alarm_lipoma")  # not a can't-miss cause: no alarm


def test_a_named_condition_used_only_by_a_step_is_listed_with_the_rule(tmp_path: Path) -> None:
    """The rule's YAML lists the named definitions its steps' own conditions use, not only its `when`'s
    (on a copy of the knowledge whose CSF-leak referral step reads [paediatric])."""
    import shutil

    from knowledge.loader import DATA_DIR, build_unchecked

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / "workup.yaml"
    text = path.read_text(encoding="utf-8")
    old = 'to: pediatric_neurosurgery, when: {not: {age_years: {">=": 16}}}'
    assert old in text
    path.write_text(text.replace(old, "to: pediatric_neurosurgery, when: {ref: paediatric}", 1), encoding="utf-8")
    copy = build_unchecked(data)
    assert "paediatric" not in kt.refs_used(next(c.rule.when for c in copy.workup_rules if c.rule.id == "csf_leak_pathway"),
                                            copy.definitions)
    assert re.search(r"^paediatric:", kt.rule_yaml(copy, "csf_leak_pathway"), re.MULTILINE)


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
        f"Red flags ({len(kb.red_flags)} rules, {len(kb.alarms)} alarms)", f"Workup ({len(kb.workup_rules)} rules)",
        f"Definitions ({len(kb.definitions)})",
        f"Sources ({len(kb.sources)})",
    ]
    assert len(at.dataframe) == 9  # the seven tabs' tables, then the states and the correlated groups


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
    # the can't-miss alarms are in the same picker, after the rules
    picker = at.selectbox(key=sources_page.FLAG_RULE_KEY)
    assert list(picker.options)[-len(kb.alarms):] == [f"alarm_{a.cause}" for a in kb.alarms]
    picker.set_value("alarm_soft_tissue_sarcoma").run()
    assert at.code[0].value.startswith("# causes.yaml, under the cause soft_tissue_sarcoma\nalarm:\n  threshold: 0.3")
    assert not at.exception


def test_app_navigation_opens_the_sources_page(kb: knowledge.Knowledge) -> None:
    """The app's `?page=sources` link opens the knowledge page (the bedside page's widgets are absent), with the
    accuracy section read from the project's own summary.json (its figures, or why they are not shown) and the
    ranking's structure."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["page"] = "sources"
    at.run()
    assert not at.exception
    html = "\n".join(str(el.value) for el in at.get("html"))
    assert f"Knowledge version {kb.version}" in html
    assert len(at.tabs) == 7
    assert not [w for w in at.button_group if (w.key or "").startswith("f.")]
    assert [h.value for h in at.header] == [sources_text.ACC_HEADING, sources_text.STRUCTURE_HEADING]
    assert [h.value for h in at.subheader] == [sources_text.STATES_HEADING, sources_text.GROUPS_HEADING]
    loaded = acc.load()
    assert escape(acc.headline(loaded, kb.version)) in html
    if loaded.summary is None:
        assert "validation/report/summary.json" in at.error[0].value
    elif acc.is_current(loaded.summary, kb.version):
        assert len(at.table) == 1 and not at.warning
    else:
        assert acc.not_measured(loaded.summary) in at.warning[0].value.replace("\\", "").lower()


# --- accuracy on published cases and the ranking's structure (issue 10) ------------------------------


def _page_with_summary(path: str) -> None:
    from pathlib import Path

    from dashboard.sources import page as sources

    sources.render(summary_path=Path(path))


def _open(path: Path) -> AppTest:
    at = AppTest.from_function(_page_with_summary, args=(str(path),), default_timeout=30).run()
    assert not at.exception
    return at


def test_accuracy_section_shows_both_parts_when_measured_on_this_version(kb: knowledge.Knowledge, tmp_path: Path) -> None:
    """Figures measured on the loaded version: the headline beside the version, then the section with what the
    figures mean, one table (held-out first) with every rate as 'percent (interval; hits/n)', the corpus and limits."""
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary_data(kb.version)), encoding="utf-8")
    at = _open(path)
    html = "\n".join(str(el.value) for el in at.get("html"))
    assert 'data-lbln="kn-accuracy"' in html
    assert "Accuracy on 62 held-out published cases: top-3 97% (89-99%; 60/62), emergency recall 100% (74-100%; 11/11)." in html
    assert f'href="#{sources_text.ACC_ANCHOR}"' in html
    assert '<h1 class="lbln-title"' in html
    assert at.header[0].value == sources_text.ACC_HEADING
    assert not at.warning and not at.error and not at.expander
    assert len(at.table) == 1
    frame = at.table[0].value
    assert list(frame.columns) == ["held-out part (headline; 62 cases)", "development part (101 cases)", "what it counts"]
    assert frame.loc["top-3", "held-out part (headline; 62 cases)"] == "97% (89-99%; 60/62)"
    assert list(frame.index) == ["cases", "top-1", "top-3", "emergency recall", "urgent recall", "over-triage", "workup", "Brier score"]
    text = "\n".join(m.value for m in at.markdown)
    assert "163 cases, 54 of them under 18 (62 held out, 101 for development)" in text
    assert "The held-out part was not used to choose any number" in text
    assert "biased sample" in text and "not a guarantee" in text
    assert "Known limits of the corpus" in text and "read the intervals" in text
    assert any("not comparable" in c.value and "Gilbert 2020" in c.value for c in at.caption)


def test_accuracy_of_another_version_is_not_presented_as_current(kb: knowledge.Knowledge, tmp_path: Path) -> None:
    """A summary of another knowledge version: the headline and a warning say 'not measured for this knowledge
    version (measured on X)'; its figures stay behind an expander labelled with X."""
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary_data("1999.01.1")), encoding="utf-8")
    at = _open(path)
    html = "\n".join(str(el.value) for el in at.get("html"))
    assert "Accuracy on published cases: not measured for this knowledge version (measured on 1999.01.1)." in html
    assert "held-out published cases" not in html
    assert len(at.warning) == 1
    warning = at.warning[0].value.replace("\\", "")  # markdown source: escaped brackets
    assert "not measured for this knowledge version (measured on 1999.01.1)" in warning.lower()
    assert kb.version in warning
    assert [e.label for e in at.expander] == [sources_text.ACC_OTHER_VERSION_FIGURES.format(version="1999.01.1")]


@pytest.mark.parametrize(("content", "problem"), [(None, "the file is missing"), ("{oops", "not valid JSON"),
                                                   (json.dumps({"knowledge_version": "x"}), "cases must be a whole number")])
def test_a_missing_or_malformed_summary_shows_a_clear_message(tmp_path: Path, content: str | None, problem: str) -> None:
    """The page still opens; the section says which file and what is wrong; the rest of the page is unchanged."""
    path = tmp_path / "summary.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    at = _open(path)
    assert len(at.error) == 1
    message = at.error[0].value
    assert sources_text.ACC_CANNOT in message and "summary.json" in message and problem in message
    assert not at.table
    assert len(at.tabs) == 7 and len(at.dataframe) == 9
    html = "\n".join(str(el.value) for el in at.get("html"))
    assert "Accuracy on published cases: cannot be shown (" in html


def test_structure_section_lists_every_state_and_group_and_follows_the_filter(kb: knowledge.Knowledge, tmp_path: Path) -> None:
    """The states and correlated-groups tables hold every entry with its source; the filter narrows them too."""
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(summary_data(kb.version)), encoding="utf-8")
    at = _open(path)
    assert [h.value for h in at.subheader] == [sources_text.STATES_HEADING, sources_text.GROUPS_HEADING]
    states, groups = at.dataframe[-2].value, at.dataframe[-1].value
    n_states = sum(len(s) for s in kb.states.states.values())
    assert len(states) == n_states and len(groups) == len(kb.groups)
    assert {"state", "share %", "source", "note", "source id"} <= set(states.columns)
    assert {"findings", "r", kt.GROUP_WEIGHTS, "source", "note"} <= set(groups.columns)
    assert any("1/(1+(m-1)r)" in c.value for c in at.caption)
    at.text_input(key=sources_page.FILTER_KEY).set_value("abscess").run()
    states = at.dataframe[-2].value
    assert 0 < len(states) < n_states
    assert any(f"Showing {len(states)} of {n_states} rows" in c.value for c in at.caption)
