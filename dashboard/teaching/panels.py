"""Streamlit renderers of the teaching page: library, case, guess, answer, comparison, class link.

The engine's side of the answer is drawn by the same builders as the bedside's
(`dashboard.common.chart` and `dashboard.common.assessment_html`), so the two pages can never disagree.
Text from the library and the knowledge is escaped before it goes into HTML; the HTML builders
(`*_html`) are pure and take no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

import streamlit as st

import knowledge
from casebook import TRIAGE_ORDER, CaseLibrary, TeachingCase, case_code
from dashboard.common import assessment_html, chart, page, theme, words
from dashboard.common.markdown import md_escape
from dashboard.common.provenance import source_link
from dashboard.teaching import text as tt
from dashboard.teaching.links import is_local, qr_data_uri

DIFFICULTIES = ("easy", "medium", "hard")
TRIAGES = tuple(reversed(TRIAGE_ORDER))
"""The triage levels a student picks from, most urgent first."""
LIBRARY_COLUMNS = 3
PROJECTOR_CHART_FONT = 22
PROJECTOR_BAR_PX = 40
PROJECTOR_AXIS_STANDOFF_PX = 16
PROJECTOR_CHART_BOTTOM_PX = 96
"""Projector chart: gap between the tick labels and the axis title, and the bottom margin that holds both."""

FILTER_DIFFICULTY_KEY = "teach.filter.difficulty"
FILTER_REGION_KEY = "teach.filter.region"
PROJECTOR_KEY = "teach.projector"
REVEAL_KEY = "teach.reveal"
COMMIT_KEY = "teach.commit"
BACK_KEY = "teach.back"


def guess_key(case_id: str) -> str:
    """Widget key of the guessed causes of a case (by its link code, so no id reaches the page)."""
    return f"teach.guess.{case_code(case_id)}"


def triage_key(case_id: str) -> str:
    """Widget key of the guessed triage of a case."""
    return f"teach.triage.{case_code(case_id)}"


def open_key(case_id: str) -> str:
    """Key of a case's button in the library."""
    return f"teach.open.{case_code(case_id)}"


# --- style ----------------------------------------------------------------------------------------


