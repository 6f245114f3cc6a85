"""The teaching page wired end to end in Streamlit's AppTest, and its pure link and QR helpers.

How the teach page is opened in AppTest: through the `page=teach` query parameter, set before the
first run. `dashboard.app.run` turns it into `st.switch_page(teach page)`, which AppTest follows
within the same `run()` (the URL then holds `case=<code>` without `page`). `at.switch_page(...)`
cannot be used: it matches registered *script files*, and the app's pages are callables
registered by `st.navigation` (AppTest raises "Could not find a navigation page").
"""

from __future__ import annotations

import re
import urllib.parse
from html import unescape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import knowledge
from casebook import CaseLibrary, load_library
from casebook.codes import case_code, code_index
from dashboard import app
from dashboard.common import case_url as state
from dashboard.common import words
from dashboard.teaching import links as teach_links
from dashboard.teaching import panels as tp
from dashboard.teaching import text as tt

ROOT = Path(__file__).resolve().parents[3]
APP = ROOT / "streamlit_app.py"
CASE = "tc-pilonidal-first-abscess"  # engine agrees; diagnosis pilonidal disease, triage urgent
MISLEADING = "tc-deep-fatty-lump-flank"  # engine_agrees is false


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    """The project's knowledge."""
    return knowledge.load_knowledge()


@pytest.fixture(scope="module")
def library() -> CaseLibrary:
    """The shipped teaching library."""
    return load_library()


def _teach(**params: str) -> AppTest:
    """The app opened on the teaching page (by the `page=teach` route) with these parameters, run once."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["page"] = "teach"
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _html(at: AppTest) -> str:
    """All the HTML the page's st.html elements hold, entities unescaped."""
    return unescape("\n".join(str(el.value) for el in at.get("html")))


def _text(at: AppTest) -> str:
    """Everything the page says in words: HTML panels, markdown, captions, alerts and widget labels."""
    parts = [_html(at)]
    parts += [str(el.value) for kind in ("markdown", "caption", "error", "warning", "info", "code") for el in at.get(kind)]
    parts += [str(b.label) for b in at.button] + [str(t.label) for t in at.toggle]
    return "\n".join(parts)


def _diagnosis(kb: knowledge.Knowledge, library: CaseLibrary, case_id: str) -> str:
    case = library.get(case_id)
    assert case is not None
    return kb.causes[case.answer.diagnosis].name


# --- routing and class links ------------------------------------------------------------------------


