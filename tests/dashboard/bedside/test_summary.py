"""The case summary download: a pure, self-contained HTML builder, and its button on the bedside page."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.bedside import inputs, panels, text
from dashboard.bedside import summary as export
from dashboard.common import chart as charts
from dashboard.common import words

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "streamlit_app.py"
NOW = datetime(2026, 3, 9, 7, 5, tzinfo=ZoneInfo("Europe/London"))

CES_AND_SARCOMA = {
    "age_years": 52,
    "sex": "female",
    "location": "midline_lumbar",
    "depth": "deep",
    "size_cm": 6,
    "back_pain": True,
    "saddle_anesthesia": True,
    "bladder_bowel_dysfunction": True,
}
"""Cauda equina features with a deep 6 cm lump: an emergency flag, an urgent flag and a 'do not'."""


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


@pytest.fixture(scope="module")
def assessment(kb: knowledge.Knowledge) -> knowledge.Assessment:
    """An assessment with several red flags, a workup path and something not to do."""
    a = knowledge.assess(CES_AND_SARCOMA, kb)
    assert len(a.red_flags) >= 2 and len(a.workup) >= 3 and a.avoid, "the example case must exercise every section"
    return a


@pytest.fixture(scope="module")
def page(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    """The summary of that assessment, without a label."""
    return export.case_summary_html(assessment, kb, NOW)


def _attr_values(html: str, attr: str) -> list[str]:
    return re.findall(rf'{attr}="([^"]*)"', html)


# --- content -----------------------------------------------------------------------------------------


def test_summary_carries_title_time_version_and_disclaimer(page: str, kb: knowledge.Knowledge) -> None:
    """The summary names itself, says when it was made (local time and offset), the knowledge version and the disclaimer."""
    assert page.startswith("<!DOCTYPE html>")
    assert f"<title>{escape(words.APP_TITLE)}: {text.EXPORT_TITLE}</title>" in page
    assert "2026-03-09 07:05 GMT (UTC+00:00)" in page
    assert f"{text.EXPORT_VERSION} <b>{kb.version}</b>" in page
    assert escape(knowledge.DISCLAIMER) in page
    assert escape(text.EXPORT_DISCLAIMER_HEAD) in page


def test_summary_lists_entered_findings_with_their_values_and_the_rest_as_not_examined(
    page: str, assessment: knowledge.Assessment, kb: knowledge.Knowledge
) -> None:
    """Each entered finding appears as label and value in words; every other finding is listed as not examined."""
    for fid, value in CES_AND_SARCOMA.items():
        finding = kb.findings[fid]
        row = re.search(rf'<tr data-finding="{fid}"><td>(.*?)</td><td><b>(.*?)</b></td></tr>', page)
        assert row, fid
        assert row[1] == escape(finding.label)
        assert row[2] == escape(words.value_text(finding, value))
    assert "<b>6 cm</b>" in page and "<b>yes</b>" in page and "<b>midline lumbar</b>" in page
    assert f"{text.EXPORT_NOT_EXAMINED} ({len(assessment.unknown_findings)})" in page
    unknown = page.split('<div class="unknown">', 1)[1].split("</div>", 1)[0]
    for fid in assessment.unknown_findings:
        assert escape(kb.findings[fid].label) in unknown, fid
    for fid in CES_AND_SARCOMA:
        assert f"{escape(kb.findings[fid].label)}," not in unknown and f"{escape(kb.findings[fid].label)}<" not in unknown


def test_summary_ranks_every_cause_as_an_estimate_and_marks_the_cant_miss(page: str, assessment: knowledge.Assessment) -> None:
    """Every cause appears once in ranking order with its estimated percentage; can't-miss causes are tagged."""
    assert _attr_values(page, "data-cause") == list(assessment.cause_ids)
    for cause, p in zip(assessment.causes, assessment.probabilities, strict=True):
        row = re.search(rf'<tr data-cause="{cause["id"]}">(.*?)</tr>', page)[1]
        assert escape(cause["name"]) in row
        assert f'<td class="num">{escape(charts.percent(p))}</td>' in row
        assert (escape(words.CANT_MISS_TAG) in row) == cause["cant_miss"]
    assert escape(text.EXPORT_RANKING_NOTE) in page