def _css() -> str:
    red = theme.LEVELS["emergency"]
    return f"""<style>
.lbln-teach-title{{font-size:1.55rem;font-weight:800;margin:0;line-height:1.25;}}
.lbln-chip{{display:inline-block;border:2px solid {theme.TEXT};border-radius:999px;padding:0 .6rem;
  margin:.15rem .35rem .15rem 0;font-weight:700;font-size:.92rem;line-height:1.5;}}
.lbln-story{{font-size:1.15rem;line-height:1.55;margin:0 0 .6rem 0;color:{theme.TEXT};}}
.lbln-h{{font-size:1.15rem;font-weight:800;margin:.3rem 0 .2rem 0;}}
.lbln-findings{{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.1rem 1.2rem;
  margin:0 0 .4rem 0 !important;padding:0 !important;list-style:none;}}
.lbln-findings li{{margin:0 !important;line-height:1.4;padding:.12rem 0 !important;border-bottom:1px solid {theme.GRID};}}
.lbln-findings .lbln-g{{grid-column:1/-1;border:0;font-weight:800;color:{theme.PRIMARY};padding-top:.35rem;}}
.lbln-unexamined summary{{cursor:pointer;font-weight:700;}}
.lbln-hidden{{border:3px dashed {theme.MUTED};border-radius:8px;padding:.6rem .9rem;font-weight:700;font-size:1.05rem;}}
.lbln-answer{{border:3px solid {theme.PRIMARY};border-radius:8px;padding:.5rem .9rem;margin:0 0 .5rem 0;}}
.lbln-answer dl{{font-size:inherit !important;display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;
  margin:0 !important;padding:0 !important;}}
.lbln-answer dt,.lbln-answer dd{{font-size:inherit !important;line-height:1.4;margin:0 !important;padding:0 !important;}}
.lbln-answer dt{{font-weight:800;}}
.lbln-dx{{font-size:1.35rem;font-weight:800;}}
.lbln-dx-detail{{display:block;font-size:.62em;font-weight:600;line-height:1.35;}}
.lbln-misleads{{border:4px solid {red.solid};background:{red.tint};border-radius:8px;padding:.5rem .9rem;
  margin:.3rem 0 .6rem 0;font-size:1.1rem;color:{theme.TEXT};}}
.lbln-misleads b{{color:{red.solid};}}
.lbln-grade{{list-style:none;margin:0 0 .5rem 0 !important;padding:0 !important;}}
.lbln-grade li{{padding:.25rem .5rem !important;margin:0 0 .25rem 0 !important;border-left:6px solid {theme.MUTED};background:{theme.PANEL};}}
.lbln-grade li[data-ok="yes"]{{border-left-color:{theme.RIGHT};}}
.lbln-grade li[data-ok="no"]{{border-left-color:{red.solid};}}
.lbln-grade .lbln-icon{{display:inline-block;min-width:1.4em;font-weight:900;}}
.lbln-points{{margin:0 0 .4rem 1.2rem;padding:0;}}
.lbln-points li{{margin-bottom:.3rem;line-height:1.45;}}
.lbln-qr img{{display:block;width:100%;max-width:18rem;height:auto;border:1px solid {theme.TEXT};}}
.lbln-link{{font-family:monospace;font-size:1.05rem;font-weight:700;overflow-wrap:anywhere;margin:.3rem 0;}}
.st-key-teach-engine [data-testid="stElementContainer"]:has(.lbln-banner){{position:static !important;}}
.st-key-teach-main [data-testid="stButtonGroup"] button,.st-key-teach-main [data-testid="stFormSubmitButton"] button{{
  min-height:{theme.TOUCH_TARGET_PX}px;}}
.st-key-teach-main :is([data-testid="stButton"],[data-testid="stFormSubmitButton"],[data-testid="stLinkButton"],
  [data-testid="stDownloadButton"]) :is(button,a) :is(div,span,p){{white-space:normal !important;overflow:visible !important;
  text-overflow:clip !important;}}
.st-key-teach-main [data-testid="stSelectbox"] [data-baseweb="select"]>div{{min-height:{theme.TOUCH_TARGET_PX}px;}}
[data-testid="stExpandSidebarButton"]{{min-width:{theme.TOUCH_TARGET_PX}px;min-height:{theme.TOUCH_TARGET_PX}px;}}
.st-key-teach-main [data-testid="stLinkButton"] a{{min-height:{theme.TOUCH_TARGET_PX}px;box-sizing:border-box;}}
.st-key-teach-sources li a{{display:inline-flex;align-items:center;min-height:{theme.TOUCH_TARGET_PX}px;}}
.st-key-teach-main .lbln-unexamined summary{{min-height:{theme.TOUCH_TARGET_PX}px;box-sizing:border-box;padding:.55rem 0;}}
.st-key-teach-main button:disabled:not([data-testid="stBaseButton-pills"]):not([data-variant]),
.st-key-teach-main button:disabled:not([data-variant]) p{{color:{theme.MUTED} !important;opacity:1 !important;}}
.st-key-teach-main [data-testid="stCaptionContainer"] code,.st-key-teach-main .stCaption code{{color:{theme.TEXT};}}
.st-key-teach-main [data-testid="stCheckbox"] [data-testid="stWidgetLabel"] p{{color:{theme.TEXT} !important;}}
.st-key-teach-main [data-testid="stWidgetLabel"][disabled] p{{color:{theme.TEXT} !important;}}
.st-key-teach-main [data-testid="stButtonGroup"] button:disabled{{color:{theme.MUTED} !important;opacity:1 !important;}}
.st-key-teach-main [data-testid="stButtonGroup"] button:disabled p{{color:inherit !important;}}
.st-key-teach-main [data-testid="stButtonGroup"] button:disabled:is([aria-pressed="true"],[aria-checked="true"]){{
  color:{theme.TEXT} !important;border:2px solid {theme.PRIMARY} !important;font-weight:800;}}
@media (max-width:1000px){{
.st-key-teach-result [data-testid="stHorizontalBlock"]{{flex-direction:column;}}
.st-key-teach-result [data-testid="stColumn"]{{width:100% !important;flex:1 1 100% !important;}}
}}
</style>"""


