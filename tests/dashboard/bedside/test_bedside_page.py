"""The bedside page wired end to end in Streamlit's AppTest: widgets by key, panels, URL, errors."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.bedside import inputs
from dashboard.common import case_url

APP = Path(__file__).resolve().parents[3] / "streamlit_app.py"


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


def _app(**params: str) -> AppTest:
    """The app with the given query parameters, run once."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _html(at: AppTest) -> str:
    """All the HTML the page's st.html panels hold, with entities unescaped."""
    return unescape("\n".join(str(el.value) for el in at.get("html")))


def _whole_page(at: AppTest) -> AppTest:
    """Draw the whole page again from the session's state.

    A tap reruns only the fragments it changes and the browser keeps the rest of the page as it was;
    AppTest's tree holds only what the last run drew. A run with no widget changed draws every part,
    so a test can then look at parts a tap did not redraw (test_reruns.py checks what a tap redraws)."""
    return at.run()


def _widget_value(at: AppTest, fid: str, kb: knowledge.Knowledge):
    key = inputs.widget_key(fid)
    if kb.findings[fid].type == "number":
        return at.number_input(key=key).value
    return at.button_group(key=key).value


def test_every_finding_has_a_widget_that_starts_not_examined(kb: knowledge.Knowledge) -> None:
    """Each finding has one widget keyed f.<id>, labelled, with help, starting not examined."""
    at = _app()
    for fid, finding in kb.findings.items():
        key = inputs.widget_key(fid)
        if finding.type == "number":
            widget = at.number_input(key=key)
            assert widget.value is None  # no min/max on the widget: the engine's range check decides
        else:
            widget = at.button_group(key=key)
            assert widget.value == inputs.NOT_EXAMINED
            expected = ["not examined", "yes", "no"] if finding.type == "boolean" else None
            if expected:
                assert widget.options == expected
            else:
                assert len(widget.options) == 1 + len(finding.values)
        assert finding.label in widget.label
        assert widget.help, f"{fid} has no help text"
    # + the why selector and the in-place answer to 'Examine next'
    assert len(at.button_group) + len(at.number_input) == len(kb.findings) + 2
    assert not at.error
    assert not at.exception


def test_saddle_anaesthesia_shows_the_emergency_banner() -> None:
    """Saddle numbness entered by its widget raises an EMERGENCY banner with the cauda equina flag and its action."""
    at = _app()
    at.button_group(key="f.saddle_anesthesia").set_value(True).run()
    page = _html(at)
    assert 'data-level="emergency"' in page
    assert "TRIAGE: EMERGENCY" in page
    assert "cauda equina" in page
    assert "Within:" in page and "Source:" in page
    assert at.query_params["saddle_anesthesia"] == "true"
    assert not at.exception


def test_reset_returns_every_finding_to_not_examined(kb: knowledge.Knowledge) -> None:
    """After entering a yes/no, a choice and a number, the reset puts every finding back and empties the URL
    of findings (a reserved parameter such as `view` survives)."""
    at = _app(view="projector")
    at.button_group(key="f.tender").set_value(True)
    at.button_group(key="f.location").set_value("flank")
    at.number_input(key="f.size_cm").set_value(4.0)
    at.run()
    assert at.query_params["size_cm"] == "4"
    _whole_page(at).button(key=inputs.RESET_KEY).click().run()
    for fid, finding in kb.findings.items():
        blank = None if finding.type == "number" else inputs.NOT_EXAMINED
        assert _widget_value(at, fid, kb) == blank, fid
    assert dict(at.query_params) == {"view": "projector"}
    assert 'data-level="none"' in _html(at)  # nothing entered: not assessed, never a reassuring routine
    assert not at.exception


def test_undo_restores_the_case_a_reset_cleared(kb: knowledge.Knowledge) -> None:
    """Undo after a reset gives back every finding and the same URL; undo is greyed until there is a reset."""
    at = _app(age_years="52", saddle_anesthesia="true", location="flank")
    assert at.button(key=inputs.UNDO_KEY).disabled
    before = dict(at.query_params)
    at.button(key=inputs.RESET_KEY).click().run()
    assert dict(at.query_params) == {}
    assert not at.button(key=inputs.UNDO_KEY).disabled
    at.button(key=inputs.UNDO_KEY).click().run()
    assert dict(at.query_params) == before
    assert at.button_group(key="f.saddle_anesthesia").value is True
    assert 'data-level="emergency"' in _html(at)
    assert at.button(key=inputs.UNDO_KEY).disabled