def test_summary_has_every_fired_red_flag_with_level_action_timing_and_source(page: str, assessment: knowledge.Assessment) -> None:
    """Every red flag that fired shows its level in words, message, action, timing and source."""
    assert f"TRIAGE: {words.LEVEL_WORDS[assessment.triage]}" in page
    assert _attr_values(page, "data-flag") == [f["id"] for f in assessment.red_flags]
    for flag in assessment.red_flags:
        card = re.search(rf'<div class="flag lvl-{flag["level"]}" data-flag="{flag["id"]}">(.*?)</div>', page)[1]
        assert words.LEVEL_WORDS[flag["level"]] in card
        assert escape(flag["message"]) in card and escape(flag["action"]) in card
        assert escape(flag["source"]) in card
        if flag["within"]:
            assert escape(flag["within"]) in card


def test_a_childs_card_in_the_summary_cites_the_route_beside_its_own_source(kb: knowledge.Knowledge) -> None:
    """2026.11.42: a card whose action a child's variant replaced cites that variant's source as well as its own."""
    child = knowledge.assess({"age_years": 9, "location": "flank", "size_cm": 6, "consistency": "firm"}, kb)
    page = export.case_summary_html(child, kb, NOW)
    card = re.search(r'<div class="flag lvl-urgent" data-flag="sarcoma_size_5cm">(.*?)</div>', page)[1]
    assert "Call the on-call paediatrician today" in card
    assert escape(kb.source_label("scottish_sarcoma_referral_2025")) in card
    assert escape(f"{words.ACTION_SOURCE}: {kb.source_label('ncl_icb_usc_sarcoma_children')}") in card