def _projector_css() -> str:
    """Large type and heavy contrast for a projector, read from the back of a room."""
    return f"""<style>
.st-key-teach-main .lbln-teach-title{{font-size:2.6rem;}}
.st-key-teach-main .lbln-chip{{font-size:1.35rem;border-width:3px;}}
.st-key-teach-main .lbln-story{{font-size:1.85rem;line-height:1.45;font-weight:500;}}
.st-key-teach-main .lbln-h{{font-size:1.7rem;}}
.st-key-teach-main .lbln-findings{{font-size:1.6rem;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));}}
.st-key-teach-main .lbln-findings li{{border-bottom:2px solid {theme.MUTED};}}
.st-key-teach-main .lbln-unexamined{{font-size:1.45rem;}}
.st-key-teach-main .lbln-hidden{{font-size:1.6rem;border-width:4px;}}
.st-key-teach-main .lbln-answer{{font-size:1.45rem;border-width:5px;}}
.st-key-teach-main .lbln-answer :is(dt,dd){{line-height:1.3;}}
.st-key-teach-main .lbln-dx{{font-size:2.2rem;}}
.st-key-teach-main .lbln-misleads{{font-size:1.6rem;border-width:6px;}}
.st-key-teach-main .lbln-points{{font-size:1.45rem;}}
.st-key-teach-main .lbln-sources{{font-size:1.2rem;}}
.st-key-teach-main .lbln-banner{{font-size:1.6rem;}}
.st-key-teach-main .lbln-card,.st-key-teach-main .lbln-steps,.st-key-teach-main .lbln-avoid{{font-size:1.3rem;}}
.st-key-teach-main .lbln-safety,.st-key-teach-main .lbln-meta{{font-size:1.1rem;color:{theme.TEXT};}}
.st-key-teach-main .lbln-qr img{{max-width:22rem;}}
.st-key-teach-main .st-key-teach-share-revealed .lbln-qr img{{max-width:15rem;}}
.st-key-teach-main .lbln-link{{font-size:1.4rem;}}
.st-key-teach-main .lbln-share-note{{font-size:1.45rem;font-weight:700;}}
.st-key-teach-main [data-testid="stWidgetLabel"] p{{font-size:1.3rem;font-weight:700;}}
</style>"""


STYLE = _css()
"""The teaching page's style block; on a narrow screen (a tablet held upright) the answer and the
navigator's assessment stack instead of sitting side by side, so the chart keeps its width."""
PROJECTOR_STYLE = _projector_css()


def style(projector: bool) -> None:
    """Inject the shared style block, the teaching page's, and the projector's when it is on."""
    page.style()
    st.html(STYLE + (PROJECTOR_STYLE if projector else ""))


# --- pure text ------------------------------------------------------------------------------------


def chips_html(case: TeachingCase, kb: knowledge.Knowledge) -> str:
    """Difficulty and region as word chips (never the diagnosis)."""
    region = (kb.findings["location"].value_labels or {}).get(case.region, case.region)
    return (
        f'<span class="lbln-chip" data-lbln="difficulty">{escape(tt.DIFFICULTY_WORDS[case.difficulty])}</span>'
        f'<span class="lbln-chip" data-lbln="region">{escape(region)}</span>'
    )


def findings_html(case: TeachingCase, kb: knowledge.Knowledge) -> str:
    """The examined findings by group ('Label: value'), then the folded list of those not examined."""
    items: list[str] = []
    missing: dict[str, list[str]] = {}
    for group, fids in words.by_group(kb).items():
        examined = [fid for fid in fids if fid in case.findings]
        if examined:
            items.append(f'<li class="lbln-g">{escape(words.group_title(group))}</li>')
        for fid in examined:
            finding = kb.findings[fid]
            items.append(
                f'<li data-finding="{escape(fid)}"><b>{escape(finding.label)}:</b> {escape(words.value_text(finding, case.findings[fid]))}</li>'
            )
        unexamined = [kb.findings[fid].label for fid in fids if fid not in case.findings]
        if unexamined:
            missing[group] = unexamined
    n_missing = sum(len(v) for v in missing.values())
    rest = "".join(
        f"<p style='margin:.15rem 0'><b>{escape(words.group_title(g))}:</b> {escape(', '.join(labels))}</p>" for g, labels in missing.items()
    )
    folded = (
        f'<details class="lbln-unexamined" data-lbln="not-examined"><summary>{escape(tt.NOT_EXAMINED_HEADING)}: '
        f"{escape(tt.not_examined_summary(n_missing))}</summary>{rest}</details>"
        if n_missing
        else ""
    )
    return f'<p class="lbln-h">{escape(tt.FINDINGS)}</p><ul class="lbln-findings" data-lbln="findings">{"".join(items)}</ul>{folded}'


def _names(ids: Iterable[str], labels: Mapping[str, str]) -> str:
    names = [labels.get(i, i) for i in ids]
    return escape(", ".join(names)) if names else f"<i>{tt.NONE}</i>"


