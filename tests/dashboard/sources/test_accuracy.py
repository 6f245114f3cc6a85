"""The accuracy reader (dashboard/sources/accuracy.py): reads what `make validate` writes, words each rate
as '94% (85-97%; 58/62)', says when the figures belong to another knowledge version, and turns a missing
or malformed summary.json into a message naming the file and the problem. Pure: no Streamlit.

The valid summary is made by validation/report.py's own `summary()` and written as its `main()` writes
it (summary_fixture.py), so a change of the writer's format that the reader cannot follow fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import knowledge
from dashboard.sources import accuracy as acc
from dashboard.sources import tables as kt
from tests.dashboard.sources.summary_fixture import summary_data
from validation import report

ROOT = Path(__file__).resolve().parents[3]


def write(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


# --- a valid summary ---------------------------------------------------------------------------------


def test_reads_the_summary_the_validation_report_writes(tmp_path: Path) -> None:
    """Every figure of both parts is read, the held-out part first, with the corpus size, under-18s and limits."""
    s = acc.read_summary(write(tmp_path / "summary.json", summary_data()))
    assert (s.knowledge_version, s.cases, s.cases_under_18) == ("2026.11.2", 163, 54)
    assert s.limits == report.LIMITS
    assert list(s.parts) == ["held_out", "development"]  # the file sorts keys: development first
    held = s.parts["held_out"]
    assert held.n == 62 and held.brier == pytest.approx(0.7193)
    assert set(held.rates) == {key for key, _, _ in acc.RATES}
    top3 = held.rates["top3"]
    assert (top3.hits, top3.n) == (60, 62)
    assert (top3.low, top3.high) == pytest.approx(report.wilson(60, 62), abs=1e-4)


def test_rates_are_worded_as_percent_interval_and_hits_of_denominator(tmp_path: Path) -> None:
    """'97% (89-99%; 60/62)': the point, the 95% interval and hits/denominator, halves rounded up."""
    s = acc.read_summary(write(tmp_path / "summary.json", summary_data()))
    lo, hi = report.wilson(60, 62)
    assert acc.rate_text(s.parts["held_out"].rates["top3"]) == f"97% ({acc.percent(lo)[:-1]}-{acc.percent(hi)}; 60/62)" == "97% (89-99%; 60/62)"
    assert acc.rate_text(s.parts["held_out"].rates["emergency_recall"]) == "100% (74-100%; 11/11)"
    assert acc.rate_text(s.parts["held_out"].rates["overtriage"]) == "8% (3-19%; 4/51)"
    assert acc.percent(0.125) == "13%" and acc.percent(0.9355) == "94%" and acc.percent(0.0) == "0%"
    assert acc.brier_text(0.71934) == "0.719" and acc.brier_text(None) == "n/a"


def test_figure_rows_hold_every_figure_with_the_held_out_part_first(tmp_path: Path) -> None:
    """One row per figure (cases, six rates, Brier), a column per part (held-out first), and what it counts."""
    s = acc.read_summary(write(tmp_path / "summary.json", summary_data()))
    rows = acc.figure_rows(s)
    assert [r["figure"] for r in rows] == ["cases", *(name for _, name, _ in acc.RATES), acc.BRIER_NAME]
    assert list(rows[0]) == ["figure", "held-out part (headline; 62 cases)", "development part (101 cases)", "what it counts"]
    by_name = {r["figure"]: r for r in rows}
    assert by_name["top-3"]["held-out part (headline; 62 cases)"] == "97% (89-99%; 60/62)"
    assert by_name["top-3"]["development part (101 cases)"].endswith("; 95/101)")
    assert by_name[acc.BRIER_NAME]["development part (101 cases)"] == "0.719"
    assert all(r["what it counts"] for r in rows)


def test_headline_gives_held_out_top3_and_emergency_recall_when_current(tmp_path: Path) -> None:
    s = acc.read_summary(write(tmp_path / "summary.json", summary_data("2026.11.2")))
    assert acc.is_current(s, "2026.11.2")
    line = acc.headline(acc.Accuracy(summary=s), "2026.11.2")
    assert line == "Accuracy on 62 held-out published cases: top-3 97% (89-99%; 60/62), emergency recall 100% (74-100%; 11/11)."
    assert acc.corpus_text(s) == "163 cases, 54 of them under 18"


# --- another version, a missing file, a malformed file, an empty denominator ------------------------


def test_figures_of_another_knowledge_version_are_not_presented_as_current(tmp_path: Path) -> None:
    s = acc.read_summary(write(tmp_path / "summary.json", summary_data("2026.11.1")))
    assert not acc.is_current(s, "2026.11.2")
    assert acc.not_measured(s) == "not measured for this knowledge version (measured on 2026.11.1)"
    line = acc.headline(acc.Accuracy(summary=s), "2026.11.2")
    assert line == "Accuracy on published cases: not measured for this knowledge version (measured on 2026.11.1)."
    assert "%" not in line


def test_a_missing_file_names_the_file_and_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    loaded = acc.load(path)
    assert loaded.summary is None and loaded.error is not None
    assert str(loaded.error) == f"{path}: the file is missing (make validate writes it)"
    with pytest.raises(acc.SummaryError, match="the file is missing"):
        acc.read_summary(path)
    assert acc.headline(loaded, "2026.11.2").startswith(f"Accuracy on published cases: cannot be shown ({path}: the file is missing")


def test_the_project_file_is_named_relative_to_the_project() -> None:
    """The path is resolved from the module, not the working directory, and named as people know it."""
    assert acc.SUMMARY_PATH == ROOT / "validation" / "report" / "summary.json"
    assert acc.display_path(acc.SUMMARY_PATH) == "validation/report/summary.json"


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: "{not json", "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)"),
        (lambda d: "", "not valid JSON (Expecting value at line 1, column 1)"),
        (lambda d: [d], "the file must hold a JSON object, not list"),
        (lambda d: {**d, "knowledge_version": 3}, "knowledge_version must be a non-empty text, not 3"),
        (lambda d: {k: v for k, v in d.items() if k != "cases"}, "cases must be a whole number of 0 or more, not None"),
        (lambda d: {**d, "cases": -1}, "cases must be a whole number of 0 or more, not -1"),
        (lambda d: {**d, "parts": []}, "parts must be an object of the corpus's parts, not []"),
        (lambda d: {**d, "parts": {"development": d["parts"]["development"]}}, "parts has no held_out part (it has: development)"),
        (lambda d: _set(d, "held_out", "top3", "hits", "sixty"), "parts.held_out.top3.hits must be a whole number of 0 or more, not 'sixty'"),
        (lambda d: _set(d, "held_out", "top3", "hits", 63), "parts.held_out.top3 has more hits (63) than cases (62)"),
        (lambda d: _set(d, "held_out", "top1", "low", 1.5), "parts.held_out.top1.low must be a number from 0 to 1 or null, not 1.5"),
        (lambda d: _set(d, "development", "workup", None, 0.5), "parts.development.workup must be an object with hits and n, not 0.5"),
        (lambda d: _set(d, "held_out", "brier", None, "low"), "parts.held_out.brier must be a number or null, not 'low'"),
        (lambda d: _set(d, "held_out", "n", None, True), "parts.held_out.n must be a whole number of 0 or more, not True"),
    ],
    ids=["not-json", "empty", "list", "version", "no-cases", "negative", "parts-list", "no-held-out", "hits-text",
         "hits-over-n", "low-over-1", "rate-number", "brier-text", "n-bool"],
)
def test_a_malformed_file_gives_a_clear_error_naming_the_file(tmp_path: Path, mutate: Any, problem: str) -> None:
    path = write(tmp_path / "summary.json", mutate(summary_data()))
    loaded = acc.load(path)
    assert loaded.summary is None and loaded.error is not None
    assert loaded.error.file == str(path)
    assert loaded.error.problem == problem
    assert str(loaded.error) == f"{path}: {problem}"


def _set(data: dict[str, Any], part: str, key: str, field: str | None, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    if field is None:
        data["parts"][part][key] = value
    else:
        data["parts"][part][key][field] = value
    return data


def test_a_rate_with_no_cases_reads_and_shows_as_no_cases(tmp_path: Path) -> None:
    """summary() writes an empty rate as value/low/high null: it reads, and shows 'no cases (0/0)'."""
    data = summary_data(emergency=(0, 0))
    assert data["parts"]["held_out"]["emergency_recall"] == {"hits": 0, "n": 0, "value": None, "low": None, "high": None}
    s = acc.read_summary(write(tmp_path / "summary.json", data))
    empty = s.parts["held_out"].rates["emergency_recall"]
    assert (empty.value, empty.low, empty.high) == (None, None, None)
    assert acc.rate_text(empty) == "no cases (0/0)"
    assert acc.rate_text(acc.Rate(0, 0, None, None)) == "no cases (0/0)"
    line = acc.headline(acc.Accuracy(summary=s), "2026.11.2")
    assert "emergency recall no cases (0/0)" in line


def test_the_reader_tolerates_changed_values_new_keys_and_absent_extras(tmp_path: Path) -> None:
    """New keys are ignored, a rate without an interval gets Wilson's, an absent rate or under-18 count shows as
    absent, a NaN Brier as n/a, and a further part is kept after the two known ones."""
    data = summary_data()
    data["new_top_level"] = {"anything": 1}
    data["parts"]["held_out"]["new_rate"] = {"hits": 1, "n": 2}
    del data["parts"]["held_out"]["top3"]["low"], data["parts"]["held_out"]["top3"]["high"]
    del data["parts"]["development"]["workup"]
    del data["cases_under_18"], data["limits"]
    data["parts"]["external"] = {**data["parts"]["development"], "n": 5}
    text = json.dumps(data).replace('"brier": 0.7193', '"brier": NaN', 1)
    s = acc.read_summary(write(tmp_path / "summary.json", text))
    assert list(s.parts) == ["held_out", "development", "external"]
    assert acc.rate_text(s.parts["held_out"].rates["top3"]) == "97% (89-99%; 60/62)"
    assert acc.rate_text(s.parts["development"].rates.get("workup")) == "not in the file"
    assert (s.cases_under_18, s.limits) == (None, "")
    assert acc.corpus_text(s) == "163 cases"
    assert any(acc.brier_text(p.brier) == "n/a" for p in s.parts.values())
    assert acc.part_title("external", s.parts["external"]) == "external part (5 cases)"


def test_load_reads_once_per_modification(tmp_path: Path) -> None:
    """The same file is read once; a rewritten file (new modification time) is read again."""
    path = write(tmp_path / "summary.json", summary_data("2026.11.1"))
    first = acc.load(path)
    assert acc.load(path) is first
    write(path, summary_data("2026.11.2"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = acc.load(path)
    assert second is not first and second.summary is not None and second.summary.knowledge_version == "2026.11.2"


def test_the_project_summary_is_read_or_explained() -> None:
    """The project's own file (regenerated by `make validate`) is either read or refused with a clear message."""
    loaded = acc.load()
    if loaded.summary is None:
        assert loaded.error is not None and str(loaded.error).startswith("validation/report/summary.json: ")
    else:
        assert acc.HELD_OUT in loaded.summary.parts
        assert acc.headline(loaded, knowledge.load_knowledge().version).startswith("Accuracy on")


