"""What a tap reruns on the bedside page (issue 11, speed): the strip, the chips and the results, plus
only the groups of findings whose widgets or field notes change; never another finding's widget.
And the per-session assessment held for a case is never another case's."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.bedside import inputs, panels

APP = Path(__file__).resolve().parents[3] / "streamlit_app.py"


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _html(at: AppTest) -> str:
    return unescape("\n".join(str(el.value) for el in at.get("html")))


def _finding_widgets(at: AppTest) -> set[str]:
    """The keys of the finding widgets the last run drew."""
    keys = [w.key for w in at.button_group] + [w.key for w in at.number_input]
    return {k[len(inputs.KEY_PREFIX):] for k in keys if k and k.startswith(inputs.KEY_PREFIX)}


def _group(kb: knowledge.Knowledge, name: str) -> set[str]:
    return {fid for fid, f in kb.findings.items() if f.group == name}


# --- pure: which fragments a change reruns ---------------------------------------------------------


def _drawn(kb: knowledge.Knowledge, state: dict[str, object]) -> dict[str, dict[str, inputs.FieldNote]]:
    """The field notes every group would be drawn with for these widget values."""
    return {g: inputs.field_notes(kb, g, state) for g in inputs.groups(kb)}


def test_a_plain_change_reruns_only_strip_chips_and_results(kb: knowledge.Knowledge) -> None:
    state = {inputs.widget_key("tender"): True, inputs.widget_key("age_years"): 50.0}
    assert inputs.fragments_to_rerun(kb, state, _drawn(kb, state)) == list(inputs.EVERY_TAP)


def test_a_finding_set_by_a_callback_also_reruns_its_group(kb: knowledge.Knowledge) -> None:
    state = {inputs.widget_key("tender"): True}
    keys = inputs.fragments_to_rerun(kb, state, _drawn(kb, state), redraw=["tender", "not_a_finding"])
    assert keys == [*inputs.EVERY_TAP, inputs.group_fragment(kb.findings["tender"].group)]


def test_an_age_that_changes_notes_reruns_the_groups_with_those_notes(kb: knowledge.Knowledge) -> None:
    """Age 2 makes the self-reported neurological findings not apply: the neurological group is redrawn
    with its notes; once drawn, the same age reruns nothing more."""
    before: dict[str, object] = {inputs.widget_key("age_years"): 50.0}
    drawn = _drawn(kb, before)
    toddler = {inputs.widget_key("age_years"): 2.0}
    keys = inputs.fragments_to_rerun(kb, toddler, drawn)
    assert inputs.group_fragment("neuro") in keys
    assert "saddle_anesthesia" in inputs.field_notes(kb, "neuro", toddler)
    assert inputs.field_notes(kb, "neuro", toddler)["saddle_anesthesia"].info  # information, not a problem
    assert inputs.fragments_to_rerun(kb, toddler, _drawn(kb, toddler)) == list(inputs.EVERY_TAP)
    # an age where no finding has a note (10 -> 11) reruns no group; a note names the age, so 50 -> 60 does
    ten = {inputs.widget_key("age_years"): 10.0}
    assert inputs.fragments_to_rerun(kb, {inputs.widget_key("age_years"): 11.0}, _drawn(kb, ten)) == list(inputs.EVERY_TAP)
    assert inputs.fragments_to_rerun(kb, {inputs.widget_key("age_years"): 60.0}, drawn) == [
        *inputs.EVERY_TAP, inputs.group_fragment(kb.findings["independently_mobile"].group)]


def test_a_number_out_of_range_reruns_its_group_with_the_engines_hint(kb: knowledge.Knowledge) -> None:
    state: dict[str, object] = {inputs.widget_key("size_cm"): 120.0}
    group = kb.findings["size_cm"].group
    assert inputs.group_fragment(group) in inputs.fragments_to_rerun(kb, state, _drawn(kb, {}))
    note = inputs.field_notes(kb, group, state)["size_cm"]
    assert "mm" in note.text and note.text.endswith(inputs.text.NOT_USED)
    assert not note.info  # a problem with what was entered, not information


def test_a_number_check_reruns_no_group_of_findings(kb: knowledge.Knowledge) -> None:
    """Age 8, then bruising answered yes: the age check shows under the banner and in the strip, which every
    tap reruns anyway; no group of findings is redrawn for it (a group's rerun is the dear part of a tap)."""
    age = {inputs.widget_key("age_years"): 8.0}
    bruised = {**age, inputs.widget_key("bruising"): True}
    assert inputs.fragments_to_rerun(kb, bruised, _drawn(kb, age)) == list(inputs.EVERY_TAP)
    assert inputs.fragments_to_rerun(kb, {inputs.widget_key("bruising"): True}, _drawn(kb, {})) == list(inputs.EVERY_TAP)


def test_an_age_out_of_range_gives_no_age_notes(kb: knowledge.Knowledge) -> None:
    """The engine cannot use an age of 450: the age field says so, and no finding is said not to apply."""
    state: dict[str, object] = {inputs.widget_key("age_years"): 450.0}
    assert inputs.usable_age(kb, state) is None
    notes = {fid: note for g in inputs.groups(kb) for fid, note in inputs.field_notes(kb, g, state).items()}
    assert list(notes) == ["age_years"]


def test_groups_hold_every_finding_once_in_examining_order(kb: knowledge.Knowledge) -> None:
    groups = inputs.groups(kb)
    assert sorted(fid for fids in groups.values() for fid in fids) == sorted(kb.findings)
    assert next(iter(groups)) == "patient"


# --- AppTest: what a tap draws ---------------------------------------------------------------------


def test_a_finding_tap_redraws_strip_chips_and_results_and_no_finding_widget(kb: knowledge.Knowledge) -> None:
    at = _app(age_years="50")
    at.button_group(key="f.tender").set_value(True).run()
    page = _html(at)
    assert 'data-lbln="strip"' in page and 'data-lbln="triage"' in page and 'data-lbln="examined"' in page
    assert len(at.get("plotly_chart")) == 1
    chips = next(c for c in at.get("button_group") if c.key == inputs.CHIPS_KEY)
    assert "Tender: yes \u2715" in chips.options
    assert _finding_widgets(at) == set()  # not one of the finding widgets is drawn (or sent) again
    assert not any(b.key == inputs.RESET_KEY for b in at.button)  # nor the rest of the page
    assert at.query_params["tender"] == "true"
    assert not at.exception


def test_a_tap_leaves_the_download_row_alone_and_hands_it_the_new_assessment(kb: knowledge.Knowledge) -> None:
    """The summary label and download button are drawn once per case (opening, reset), not by a tap; the
    button builds its file on click from the assessment the tap's results run held for it."""
    at = _app(age_years="50")
    assert len(at.get("download_button")) == 1
    at.button_group(key="f.tender").set_value(True).run()
    assert not at.get("download_button") and not any(t.key == panels.EXPORT_LABEL_KEY for t in at.text_input)
    held = at.session_state[panels._EXPORT_HOLDER_KEY][panels._HELD_ASSESSMENT]
    assert held.case.findings == {"age_years": 50.0, "tender": True}
    assert held.probabilities == knowledge.assess({"age_years": 50.0, "tender": True}, kb).probabilities
    at.run()
    at.button(key=inputs.RESET_KEY).click().run()  # a new case: the whole page, the button with it
    assert len(at.get("download_button")) == 1
    assert at.session_state[panels._EXPORT_HOLDER_KEY][panels._HELD_ASSESSMENT].case.findings == {}
    assert not at.exception


def test_an_age_that_changes_notes_redraws_those_groups_only(kb: knowledge.Knowledge) -> None:
    at = _app(age_years="50")
    at.number_input(key="f.age_years").set_value(2.0).run()
    drawn = _finding_widgets(at)
    assert _group(kb, "neuro") <= drawn  # the notes of the self-reported findings appear
    assert 'data-finding="saddle_anesthesia"' in _html(at)
    assert not drawn & _group(kb, "feel")  # a group whose notes do not change is left alone
    at.run()  # the whole page again
    at.number_input(key="f.age_years").set_value(11.0).run()  # the notes go: the group is redrawn without them
    assert _group(kb, "neuro") <= _finding_widgets(at)
    assert 'data-lbln="field-note"' not in _html(at)
    at.run()
    at.number_input(key="f.age_years").set_value(12.0).run()  # no note before or after: no group is redrawn
    assert _finding_widgets(at) == set()
    assert not at.exception


# --- the assessment held per case --------------------------------------------------------------------


def test_case_key_tells_every_two_cases_apart() -> None:
    assert inputs.case_key({"a": True, "b": "x"}) == inputs.case_key({"b": "x", "a": True})
    assert inputs.case_key({"a": True}) != inputs.case_key({"a": 1})
    assert inputs.case_key({"a": 1.0}) != inputs.case_key({"a": 2.0})
    assert inputs.case_key({"a": True}) != inputs.case_key({"a": True, "b": False})
    assert inputs.case_key({}) != inputs.case_key({"a": False})


def _held_assessments() -> None:
    """A script that asks the page's per-session assessment for a run of cases, repeated and alternating."""
    import streamlit as st

    import knowledge
    from dashboard.bedside import page as bedside
    from dashboard.common import page

    kb = page.knowledge_base()
    cases = [{}, {"tender": True}, {"tender": True}, {"tender": False}, {"age_years": 2.0},
             {"age_years": 2.0, "tender": True}, {}, {"tender": True}]
    for case in cases:
        held = bedside.assessment_of(kb, case)
        st.write(repr(sorted(held.case.findings.items())), repr(held.probabilities == knowledge.assess(case, kb).probabilities))


def test_the_assessment_held_for_a_session_is_always_the_case_asked_for() -> None:
    at = AppTest.from_function(_held_assessments, default_timeout=30).run()
    shown = [m.value for m in at.markdown]
    cases = [{}, {"tender": True}, {"tender": True}, {"tender": False}, {"age_years": 2.0},
             {"age_years": 2.0, "tender": True}, {}, {"tender": True}]
    assert len(shown) == len(cases)
    for line, case in zip(shown, cases, strict=True):
        assert line.startswith(repr(sorted(case.items()))), (line, case)
        assert line.endswith("True")


def test_a_tap_assesses_each_case_once_even_with_the_age_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child's whole-number age is checked by assessing the case a second time with the age in months.
    The strip and the results both show that check, yet a tap assesses the new case and its months
    reading once each (the session's memo, `inputs.assessed`), not once per place."""
    at = _app(age_years="8", bruising="true")
    calls: list[dict] = []
    real = knowledge.assess

    def counting(case, kb=None):
        calls.append(dict(case))
        return real(case, kb)

    monkeypatch.setattr(knowledge, "assess", counting)
    at.button_group(key="f.tender").set_value(True).run()
    assert 'data-lbln="check" data-finding="age_years"' in _html(at)
    keys = [inputs.case_key(c) for c in calls]
    assert len(keys) == len(set(keys)) == 2, calls  # the case with tender, and the same read as 8 months
    assert {c["age_years"] for c in calls} == {8.0, round(8 / 12, 2)}


def test_the_age_check_is_drawn_under_the_banner_and_in_the_strip_when_a_bruise_is_entered() -> None:
    """Through the page: a link with age 8 and a bruise from a fall draws the check under the banner and in
    the portrait strip (the routine line; an unexplained bruise would make it urgent); with no bruise,
    nothing."""
    page = _html(_app(age_years="8", bruising="true", recent_trauma="true"))
    assert 'data-lbln="check" data-finding="age_years">\u26a0 Check the age: 8 years, or 8 months' in page  # under the banner
    assert 'data-check="age_years"' in page  # the portrait strip
    quiet = _html(_app(age_years="8", bruising="false", location="paraspinal"))  # a site: an 8-month-old's unsited lump is urgent
    assert 'data-finding="age_years"' not in quiet and "data-check" not in quiet


def test_the_age_and_size_are_read_back_in_the_banner_and_follow_a_tap() -> None:
    """Through the page: a link with age 8 and size 30 reads both back at the banner's end; changing the age
    to 0.67 by the widget reads back '8 months old'; a page with neither shows no line."""
    at = _app(age_years="8", size_cm="30")
    assert 'data-lbln="read-as">Read as: 8 years old · lump 30 cm across</span></div>' in _html(at)  # inside the banner
    at.number_input(key="f.age_years").set_value(0.67).run()
    assert 'data-lbln="read-as">Read as: 8 months old · lump 30 cm across</span></div>' in _html(at)
    assert 'data-lbln="read-as"' not in _html(_app(tender="true"))
    assert not at.exception


def test_a_not_applicable_note_is_information_and_a_bad_number_a_problem(kb: knowledge.Knowledge) -> None:
    """A finding that cannot apply at the entered age gets a muted note (information: an adult's
    'child moves about alone'); a number the engine cannot use keeps the dark-red problem note."""
    at = _app(age_years="45")
    at.number_input(key="f.size_cm").set_value(400.0).run()
    page = _html(at.run())
    info = 'class="lbln-field-note lbln-field-note-info" data-lbln="field-note" data-finding="independently_mobile"'
    problem = 'class="lbln-field-note" data-lbln="field-note" data-finding="size_cm"'
    assert info in page and problem in page