def answer_html(case: TeachingCase, kb: knowledge.Knowledge) -> str:
    """The expected answer: diagnosis, acceptable causes, triage (word and icon), key workup, avoid, referral."""
    a = case.answer
    cause_names = {cid: c.name for cid, c in kb.causes.items()}
    # a long name's list in brackets ("Primary bone tumour (osteoid osteoma, ...)") in smaller type, so the
    # answer stays a few lines high on a projector; the element still reads as the whole name
    main, bracket, detail = cause_names[a.diagnosis].partition(" (")
    dx = escape(main) + (f' <span class="lbln-dx-detail">({escape(detail)}</span>' if bracket else "")
    rows = [
        (tt.DIAGNOSIS, f'<span class="lbln-dx" data-lbln="diagnosis">{dx}</span>'),
        (tt.ACCEPTABLE, _names(a.acceptable, cause_names)),
        (tt.TRIAGE, f'<span class="lbln-{a.triage}">{assessment_html.badge_html(a.triage)}</span>'),
        (tt.KEY_WORKUP, _names(a.key_workup, kb.step_labels)),
        (tt.AVOID, _names(a.avoid, kb.step_labels)),
        (tt.REFERRAL, _names(a.referral, kb.referral_targets)),
    ]
    body = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<div class="lbln-answer" data-lbln="answer"><p class="lbln-h">{escape(tt.ANSWER_HEADING)}</p><dl>{body}</dl></div>'


def misleads_html(case: TeachingCase) -> str:
    """The engine note of a case where the ranking misleads ('' when the engine agrees)."""
    if case.engine_agrees:
        return ""
    return f'<div class="lbln-misleads" role="note" data-lbln="misleads"><b>\u26a0 {escape(tt.ENGINE_MISLEADS)}</b> {escape(case.engine_note)}</div>'


def points_html(case: TeachingCase) -> str:
    """The teaching points as a list."""
    items = "".join(f"<li>{escape(p)}</li>" for p in case.teaching_points)
    return f'<p class="lbln-h">{escape(tt.POINTS_HEADING)}</p><ul class="lbln-points" data-lbln="points">{items}</ul>'


def sources_markdown(case: TeachingCase, kb: knowledge.Knowledge) -> str:
    """The case's sources as a markdown list of their labels, each linked to where it can be read."""
    lines = []
    for sid in case.sources:
        source = kb.sources[sid]
        label = md_escape(source.label)
        url = source_link(source)
        lines.append(f"- [{label}](<{url}>)" if url else f"- {label}")
    return "\n".join(lines)


def grade_html(grade: Mapping[str, Any], kb: knowledge.Knowledge) -> str:
    """How a committed guess compares, in words and icons (colour is only a third mark)."""
    names = {cid: c.name for cid, c in kb.causes.items()}
    diagnosis = names[grade["diagnosis"]]
    items = []
    ok = grade["diagnosis_named"]
    items.append(
        f'<li data-lbln="grade-diagnosis" data-ok="{"yes" if ok else "no"}"><span class="lbln-icon">{tt.ICON_HIT if ok else tt.ICON_MISS}</span>'
        f"{escape(tt.diagnosis_verdict(ok, grade['diagnosis_position'], diagnosis))}</li>"
    )
    for g in grade["per_guess"]:
        verdict = g["verdict"]
        icon = {"diagnosis": tt.ICON_HIT, "acceptable": tt.ICON_PARTIAL, "other": tt.ICON_MISS}[verdict]
        data_ok = {"diagnosis": "yes", "acceptable": "part", "other": "no"}[verdict]
        items.append(
            f'<li data-lbln="grade-guess" data-verdict="{verdict}" data-ok="{data_ok}"><span class="lbln-icon">{icon}</span>'
            f"{escape(names.get(g['cause'], g['cause']))}: {escape(tt.GUESS_VERDICTS[verdict])}</li>"
        )
    tv = grade["triage_verdict"]
    icon = {"match": tt.ICON_HIT, "under": tt.ICON_UNDER, "over": tt.ICON_OVER}[tv]
    items.append(
        f'<li data-lbln="grade-triage" data-verdict="{tv}" data-ok="{"yes" if tv == "match" else "no"}"><span class="lbln-icon">{icon}</span>'
        f"{escape(tt.triage_verdict(tv, grade['triage_guessed'], grade['triage_expected']))}</li>"
    )
    return f'<p class="lbln-h">{escape(tt.COMPARE_HEADING)}</p><ul class="lbln-grade" data-lbln="grade">{"".join(items)}</ul>'