def test_neurological_normal_sets_only_unanswered_neuro_yes_no_findings(kb: knowledge.Knowledge) -> None:
    """One tap: every neurological yes/no finding not answered becomes no; answered ones and other groups stay."""
    at = _app(age_years="50", saddle_anesthesia="true")
    at.button(key=inputs.NEURO_NORMAL_KEY).click().run()
    neuro = [fid for fid, finding in kb.findings.items() if finding.group == "neuro" and finding.type == "boolean"]
    # the tap redraws the neurological group, so its widgets show the new answers at once
    assert [_widget_value(at, fid, kb) for fid in neuro] == [fid == "saddle_anesthesia" for fid in neuro]
    _whole_page(at)
    for fid, finding in kb.findings.items():
        value = _widget_value(at, fid, kb)
        if fid == "saddle_anesthesia":
            assert value is True
        elif finding.group == "neuro" and finding.type == "boolean":
            assert value is False, fid
        elif finding.type != "number":
            assert value == inputs.NOT_EXAMINED, fid


def test_a_chip_tap_sets_its_finding_back_to_not_examined() -> None:
    """The chips list the findings entered; choosing one clears it and the examined count drops."""
    at = _app(age_years="50", tender="true")
    chips = at.get("button_group")
    chip = next(c for c in chips if c.key == inputs.CHIPS_KEY)
    assert set(chip.options) >= {"Age: 50 years \u2715", "Tender: yes \u2715"}
    assert "2 of " in _html(at)
    chip.set_value("tender").run()
    assert at.button_group(key="f.tender").value == inputs.NOT_EXAMINED
    assert dict(at.query_params) == {"age_years": "50"}
    assert "1 of " in _html(at)


def test_out_of_range_number_is_left_out_with_the_engines_hint() -> None:
    """An age of 450 is not given to the engine (the banner stays not assessed) and the field says why."""
    at = _app()
    at.number_input(key="f.age_years").set_value(450.0).run()
    page = _html(at)
    assert "months" in page and 'data-finding="age_years"' in page
    assert 'data-level="none"' in page
    assert "age_years" not in at.query_params


def test_answering_examine_next_in_place_enters_the_finding(kb: knowledge.Knowledge) -> None:
    """The in-place answer to 'Examine next' sets that finding's own widget."""
    at = _app(age_years="45")
    asked = knowledge.assess({"age_years": 45}, kb).next_questions[0]["finding"]
    finding = kb.findings[asked]
    value = True if finding.type == "boolean" else finding.values[0]
    at.button_group(key="next.answer").set_value(value).run()
    assert at.button_group(key=inputs.widget_key(asked)).value == value
    assert asked in at.query_params


def test_bad_link_names_each_parameter_and_keeps_the_valid_ones() -> None:
    """A tampered link shows one error naming every bad parameter, opens the valid ones, and raises nothing."""
    at = _app(age_years="45", size_cm="120", tender="maybe", leg_weaknes="true", location="midline_lumbar", page="bedside")
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")  # markdown escapes
    assert "3 parameters" in message
    for fragment in ("size_cm=120", "was it entered in mm", "tender=maybe", "leg_weaknes=true", "leg_weakness"):
        assert fragment in message
    assert at.number_input(key="f.age_years").value == 45
    assert at.button_group(key="f.location").value == "midline_lumbar"
    assert at.button_group(key="f.tender").value == inputs.NOT_EXAMINED
    # the bad parameters leave the URL; the reserved one stays
    assert dict(at.query_params) == {"page": "bedside", "age_years": "45", "location": "midline_lumbar"}
    assert not at.exception


def test_error_clears_on_reset() -> None:
    """The link's error stays while the case is worked on and goes with the reset."""
    at = _app(size_cm="0")
    assert "size_cm=0" in at.error[0].value
    at.button_group(key="f.tender").set_value(False).run()
    assert not at.error  # the tap reran only its fragments, so the error above them stays as it was drawn
    assert len(_whole_page(at).error) == 1  # and a run of the whole page draws it again
    at.button(key=inputs.RESET_KEY).click().run()
    assert not at.error
    assert not at.exception