def test_class_link_opens_the_case_with_the_answer_hidden(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """`?page=teach&case=<id>` opens that case's story and findings with no diagnosis, and the URL shows its code."""
    at = _teach(case=CASE)
    case = library.get(CASE)
    page = _html(at)
    assert case.story in page
    assert "Where is it:" in page and "natal cleft" in page and "Midline pits / sinus:" in page
    assert "were not examined" in page
    assert _diagnosis(kb, library, CASE) not in _text(at)
    assert 'data-lbln="answer-hidden"' in page
    assert dict(at.query_params) == {"case": case_code(CASE)}  # page= routed away, id replaced by its code
    assert not at.error
    assert not at.exception


def test_link_by_code_opens_the_same_case(library: CaseLibrary) -> None:
    """The short code in a class link opens the same case as its id."""
    at = _teach(case=case_code(CASE))
    assert library.get(CASE).story in _html(at)
    assert not at.error
    assert not at.exception


def test_page_parameter_also_routes_to_the_sources_page() -> None:
    """`?page=sources` opens the knowledge and sources page (not the bedside) and drops `page` from the URL."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params["page"] = "sources"
    at.run()
    assert "page" not in at.query_params
    assert not [w for w in at.button_group if str(w.key).startswith("f.")]  # no bedside finding widgets
    assert not at.exception


def test_routing_parameter_is_pure_and_never_loops() -> None:
    """`page=teach` or `page=sources` asks for that page unless already on it; anything else asks for nothing,
    except on the hidden /bedside alias, which asks for the bedside page."""
    assert app.routed_page({"page": "teach"}, "") == "teach"
    assert app.routed_page({"page": "sources"}, "bedside") == "sources"
    assert app.routed_page({"page": "teach"}, "teach") is None
    assert app.routed_page({"page": "bedside"}, "") is None
    assert app.routed_page({"page": "../etc"}, "") is None
    assert app.routed_page({}, "") is None
    # the hidden /bedside alias moves to the bedside page at "/", unless ?page= names another page
    assert app.routed_page({}, app.BEDSIDE_ALIAS) == "bedside"
    assert app.routed_page({"page": "teach"}, app.BEDSIDE_ALIAS) == "teach"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"case": "tc-no-such-case"}, "No teaching case is called `tc-no-such-case`"),
        ({"case": "<script>alert(1)</script>"}, "is malformed"),
        ({"case": "TC_Pilonidal"}, "is malformed"),
        ({"case": ""}, "parameter is empty"),
        ({"case": "x" * 500}, "is malformed"),
    ],
    ids=["unknown", "script", "malformed", "empty", "long"],
)
def test_bad_case_shows_a_message_and_the_library(params: dict[str, str], fragment: str) -> None:
    """An unknown, malformed or empty case in a link gives one error naming it, then the library; never an exception."""
    at = _teach(**params)
    assert len(at.error) == 1
    assert fragment in at.error[0].value
    assert tt.LINK_PROBLEM_LIBRARY in at.error[0].value
    assert len([b for b in at.button if b.key.startswith("teach.open.")]) == len(load_library().cases)
    assert not at.exception


def test_tampered_reveal_keeps_the_answer_hidden(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """`reveal=garbage` is named in an error and the case opens with its answer still hidden."""
    at = _teach(case=CASE, reveal="pleasepleaseplease", view="giant")
    message = at.error[0].value
    assert "`reveal=pleasepleaseplease` is not understood" in message
    assert "`view=giant` is not understood" in message
    assert library.get(CASE).story in _html(at)
    assert _diagnosis(kb, library, CASE) not in _text(at)
    assert not at.exception


# --- hidden until revealed or committed --------------------------------------------------------------


def test_reveal_toggle_shows_and_hides_the_answer(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """The diagnosis is absent until 'Reveal answer to this screen' is on, and goes again when it is off."""
    at = _teach(case=CASE)
    name = _diagnosis(kb, library, CASE)
    assert name not in _text(at)
    assert at.toggle(key=tp.REVEAL_KEY).label == tt.REVEAL_TOGGLE
    at.toggle(key=tp.REVEAL_KEY).set_value(True).run()
    page = _html(at)
    assert f'data-lbln="diagnosis">{name}<' in page
    assert "Teaching points" in page and library.get(CASE).teaching_points[0] in page
    assert len(at.get("plotly_chart")) == 1
    at.toggle(key=tp.REVEAL_KEY).set_value(False).run()
    assert name not in _text(at)
    assert not at.get("plotly_chart")
    assert not at.exception


def test_teachers_link_reveals_at_once_and_hiding_drops_it_from_the_url(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """`reveal=1` shows the answer on opening; switching reveal off hides it and removes `reveal` from the URL."""
    at = _teach(case=CASE, reveal="1")
    assert _diagnosis(kb, library, CASE) in _html(at)
    assert at.toggle(key=tp.REVEAL_KEY).value is True
    at.toggle(key=tp.REVEAL_KEY).set_value(False).run()
    assert _diagnosis(kb, library, CASE) not in _text(at)
    assert "reveal" not in at.query_params
    assert not at.exception


def test_committing_a_guess_shows_the_comparison(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """After choosing causes and a triage and committing, the page grades each guess and the triage in words and icons."""
    at = _teach(case=CASE)
    assert at.button(key=tp.COMMIT_KEY).disabled
    at.pills(key=tp.guess_key(CASE)).set_value(["abscess", "pilonidal_disease", "lipoma"])
    at.button_group(key=tp.triage_key(CASE)).set_value("routine")
    at.run()
    assert not at.button(key=tp.COMMIT_KEY).disabled
    assert _diagnosis(kb, library, CASE) not in _html(at)  # choosing is not committing
    at.button(key=tp.COMMIT_KEY).click().run()
    page = _html(at)
    assert 'data-lbln="grade"' in page
    assert "You named the diagnosis, Pilonidal disease, as your cause number 2." in page
    assert f"{tt.ICON_PARTIAL}</span>{kb.causes['abscess'].name}: acceptable" in page
    assert f"{tt.ICON_MISS}</span>{kb.causes['lipoma'].name}: not expected here" in page
    assert 'data-lbln="grade-triage" data-verdict="under"' in page
    assert "Under-triaged: you chose ROUTINE, the answer is URGENT." in page
    assert 'data-lbln="answer"' in page and len(at.get("plotly_chart")) == 1
    # the committed guess is locked, and so is the reveal toggle (the answer stays shown)
    assert at.pills(key=tp.guess_key(CASE)).disabled
    assert at.toggle(key=tp.REVEAL_KEY).disabled and at.toggle(key=tp.REVEAL_KEY).value is True
    assert "Commit my answer" not in [b.label for b in at.button]
    assert not at.exception


def test_more_than_three_causes_cannot_be_committed() -> None:
    """Four causes give a warning and a disabled commit button."""
    at = _teach(case=CASE)
    at.pills(key=tp.guess_key(CASE)).set_value(["abscess", "pilonidal_disease", "lipoma", "folliculitis"])
    at.button_group(key=tp.triage_key(CASE)).set_value("urgent")
    at.run()
    assert at.warning[0].value == tt.TOO_MANY
    assert at.button(key=tp.COMMIT_KEY).disabled
    assert not at.exception


def test_revealing_first_closes_the_guess() -> None:
    """With the answer revealed before any commit, the guess widgets are disabled and say why."""
    at = _teach(case=CASE)
    at.toggle(key=tp.REVEAL_KEY).set_value(True).run()
    assert at.pills(key=tp.guess_key(CASE)).disabled
    assert tt.GUESS_CLOSED in [i.value for i in at.info]
    assert not at.exception


def test_misleading_case_shows_the_engine_note_prominently(library: CaseLibrary) -> None:
    """When engine_agrees is false, the revealed answer opens with 'Here the ranking misleads' and the case's note."""
    case = library.get(MISLEADING)
    at = _teach(case=MISLEADING)
    assert 'data-lbln="misleads"' not in _html(at) and case.engine_note not in _text(at)
    at.toggle(key=tp.REVEAL_KEY).set_value(True).run()
    page = _html(at)
    assert f"{tt.ENGINE_MISLEADS}</b> {case.engine_note}" in page
    assert not at.exception


def test_answer_links_sources_and_the_bedside(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """The revealed answer names every source by its label with a link, and links the bedside with the case's findings."""
    case = library.get(CASE)
    at = _teach(case=CASE, reveal="1")
    sources = "\n".join(str(m.value) for m in at.markdown)
    for sid in case.sources:
        assert re.sub(r"([()\[\]])", r"\\\1", kb.sources[sid].label) in sources
    assert sources.count("](<http") == len(case.sources)
    bedside = [el for el in at.get("link_button") if el.proto.label == tt.OPEN_AT_BEDSIDE]
    assert len(bedside) == 1
    url = urllib.parse.urlsplit(bedside[0].proto.url)
    assert url.path == "/"  # the bedside page is the default page
    assert dict(urllib.parse.parse_qsl(url.query)) == state.encode(case.findings, kb)
    assert not at.exception


# --- library -------------------------------------------------------------------------------------------


def test_library_lists_every_case_without_diagnoses_or_ids(kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """The library shows each case's title, difficulty and region, and no diagnosis name or case id."""
    at = _teach()
    titles = [b.label for b in at.button if b.key.startswith("teach.open.")]
    assert titles == [c.title for c in library.cases]
    page = _text(at)
    assert f"{len(library.cases)} cases" in page
    for case in library.cases:
        assert case.id not in page
        assert case.id not in " ".join(b.key for b in at.button)
    assert not at.exception


@pytest.mark.parametrize("difficulty", [None, "easy", "medium", "hard"])
def test_filters_show_matching_cases_and_reveal_no_diagnosis(difficulty: str | None, kb: knowledge.Knowledge, library: CaseLibrary) -> None:
    """Every difficulty and region filter lists exactly the matching cases and never a diagnosis of those listed."""
    at = _teach()
    regions = at.pills(key=tp.FILTER_REGION_KEY).options
    at.button_group(key=tp.FILTER_DIFFICULTY_KEY).set_value(difficulty).run()
    location_labels = kb.findings["location"].value_labels
    by_label = {v: k for k, v in location_labels.items()}
    for label in [None, *regions]:
        region = by_label[label] if label else None
        at.pills(key=tp.FILTER_REGION_KEY).set_value(region).run()
        expected = library.filter(difficulty, region)
        listed = [b.label for b in at.button if b.key.startswith("teach.open.")]
        assert listed == [c.title for c in expected], (difficulty, region)
        page = _text(at)
        for case in expected:
            cause = kb.causes[case.answer.diagnosis]
            assert cause.name not in page and cause.short not in page, (case.id, cause.name)
        if not expected:
            assert tt.NO_MATCH in page
    assert not at.exception


def test_opening_a_case_from_the_library_and_going_back(library: CaseLibrary) -> None:
    """Tapping a case opens it (its code in the URL); 'All cases' returns to the library and clears the URL."""
    case = library.cases[5]
    at = _teach()
    at.button(key=tp.open_key(case.id)).click().run()
    assert case.story in _html(at)
    assert dict(at.query_params) == {"case": case_code(case.id)}
    at.button(key=tp.BACK_KEY).click().run()
    assert case.story not in _html(at)
    assert dict(at.query_params) == {}
    assert tp.open_key(case.id) in [b.key for b in at.button]
    assert not at.exception


# --- projector -------------------------------------------------------------------------------------------


def test_projector_view_from_link_and_toggle(library: CaseLibrary) -> None:
    """`view=projector` turns on the large-type style and the QR panel; switching it off restores the normal view and URL."""
    at = _teach(case=CASE, view="projector")
    page = _html(at)
    assert ".st-key-teach-main .lbln-story{font-size:1.85rem" in page
    assert 'data-lbln="qr"' in page and "data:image/svg+xml" in page
    assert at.toggle(key=tp.PROJECTOR_KEY).value is True
    assert tp.guess_key(CASE) not in [p.key for p in at.get("pills")]  # the projector shows no guess form
    at.toggle(key=tp.PROJECTOR_KEY).set_value(False).run()
    assert ".st-key-teach-main .lbln-story{font-size:1.85rem" not in _html(at)
    assert "view" not in at.query_params
    assert at.pills(key=tp.guess_key(CASE)) is not None
    at.toggle(key=tp.PROJECTOR_KEY).set_value(True).run()
    assert at.query_params["view"] == "projector"
    assert not at.exception


def test_class_link_shown_carries_no_reveal_and_no_id(library: CaseLibrary) -> None:
    """The link and QR code shown to the class open the case by its code, with the answer hidden."""
    at = _teach(case=CASE, view="projector", reveal="1")
    shown = re.search(r'data-lbln="class-link">([^<]+)<', _html(at))
    assert shown is not None
    link = shown.group(1)
    assert link == f"{teach_links.DEFAULT_BASE}/?page=teach&case={case_code(CASE)}"
    assert "reveal" not in link and CASE not in link
    assert [c.value for c in at.code] == [link]  # the teacher's reveal link is never on the projector
    assert tt.LOCAL_LINK in [c.value for c in at.caption]  # AppTest has no request, so the base is localhost
    assert not at.exception


# --- pure helpers ------------------------------------------------------------------------------------------


def test_link_codes_are_unique_short_and_stable(library: CaseLibrary) -> None:
    """Every case has its own six-character code, the same on every call, made of unambiguous characters."""
    index = code_index(library.ids)
    assert len(index) == len(library.cases)
    for code, cid in index.items():
        assert re.fullmatch(r"[2-9a-hjkmnp-z]{6}", code), code
        assert case_code(cid) == code
    assert case_code(CASE) == "ms3jtq"  # links already printed must keep working


def test_link_base_from_url_host_or_default() -> None:
    """The link base is the page URL without its page path, else the Host header, else localhost:8501."""
    assert teach_links.link_base("http://10.0.0.5:8501/teach", None) == "http://10.0.0.5:8501"
    assert teach_links.link_base("https://school.example/lbln/teach", "ignored:1") == "https://school.example/lbln"
    assert teach_links.link_base("http://10.0.0.5:8501/", None) == "http://10.0.0.5:8501"
    assert teach_links.link_base(None, "classroom-pc:8501") == "http://classroom-pc:8501"
    assert teach_links.link_base("javascript:alert(1)", "bad host<>") == teach_links.DEFAULT_BASE
    assert teach_links.link_base(None, None) == "http://localhost:8501"


def test_local_links_are_recognised() -> None:
    """A base on localhost or a loopback address is local (the page warns that students cannot open it)."""
    assert teach_links.is_local("http://localhost:8501")
    assert teach_links.is_local("http://127.0.0.1:49152")
    assert teach_links.is_local("http://[::1]:8501")
    assert not teach_links.is_local("http://192.168.1.20:8501")
    assert not teach_links.is_local("https://teach.example.org/lbln")


def test_class_and_teacher_links() -> None:
    """A class link opens a case by code with nothing else; the teacher's adds reveal=1; a base's slash is not doubled."""
    code = case_code(CASE)
    assert teach_links.class_link("http://h:1/", CASE) == f"http://h:1/?page=teach&case={code}"
    assert teach_links.class_link("http://h:1", CASE, reveal=True) == f"http://h:1/?page=teach&case={code}&reveal=1"


def test_qr_code_is_an_inline_svg_of_the_link() -> None:
    """The QR code is a self-contained SVG data URI (no external reference), small enough to scan across a room."""
    import segno

    link = teach_links.class_link("http://192.168.100.200:8501", CASE)
    uri = teach_links.qr_data_uri(link)
    assert uri.startswith("data:image/svg+xml")
    svg = urllib.parse.unquote(uri.split(",", 1)[1])
    assert svg.startswith("<svg") and "viewBox" in svg
    assert "href" not in svg and "<image" not in svg
    assert teach_links.qr_data_uri(link) == uri
    assert teach_links.qr_data_uri(link + "x") != uri
    qr = segno.make(link, error="m", micro=False)
    assert qr.version <= 4  # 33x33 modules or fewer: big modules on a projector


@pytest.mark.parametrize(
    ("params", "case_id", "reveal", "projector", "n_problems"),
    [
        ({}, None, False, False, 0),
        ({"case": CASE}, CASE, False, False, 0),
        ({"case": "ms3jtq", "reveal": "1", "view": "projector"}, CASE, True, True, 0),
        ({"case": CASE, "reveal": "true", "view": "student"}, CASE, True, False, 0),
        ({"case": CASE, "reveal": "0"}, CASE, False, False, 0),
        ({"case": CASE, "reveal": "2"}, CASE, False, False, 1),
        ({"case": "tc-nope", "reveal": "x", "view": "y"}, None, False, False, 3),
    ],
)
def test_read_link(params, case_id, reveal, projector, n_problems, library: CaseLibrary) -> None:
    """A link's case, reveal and view are read strictly: anything not understood is a named problem and treated as absent."""
    link = teach_links.read_link(params, code_index(library.ids), library.ids)
    assert (link.case_id, link.reveal, link.projector, len(link.problems)) == (case_id, reveal, projector, n_problems)


def test_each_case_lists_every_group_once_in_the_order_a_clinician_examines(kb: knowledge.Knowledge) -> None:
    """The findings file is not sorted by group (findings added later sit at its end), so a case with a
    patient finding and a later skin finding showed 'Patient' and 'Skin' twice. Every library case: each
    group heading once, in the bedside order, and every examined finding under its own group."""
    for case in load_library().cases:
        html = tp.findings_html(case, kb)
        examined = html.split('data-lbln="not-examined"')[0]
        heads = re.findall(r'<li class="lbln-g">([^<]+)</li>', examined)
        assert len(heads) == len(set(heads)), (case.id, heads)
        assert heads == [t for t in words.GROUP_TITLES.values() if t in heads], (case.id, heads)
        current = None
        for item in re.findall(r'<li class="lbln-g">([^<]+)</li>|<li data-finding="([^"]+)"', examined):
            if item[0]:
                current = item[0]
            else:
                assert words.GROUP_TITLES[kb.findings[item[1]].group] == current, (case.id, item[1], current)