# --- renderers ----------------------------------------------------------------------------------------


def link_problems(problems: Iterable[str]) -> None:
    """One error naming every unusable parameter of the opening link."""
    problems = list(problems)
    if problems:
        st.error("\n".join([f"**{tt.LINK_PROBLEM_HEADING}**", "", *(f"- {p}" for p in problems), "", tt.LINK_PROBLEM_LIBRARY]))


def library(lib: CaseLibrary, kb: knowledge.Knowledge, on_open: Callable[[str], None]) -> None:
    """The case library: filters by difficulty and region, then one card per case (title, difficulty, region)."""
    st.html(f'<p class="lbln-teach-title">{escape(words.TEACH_TITLE)}</p><p style="margin:.1rem 0 .4rem 0">{escape(tt.LIBRARY_INTRO)}</p>')
    regions = [r for r in (kb.findings["location"].values or ()) if lib.filter(region=r)]
    region_labels = kb.findings["location"].value_labels or {}
    left, right = st.columns([0.3, 0.7], gap="medium")
    with left:
        difficulty = st.segmented_control(
            tt.DIFFICULTY_LABEL,
            DIFFICULTIES,
            format_func=tt.DIFFICULTY_WORDS.__getitem__,
            key=FILTER_DIFFICULTY_KEY,
            persist_state="session",  # the filters survive opening a case and coming back
            wrap=True,
        )
    with right:
        region = st.pills(
            tt.REGION_LABEL,
            regions,
            format_func=lambda r: region_labels.get(r, r),
            key=FILTER_REGION_KEY,
            persist_state="session",
            wrap=True,
        )
    cases = lib.filter(difficulty, region)
    st.html(f'<p class="lbln-meta" data-lbln="case-count" style="margin:0">{escape(tt.case_count(len(cases)))}</p>')
    if not cases:
        st.info(tt.NO_MATCH)
        return
    for start in range(0, len(cases), LIBRARY_COLUMNS):
        columns = st.columns(LIBRARY_COLUMNS, gap="small")
        for column, case in zip(columns, cases[start : start + LIBRARY_COLUMNS], strict=False):
            with column, st.container(border=True):
                st.button(case.title, key=open_key(case.id), on_click=on_open, args=(case.id,), width="stretch")
                st.html(chips_html(case, kb))


def case_header(case: TeachingCase, kb: knowledge.Knowledge, on_back: Callable[[], None]) -> None:
    """Back to the library, the case title and its chips."""
    st.button(tt.BACK, key=BACK_KEY, on_click=on_back)
    st.html(f'<p class="lbln-teach-title" data-lbln="case-title">{escape(case.title)}</p><div>{chips_html(case, kb)}</div>')


def story_and_findings(case: TeachingCase, kb: knowledge.Knowledge) -> None:
    """The story as told, then the examined findings and the folded list of those not examined."""
    st.html(
        f'<p class="lbln-h">{escape(tt.STORY)}</p><p class="lbln-story" data-lbln="story">{escape(case.story)}</p>'
        + findings_html(case, kb)
    )


def guess(
    case: TeachingCase,
    short_names: Mapping[str, str],
    committed: Mapping[str, Any] | None,
    closed: bool,
    on_commit: Callable[[str], None],
) -> None:
    """Up to three causes and a triage level, then 'Commit my answer'; locked once committed or revealed."""
    gkey, tkey = guess_key(case.id), triage_key(case.id)
    if committed is not None:  # show what was committed, whatever the widgets held before
        st.session_state[gkey] = list(committed["causes"])
        st.session_state[tkey] = committed["triage"]
    locked = committed is not None or closed
    st.html(f'<p class="lbln-h">{escape(tt.COMMITTED if committed else tt.GUESS_HEADING)}</p>')
    causes = st.pills(
        tt.GUESS_CAUSES,
        list(short_names),
        selection_mode="multi",
        format_func=lambda cid: short_names.get(cid, cid),
        key=gkey,
        disabled=locked,
        wrap=True,
    )
    triage = st.segmented_control(
        tt.GUESS_TRIAGE,
        TRIAGES,
        format_func=lambda t: f"{theme.LEVELS[t].icon} {words.LEVEL_WORDS[t].capitalize()}",
        key=tkey,
        disabled=locked,
        wrap=True,
    )
    if committed is not None:
        return
    if closed:
        st.info(tt.GUESS_CLOSED)
        return
    too_many = len(causes or []) > tt.MAX_GUESSES
    ready = bool(causes) and triage is not None and not too_many
    if too_many:
        st.warning(tt.TOO_MANY)
    elif not ready:
        st.caption(tt.NEED_BOTH)
    st.button(tt.COMMIT, key=COMMIT_KEY, type="primary", disabled=not ready, on_click=on_commit, args=(case.id,), width="stretch")