def test_valid_link_opens_the_same_case(kb: knowledge.Knowledge) -> None:
    """A shared link sets the widgets to its findings and the URL stays as it was."""
    case = {"age_years": 30, "size_cm": 2.5, "tender": True, "warmth": True, "consistency": "fluctuant", "onset": "acute"}
    params = case_url.encode(case, kb)
    at = _app(**params)
    for fid, value in case.items():
        assert _widget_value(at, fid, kb) == value
    assert dict(at.query_params) == params
    assert not at.error
    assert not at.exception


def test_ranking_chart_is_drawn_with_version_and_estimate_wording(kb: knowledge.Knowledge) -> None:
    """The page draws one ranking chart that carries the knowledge version and calls its numbers estimates."""
    at = _app(age_years="50", consistency="soft")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert len(spec["data"][0]["x"]) == len(kb.causes)
    layout = json.dumps(spec["layout"])
    assert kb.version in layout
    assert "estimated probability" in layout
    assert not at.exception


def test_panels_show_next_question_workup_and_why() -> None:
    """The page shows the next best question, the numbered workup path and why the top cause ranks first."""
    at = _app(age_years="35", tender="true", warmth="true", erythema="true", consistency="fluctuant", onset="acute")
    page = _html(at)
    assert "Examine next:" in page
    assert 'data-lbln="workup"' in page and "<li>" in page
    assert "Why Skin abscess" in page
    assert "Raised it:" in page and "×" in page
    assert "Not yet asked (safety)" in page
    assert not at.exception


def test_why_explains_a_picked_cant_miss_cause(kb: knowledge.Knowledge) -> None:
    """Picking a can't-miss cause in the why selector explains that cause instead of the top one."""
    at = _app(age_years="70", history_of_cancer="true", unexplained_weight_loss="true")
    at.pills(key="why.cause").set_value("metastasis").run()
    assert f"Why {kb.causes['metastasis'].name} (can't miss)" in _html(at)
    assert not at.exception


def test_why_names_the_presentation_of_a_cause_with_states(kb: knowledge.Knowledge) -> None:
    """For a cause the ranking splits into presentations (issue 10), "why" says which one the findings point
    to and its share; a cause without states gets no such line."""
    at = _app(age_years="40", tender="true", erythema="true", warmth="true", discharge="keratin", onset="acute")
    at.pills(key="why.cause").set_value("epidermoid_cyst").run()
    assessment = knowledge.assess({"age_years": 40, "tender": True, "erythema": True, "warmth": True,
                                   "discharge": "keratin", "onset": "acute"})
    state, share = assessment.state_of("epidermoid_cyst")
    assert state.startswith("inflamed")
    assert f"Mostly as its {state} presentation ({share:.0%} of this estimate)." in _html(at)
    at.pills(key="why.cause").set_value("abscess").run()
    assert assessment.state_of("abscess") is None and 'data-lbln="why-state"' not in _html(at)
    assert not at.exception


def test_the_not_yet_examined_list_is_drawn_only_when_open(kb: knowledge.Knowledge) -> None:
    """Closed (the default), the list of findings not yet examined is not drawn or sent; opened, it lists
    every finding not examined, by group, with the count."""
    from dashboard.bedside import panels

    count = f"{len(kb.findings) - 2} findings not yet examined"
    at = _app(age_years="45", tender="true")
    assert count not in _html(at)
    at.session_state[panels.UNKNOWN_KEY] = True
    listed = next(str(el.value) for el in at.run().get("html") if count in str(el.value))
    assert kb.findings["saddle_anesthesia"].label in listed and kb.findings["tender"].label not in listed
    assert not at.exception


def test_the_not_yet_examined_list_keeps_the_examination_order_of_groups(kb: knowledge.Knowledge) -> None:
    """With age and sex entered, the one patient finding left (whether a child moves about alone) sits late
    in the findings file; the list still starts with 'Patient', in the order the bedside groups are examined
    (words.by_group), as the case summary and the note do. It listed groups in the order first met."""
    from dashboard.bedside import panels
    from dashboard.common import words

    at = _app(age_years="45", sex="male")
    at.session_state[panels.UNKNOWN_KEY] = True
    listed = next(str(el.value) for el in at.run().get("html") if "findings not yet examined" in str(el.value))
    titles = [words.GROUP_TITLES[g] for g in words.by_group(kb) if g in words.GROUP_TITLES]
    shown = [t for t in titles if f"<b>{t}:</b>" in listed]
    assert shown[0] == words.GROUP_TITLES["patient"]
    assert sorted(shown, key=listed.index) == shown
    assert not at.exception
