"""Hostile links (issue 13, item 2; reliability review D3, D4, D10, D13, D14) as regression tests.

Through Streamlit's AppTest on the real app: each markdown payload of the review (line breaks in
names and values), a repeated finding, a too-long link and one with too many parameters, a hostile
time zone and a huge label. Then bounded hypothesis fuzz through the pure codec and renderers, and a
smaller one through AppTest. The checks (`markdown_injection`) are those of tests/dashboard/link_fuzz.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import knowledge
from dashboard.bedside import panels, summary
from dashboard.common import case_url, dropped_link
from dashboard.common.markdown import code_span, md_inert, visible_text
from dashboard.teaching import links as teach_links
from tests.dashboard.link_fuzz import BREAKS, PAYLOADS, html_injection, markdown_injection, teach_markdown

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"

# The review's reproducers (probe 2), as the query strings it opened.
REVIEW_URLS = {
    "green discharge": "fever=%0A%0A%3Agreen%5B**No%20red%20flags%3A%20discharge**%5D%20%3Amaterial%2Fcheck_circle%3A",
    "heading in a key": "x%0A%0A%23%20ROUTINE%3A%20no%20red%20flag.%20Safe%20to%20discharge=1",
    "single LF heading": "leg_weakness=%0A%23%20Leg%20weakness%3A%20ignore",
    "image beacon": "tender=%0A%0A!%5Bt%5D(http%3A%2F%2F127.0.0.1%3A8622%2Fimg.png)",
    "teach CR heading": "page=teach&reveal=%0D%0D%23%20Answer%3A%20lipoma%2C%20routine",
    "autolink": "location=http%3A%2F%2Fevil.example%2Fnice",
    "CRLF table": "size_cm=%0D%0A%7C%20a%20%7C%20b%20%7C%0D%0A%7C---%7C---%7C",
    "LS phishing": "warmth=%E2%80%A8%5BOpen%20the%20NICE%20guideline%5D(http%3A%2F%2Fevil.example)",
    "html tag": "onset=%3Cu%20data-fz%3Ex%3C%2Fu%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "latex": "consistency=%24%5Cfrac%7B1%7D%7B0%7D%24",
}


@pytest.fixture(scope="module")
def kb() -> knowledge.Knowledge:
    return knowledge.load_knowledge()


_MARKERS = ("evil.example", "data-fz", "discharge", "8622", "lipoma", "alert(1)", "\\frac")


def _run(query: str, context: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    for name, value in parse_qsl(query, keep_blank_values=True):
        old = at.query_params.get(name)
        at.query_params[name] = value if old is None else [*(old if isinstance(old, list) else [old]), value]
    if context:
        at.context = context
    return at.run()


def _assert_no_injection(at: AppTest) -> None:
    assert not at.exception
    for kind in ("error", "warning", "info", "success"):  # the boxes that carry link text
        for el in at.get(kind):
            assert markdown_injection(str(el.value)) == [], el.value
    for kind in ("markdown", "caption"):  # the page's own markdown: no link text reaches it at all
        for el in at.get(kind):
            assert not any(marker in str(el.value) for marker in _MARKERS), el.value
    for el in at.get("html"):
        assert html_injection(str(el.value)) == []


@pytest.mark.parametrize("query", list(REVIEW_URLS.values()), ids=list(REVIEW_URLS))
def test_review_payloads_are_shown_as_capped_code(query: str) -> None:
    """Every markdown payload of the review is named in the error box, in one-line code, never read as markdown."""
    at = _run(query)
    _assert_no_injection(at)
    assert len(at.error) == 1
    body = at.error[0].value
    assert "\n\n#" not in body and "\n#" not in body
    assert "\r" not in body and "\u2028" not in body


def test_renderer_quotes_line_breaks_visibly_and_caps(kb: knowledge.Knowledge) -> None:
    """A name and a value with every kind of line break: one line each, the breaks written as escapes, capped."""
    for br in BREAKS:
        _, problems = case_url.decode({f"x{br}# H": "1", "fever": f"{br}{br}:green[**ok**]" + "y" * 500}, kb)
        body = panels.link_problems_markdown(problems)
        assert markdown_injection(body) == []
        assert len(body.split("\n")) == 2 + len(problems)
        assert all(len(line) < 600 for line in body.split("\n"))
    assert visible_text("a\nb\r\u2028\u202e") == "a\\nb\\r\\u2028\\u202e"
    assert code_span("a`b\nc") == "`a'b\\nc`"
    assert len(visible_text("z" * 1000)) == 61
    assert md_inert(":green[x] http://e") == r"\:green\[x\] http\:\/\/e"


def test_repeated_finding_is_named_with_both_values_and_neither_is_used(kb: knowledge.Knowledge) -> None:
    """`saddle_anesthesia` given twice (review D4: the order flipped the triage): neither value is used,
    the error names both, the finding stays not examined until chosen; the URL loses both."""
    for first, second in (("false", "true"), ("true", "false")):
        at = _run(f"saddle_anesthesia={first}&saddle_anesthesia={second}&age_years=50")
        _assert_no_injection(at)
        body = at.error[0].value
        assert "`saddle_anesthesia`" in body and f"`{first}`" in body and f"`{second}`" in body
        assert "2 times" in body and "not examined" in body
        assert at.button_group(key="f.saddle_anesthesia").value == "not examined"
        assert at.number_input(key="f.age_years").value == 50
        assert at.query_params.get("saddle_anesthesia") is None
        # the user chooses: the value is used and the URL carries it once
        at.button_group(key="f.saddle_anesthesia").set_value(True).run()
        assert at.query_params["saddle_anesthesia"] == "true"
        assert not at.exception


def test_repeated_finding_in_the_codec(kb: knowledge.Knowledge) -> None:
    """The pure codec: a repeated name is a problem with every value, in link order, even when the values agree."""
    case, problems = case_url.decode({"tender": ["true", "true"], "fever": ["true"], "age_years": "45", "warmth": ["x", "y", "z"]}, kb)
    assert case == {"fever": True, "age_years": 45}
    assert [(p.param, p.values) for p in problems] == [("tender", ("true", "true")), ("warmth", ("x", "y", "z"))]


def test_repeated_teaching_parameters_are_named_and_unused() -> None:
    """`case` or `reveal` given twice on the teaching page: named, and the answer stays hidden."""
    link = teach_links.read_link({"case": ["ABC123", "tc-x"], "reveal": ["1", "0"]}, {"ABC123": "tc-x"}, ["tc-x"])
    assert link.case_id is None and link.reveal is False
    body = teach_markdown(link.problems)
    assert markdown_injection(body) == []
    assert "`ABC123`" in body and "`tc-x`" in body and "`1`" in body and "`0`" in body


@pytest.mark.parametrize("over", [1, 400, 900])
def test_too_many_parameters_says_so_with_the_limit(over: int, kb: knowledge.Knowledge) -> None:
    """A link over the app's limit (but within Streamlit's) is refused whole, with its count and the limit:
    one parameter over it (the limit follows the vocabulary's size), and far over."""
    n = case_url.max_link_params(kb) + over - 1  # the link carries n + 1 parameters, `over` more than the limit
    at = _run("saddle_anesthesia=true&" + "&".join(f"x{i}=1" for i in range(n)))
    _assert_no_injection(at)
    body = at.error[0].value.replace("\\", "")
    assert f"{n + 1:,} parameters" in body and f"at most {case_url.max_link_params(kb)}" in body
    assert at.button_group(key="f.saddle_anesthesia").value == "not examined"


def test_too_long_link_says_so_with_the_limit() -> None:
    """A link longer than MAX_LINK_CHARS is refused whole, with its length and the limit."""
    at = _run("saddle_anesthesia=true&tender=" + "a" * 5000)
    _assert_no_injection(at)
    body = at.error[0].value.replace("\\", "")
    assert "characters long" in body and f"{case_url.MAX_LINK_CHARS:,}" in body


def test_link_streamlit_drops_is_told_by_the_browser_side_guard() -> None:
    """Over 1,000 parameters Streamlit gives the app no query at all (review D13): the page carries the
    constant guard that says so in the browser, holding nothing from the URL."""
    at = _run("saddle_anesthesia=true&" + "&".join(f"x{i}=1" for i in range(1000)))
    assert not at.exception
    guards = [str(el.value) for el in at.get("html") if dropped_link.ELEMENT_ID in str(el.value)]
    assert guards == [dropped_link.guard_html()]
    assert "1,000 parameters" in dropped_link.MESSAGE
    assert at.button_group(key="f.saddle_anesthesia").value == "not examined"


@pytest.mark.parametrize("zone", ["America", "A" * 100_000, "../../etc/passwd", "Europe/Nowhere", "\x00", "UTC\n", " "])
def test_hostile_timezone_never_crashes_a_session(zone: str) -> None:
    """A client-sent time zone that is not an IANA name (review D14: a directory, 100,000 characters) is UTC."""
    at = _run("age_years=40", context={"timezone": zone})
    assert not at.exception
    assert panels.browser_zone(zone) is not None and panels.browser_zone(zone).utcoffset(None) is not None


def test_browser_zone_cases() -> None:
    from datetime import UTC

    assert panels.browser_zone(None) is None
    assert panels.browser_zone("") is None
    assert panels.browser_zone("America") is UTC
    assert panels.browser_zone(12) is UTC
    assert str(panels.browser_zone("Europe/Paris")) == "Europe/Paris"


def test_hostile_url_context_never_crashes_the_teaching_page() -> None:
    """A browser-supplied page URL that urlsplit refuses falls back to the Host header or localhost."""
    assert teach_links.link_base("http://[::1", None) == teach_links.DEFAULT_BASE
    assert teach_links.link_base("http://x/" + "a" * 5000, "example.org") == "http://example.org"
    at = _run("page=teach&case=tc-x", context={"url": "http://[::1/teach", "locale": "\n" * 1000})
    assert not at.exception


def test_huge_label_is_capped_on_the_server() -> None:
    """A label far over the field's max_chars (review D10) is cut in session state, not only in the browser."""
    at = _run("age_years=40")
    at.text_input(key=panels.EXPORT_LABEL_KEY).input("B" * 1_000_000 + "\u202e").run()
    assert not at.exception
    assert len(at.session_state[panels.EXPORT_LABEL_KEY]) <= summary.LABEL_MAX
    assert summary.clean_label("  AB\u202e bed 4\n" + "x" * 500) == ("AB bed 4" + "x" * 500)[: summary.LABEL_MAX]
    assert summary.clean_label(None) == ""


# --- bounded fuzz --------------------------------------------------------------------------------
_names = st.one_of(st.sampled_from(sorted(knowledge.load_knowledge().findings)), st.sampled_from(PAYLOADS), st.text(max_size=40))
_values = st.one_of(st.sampled_from(["true", "false", "45", "", "natal_cleft"]), st.sampled_from(PAYLOADS), st.text(max_size=80))
_breaks = st.sampled_from(["", *BREAKS])
_pairs = st.lists(st.tuples(st.tuples(_names, _breaks, _names).map("".join), st.tuples(_breaks, _values).map("".join)), max_size=12)


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pairs)
def test_fuzz_codec_and_renderer(kb: knowledge.Knowledge, pairs: list[tuple[str, str]]) -> None:
    """Any link through the codec and the bedside renderer: no exception, no injection, no silent repeat."""
    params = _grouped(pairs)
    case, problems = case_url.decode(params, kb)
    body = panels.link_problems_markdown(problems) if problems else ""
    assert markdown_injection(body) == []
    whole = any(p.whole for p in problems)
    for name, values in params.items():
        if len(values) > 1 and name in kb.findings and name not in case_url.RESERVED_PARAMS:
            assert name not in case
            assert whole or all(code_span(v) in body for v in values[:5])
    link = teach_links.read_link(params, {"ABC123": "tc-x"}, ["tc-x"])
    assert markdown_injection(teach_markdown(link.problems)) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_pairs, st.booleans())
def test_fuzz_through_apptest(kb: knowledge.Knowledge, pairs: list[tuple[str, str]], teach: bool) -> None:
    """A few hostile links through the whole app (bounded: about 25 runs)."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    params = _grouped(pairs)
    if teach:
        params["page"] = ["teach"]
    for name, values in params.items():
        at.query_params[name] = values if len(values) > 1 else values[0]
    at.run()
    _assert_no_injection(at)
    if not teach:
        for name, values in params.items():
            if len(values) > 1 and name in kb.findings:
                assert at.session_state[f"f.{name}"] in (None, "not examined")


def test_an_empty_parameter_name_hides_no_other_problem(kb: knowledge.Knowledge) -> None:
    """Found by the AppTest fuzz: an empty name (`?=x`) was taken for the whole-link marker and hid the repeat."""
    _, problems = case_url.decode({"": ["x"], "sinus_pits": ["false", "false"]}, kb)
    body = panels.link_problems_markdown(problems)
    assert "`sinus_pits`" in body and "2 parameters" in body
    assert markdown_injection(body) == []