def hidden_note() -> None:
    """Where the answer will be, while it is hidden."""
    st.html(f'<div class="lbln-hidden" data-lbln="answer-hidden">{escape(tt.HIDDEN_NOTE)}</div>')


def engine(assessment: knowledge.Assessment, kb: knowledge.Knowledge, short_names: Mapping[str, str], projector: bool) -> None:
    """The navigator's assessment of the case, drawn as on the bedside: ranking (the point of most cases), triage and flags, workup."""
    with st.container(key="teach-engine"):
        st.html(f'<p class="lbln-h">{escape(tt.ENGINE_HEADING)}</p>')
        figure = chart.cause_ranking(assessment, short_names)
        if projector:
            figure.update_layout(
                font={"size": PROJECTOR_CHART_FONT},
                title={"font": {"size": PROJECTOR_CHART_FONT + 4}, "subtitle": {"font": {"size": PROJECTOR_CHART_FONT - 4}}},
                margin={"t": 90, "b": PROJECTOR_CHART_BOTTOM_PX},
                height=theme.CHART_MARGIN_PX + PROJECTOR_BAR_PX * len(assessment.cause_ids),
            )
            # large tick labels: the axis title keeps a clear gap below them and room under it
            figure.update_xaxes(title={"standoff": PROJECTOR_AXIS_STANDOFF_PX})
            figure.update_traces(insidetextfont={"size": PROJECTOR_CHART_FONT})
        st.plotly_chart(figure, config=chart.PLOTLY_CONFIG, theme=None, width="stretch", key="teach.ranking", alt=words.CHART_ALT)
        st.html(assessment_html.banner_html(assessment))
        st.html(assessment_html.flags_html(assessment, kb))
        st.html(assessment_html.workup_html(assessment, kb))


def answer_block(case: TeachingCase, kb: knowledge.Knowledge, grade: Mapping[str, Any] | None) -> None:
    """The comparison with the committed guess (if any), then the expected answer: what a revealed page shows first."""
    with st.container(key="teach-answer"):
        st.html((grade_html(grade, kb) if grade is not None else "") + answer_html(case, kb))


def points_and_sources(case: TeachingCase, kb: knowledge.Knowledge, bedside_url: str) -> None:
    """The teaching points, the sources (linked) and the link that opens the case at the bedside."""
    st.html(points_html(case))
    st.html(f'<p class="lbln-h">{escape(tt.SOURCES_HEADING)}</p>')
    with st.container(key="teach-sources"):
        st.markdown(sources_markdown(case, kb))
    st.link_button(tt.OPEN_AT_BEDSIDE, bedside_url, help=tt.OPEN_AT_BEDSIDE_HELP, icon=":material/open_in_new:")


def expected(case: TeachingCase, kb: knowledge.Knowledge, grade: Mapping[str, Any] | None, bedside_url: str) -> None:
    """The comparison with the committed guess (if any), the expected answer, teaching points, sources, bedside link."""
    answer_block(case, kb, grade)
    points_and_sources(case, kb, bedside_url)


def share(link: str, teacher_link: str | None) -> None:
    """The class link as a QR code and as copyable text; the teacher's reveal link only when given."""
    st.html(
        f'<div class="lbln-qr" data-lbln="qr"><img src="{escape(qr_data_uri(link))}" alt="{escape(tt.QR_ALT)}"></div>'
        f'<p class="lbln-link" data-lbln="class-link">{escape(link)}</p>'
        f'<p class="lbln-share-note" style="margin:0 0 .3rem 0">{escape(tt.SHARE_NOTE)}</p>'
    )
    st.code(link, language=None, wrap_lines=True)
    if is_local(link):
        st.caption(tt.LOCAL_LINK)
    if teacher_link:
        st.caption(tt.TEACHER_LINK)
        st.code(teacher_link, language=None, wrap_lines=True)