def test_the_reader_runs_without_streamlit() -> None:
    code = (
        "import sys; from dashboard.sources import accuracy as a; a.load(); "
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# --- the ranking's structure (tables.py) -------------------------------------------------------------


def test_states_table_has_every_state_with_its_share_source_and_note() -> None:
    kb = knowledge.load_knowledge()
    frame = kt.states_table(kb)
    expected = [(cid, sid) for cid, states in kb.states.states.items() for sid, _ in states]
    assert list(zip(frame["cause id"], frame["state id"], strict=True)) == expected
    assert frame.groupby("cause id")["share %"].sum().round(6).eq(100).all()
    for row in frame.to_dict("records"):
        state = dict(kb.states.states[row["cause id"]])[row["state id"]]
        assert (row["state"], row["share %"], row["note"], row["source id"]) == (state.name, round(100 * state.weight, 2), state.note, state.source)
        assert row["source"] == kb.source_label(state.source)
        assert row["estimate"] == (state.source == kt.ESTIMATE)
        for fid in state.likelihoods:
            assert kb.findings[fid].label in row["differs on"]
        if state.weight_by_age is None:
            assert row[kt.STATE_BY_AGE] == "the same at every age"
        else:
            parts = row[kt.STATE_BY_AGE].split(" · ")
            assert parts == [f"{band.label} {100 * state.weight_by_age[band.id]:g}%" for band in kb.age_bands]
    by_age = frame[frame["state id"] == "chronic_wound"][kt.STATE_BY_AGE].item()
    assert by_age.startswith("under 1 year 0.1% · ") and by_age.endswith("60 years and over 3%"), by_age


def test_groups_table_has_every_group_with_the_weight_rule() -> None:
    kb = knowledge.load_knowledge()
    frame = kt.groups_table(kb)
    assert list(frame["id"]) == list(kb.groups)
    for row in frame.to_dict("records"):
        group = kb.groups[row["id"]]
        assert row["r"] == group.correlation
        assert row["finding ids"] == ", ".join(group.findings)
        assert row["source"] == kb.source_label(group.source) and row["note"] == group.note
        assert row[kt.GROUP_WEIGHTS].startswith("1: 1 · 2: ")
        assert row[kt.GROUP_WEIGHTS].count("·") == len(group.findings) - 1
    assert kt.group_weight(1, 0.7) == 1.0
    assert kt.group_weight(3, 0.5) == pytest.approx(0.5)
    assert kt.group_weight(2, 0.5) == pytest.approx(2 / 3)
    assert kt.group_weights_text(4, 0.5) == "1: 1 · 2: 0.67 · 3: 0.5 · 4: 0.4"