def test_summary_gives_the_workup_steps_in_order_and_the_do_nots(page: str, assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The workup path keeps the engine's order with timing, referral target, rationale and source; then each 'do not'."""
    assert _attr_values(page, "data-step") == [s["step"] for s in assessment.workup]
    items = re.findall(r"<li data-step=\"[^\"]+\">(.*?)</li>", page)
    for step, item in zip(assessment.workup, items, strict=True):
        assert escape(step["rationale"]) in item and escape(step["source"]) in item
        assert words.TIMING_WORDS[step["timing"]] in item
        if step.get("to"):
            assert escape(kb.referral_targets[step["to"]]) in item
        if step.get("within"):
            assert escape(step["within"]) in item
    assert _attr_values(page, "data-avoid") == [a["step"] for a in assessment.avoid]
    heading = f"<b>{words.DO_NOT_HEADING} ({len(assessment.avoid)})</b>"
    assert page.index('data-step="') < page.index(heading) < page.index('data-avoid="')
    # the same groups, in the same order, as the engine's plan (safety layer v2)
    groups = list(dict.fromkeys(s["group"] for s in assessment.workup))
    assert _attr_values(page, "data-group") == groups
    for group in groups:
        assert words.PLAN_GROUPS[group] in page


def test_summary_cites_sources_with_links(page: str, assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """Every source cited by a flag or step is listed once with a link to where it can be read."""
    cited = _attr_values(page, "data-source")
    assert len(cited) == len(set(cited))
    for sid in {item["source_id"] for item in (*assessment.red_flags, *assessment.workup, *assessment.avoid)} - {"estimate"}:
        assert sid in cited, sid
        assert f'<a href="{escape(kb.sources[sid].url or "")}">' in page or kb.sources[sid].url is None


def test_label_appears_only_when_given_and_is_escaped(assessment: knowledge.Assessment, kb: knowledge.Knowledge, page: str) -> None:
    """Without a label the summary has no label line; a typed label is shown escaped, never as markup."""
    assert 'class="label"' not in page
    assert export.case_summary_html(assessment, kb, NOW, "   ") == page
    labelled = export.case_summary_html(assessment, kb, NOW, "Bed <b>4</b> & \"AB\"")
    assert '<p class="label">Label: <b>Bed &lt;b&gt;4&lt;/b&gt; &amp; &quot;AB&quot;</b></p>' in labelled
    assert "<b>4</b>" not in labelled
    long = export.case_summary_html(assessment, kb, NOW, "x" * 200)
    assert "x" * export.LABEL_MAX in long and "x" * (export.LABEL_MAX + 1) not in long


def test_summary_loads_nothing_and_runs_nothing(page: str) -> None:
    """No script, no frame, no image, no external style or font: the only addresses are <a href> links to sources."""
    lowered = page.lower()
    for forbidden in ("<script", "<iframe", "<img", "<link", "<object", "<embed", "<svg", "@import", "url(", "src=", "javascript:"):
        assert forbidden not in lowered, forbidden
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", lowered), "an event handler attribute"
    without_links = re.sub(r'<a href="https?://[^"]+">', "<a>", page)
    assert "http" not in without_links.lower()
    assert page.count("<style>") == 1 and "@media print" in page and "@page" in page


def test_text_from_the_knowledge_is_escaped(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """Markup in knowledge text (a finding label here) reaches the summary escaped."""
    fid = next(iter(CES_AND_SARCOMA))
    tampered_finding = kb.findings[fid].model_copy(update={"label": "<i>Age</i>"})
    tampered = dataclasses.replace(kb, findings={**kb.findings, fid: tampered_finding})
    html = export.case_summary_html(assessment, tampered, NOW)
    assert "&lt;i&gt;Age&lt;/i&gt;" in html and "<i>Age</i>" not in html


def test_an_empty_case_gives_a_routine_summary_with_everything_not_examined(kb: knowledge.Knowledge) -> None:
    """With nothing entered the summary says so, the triage is 'not assessed yet' (never a reassuring
    ROUTINE), and every finding is listed as not examined."""
    html = export.case_summary_html(knowledge.assess({}, kb), kb, NOW)
    assert text.EXPORT_NOTHING_ENTERED in html
    assert "TRIAGE: NOT ASSESSED YET" in html and "TRIAGE: ROUTINE" not in html
    assert f"{text.EXPORT_NOT_EXAMINED} ({len(kb.findings)})" in html
    assert "data-flag=" not in html


def test_filename_and_time_stamp_follow_the_clock_given() -> None:
    """The file name is lump-summary-YYYYMMDD.html (no clock time: the button is drawn once per case); the stamp
    names the zone and its offset from UTC."""
    assert export.summary_filename(NOW) == "lump-summary-20260309.html"
    summer = datetime(2026, 7, 1, 23, 59, tzinfo=ZoneInfo("Europe/London"))
    assert export.generated_text(summer) == "2026-07-01 23:59 BST (UTC+01:00)"
    assert export.generated_text(datetime(2026, 7, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))) == "2026-07-01 09:00 (UTC-05:00)"
    assert export.generated_text(datetime(2026, 7, 1, 9, 0)) == "2026-07-01 09:00"


def test_export_builds_without_streamlit() -> None:
    """Building a summary imports no Streamlit: it is a pure function of assessment, knowledge, clock and label."""
    code = (
        "import sys, datetime, knowledge; from dashboard.bedside import summary as export; "
        "html = export.case_summary_html(knowledge.assess({'tender': True}), knowledge.load_knowledge(), datetime.datetime(2026, 1, 1)); "
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'; print(len(html))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000


# --- the button on the bedside page ----------------------------------------------------------------


def test_bedside_page_offers_the_download_and_an_optional_label_kept_out_of_the_url() -> None:
    """The bedside page has the download button and an empty label field; a typed label never reaches the URL."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["saddle_anesthesia"] = "true"
    at.run()
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert buttons[0].proto.label == text.EXPORT_BUTTON
    label = at.text_input(key=panels.EXPORT_LABEL_KEY)
    assert label.value == "" and label.label == text.EXPORT_LABEL
    label.set_value("AB bed 4").run()
    assert at.text_input(key=panels.EXPORT_LABEL_KEY).value == "AB bed 4"
    assert "AB bed 4" not in str(dict(at.query_params))
    assert dict(at.query_params) == {"saddle_anesthesia": "true"}
    assert not at.exception


def test_reset_clears_the_label_for_the_next_patient() -> None:
    """The reset that clears the findings also empties the summary's label."""
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    at.text_input(key=panels.EXPORT_LABEL_KEY).set_value("CD").run()
    at.button(key=inputs.RESET_KEY).click().run()
    assert at.text_input(key=panels.EXPORT_LABEL_KEY).value == ""
    assert not at.exception


def test_a_do_not_from_a_quiet_alarm_names_the_rankings_estimate(kb: knowledge.Knowledge) -> None:
    """2026.11.43: a can't-miss cause at its threshold keeps its do-not list when its card stays quiet; with no
    card to name, each item says the ranking's estimate put it there."""
    # a 4-month-old's natal-cleft lump, nothing else recorded (until 2026.11.115 a 6-month-old's inflamed
    # lump with no site entered, which a findings rule, child_midline_collection, now keeps from the knife)
    infant = knowledge.assess({"age_years": 0.32, "location": "natal_cleft", "warmth": False}, kb)
    assert "alarm_occult_spinal_dysraphism" not in {f.id for f in infant.red_flags}
    page = export.case_summary_html(infant, kb, NOW)
    p = infant.probability("occult_spinal_dysraphism")
    why = escape(words.DO_NOT_FROM_RANKING.format(name=kb.causes["occult_spinal_dysraphism"].name, p=p))
    items = re.findall(r'<li data-avoid="([^"]+)">(.*?)</li>', page)
    assert {step for step, item in items if why in item} == {"incision_drainage", "biopsy", "excision"}
    assert f"{p:.0%}" in why
    # an item whose card fired names the card, not the ranking
    adult = knowledge.assess(CES_AND_SARCOMA, kb)
    assert words.DO_NOT_FROM_RANKING.split("{")[0] not in export.case_summary_html(adult, kb, NOW)


def test_a_do_not_held_by_several_causes_together_names_their_estimates(kb: knowledge.Knowledge) -> None:
    """2026.11.147: a step held because several can't-miss causes are together over the line has no card to
    name; its item says which estimates add up (spinal dysraphism and a spinal tumour for the biopsy here)."""
    case = {"bullae_or_necrosis": False, "independently_mobile": False, "dimple_sign": False, "tb_risk": True,
            "bladder_bowel_dysfunction": True, "hypotension": False, "atypical_dimple": True, "size_cm": 25.8,
            "fever": False}
    answer = knowledge.assess(case, kb)
    page = export.case_summary_html(answer, kb, NOW)
    items = dict(re.findall(r'<li data-avoid="([^"]+)">(.*?)</li>', page))
    assert "together" in items["biopsy"] and "spinal dysraphism 29." in items["biopsy"]
    assert "spinal / sacral tumour" in items["biopsy"]


def test_two_steps_of_one_rule_to_the_same_target_keep_their_own_notes(kb: knowledge.Knowledge) -> None:
    """Since 2026.11.50 a rule may hold a child's and an adult's step of the same step and target
    (mscc_pathway's two oncology referrals). The summary's notes were keyed by (rule, step, target), so the
    second step's note replaced the first's; the rationale is now in the key and each keeps its own."""
    notes = export._step_notes(kb)
    rule = next(c.rule for c in kb.workup_rules if c.rule.id == "mscc_pathway")
    oncology = [s for s in rule.steps if s.step == "referral" and s.to == "oncology"]
    assert len(oncology) == 2 and oncology[0].note != oncology[1].note
    for s in oncology:
        assert notes[(rule.id, s.step, s.to, s.rationale)] == s.note
