"""Live class sessions on the teaching page: the teacher's console, the projector's tally, the student's screen.

The URL says which screen this is (every one opens `/?page=teach&...` or `/teach?...`):

- `class=<code>`: a student following the join link or QR code. The page gives this browser a random
  anonymous id and adds it as `me=<id>`, so a reload keeps the same student (no name is ever asked).
- `class=<code>&view=tally`: the projector: join code, QR code, the live tally; after the reveal the
  class's answers beside the expected answer and the navigator's, stage by stage.
- `class=<code>&teacher=<secret>`: the teacher's console, which alone can close a stage, release the
  next, reveal, start the next case and download the CSV. A wrong secret controls nothing.
- `join=<code>` (or `join=` from the library's join box): reads a typed code and opens the student screen.

All class state lives in the store (`classroom.open_store`: memory or Redis). Each screen polls it about
once a second in a small fragment (`st.fragment(run_every=...)`): when the class moves (a stage, a
reveal, the next case) the whole page is drawn again; the projector's and console's tally is redrawn in
the fragment itself. The student screen never renders the expected answer, the navigator's assessment
or the grade before the class view says `revealed`, so none of it reaches a student's browser earlier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

import streamlit as st

import classroom
import knowledge
from casebook import TRIAGE_ORDER, CaseLibrary, TeachingCase, case_code, grade_guess
from classroom.stages import Stage, released
from dashboard.common import case_url, page, theme, words
from dashboard.teaching import class_text as ct
from dashboard.teaching import links as teach_links
from dashboard.teaching import panels as tp

POLL_S = 1.0
"""How often every class screen asks the store whether the class has moved (and the tally)."""
VIEW_TALLY = "tally"
TRIAGES = tuple(reversed(TRIAGE_ORDER))
LOST = "class.lost"
"""Session key: the last poll found the store unreachable (the next good poll redraws the page)."""
ACT_LOST = "class.act-lost"
"""Session key: a teacher's action (or starting a class) found the store unreachable."""
SENT = "class.sent"
"""Session key: (code, round, stage) -> the answer this browser sent (to show it and grade it)."""
JOINED = "class.joined"
"""Session key: the (code, student) pairs this session has already joined."""
JOIN_KEY = "class.join.code"
TOP_CAUSES = 5


# --- helpers --------------------------------------------------------------------------------------


def wanted(params: Mapping[str, Sequence[str]]) -> bool:
    """Whether a teaching URL opens a class screen (a `class` or `join` parameter)."""
    return "class" in params or "join" in params


def _param(name: str) -> str | None:
    values = st.query_params.get_all(name)
    return values[0] if len(values) == 1 else None


def _store() -> classroom.ClassStore | None:
    try:
        return classroom.open_store()
    except ValueError as err:
        st.error(ct.STORE_SETTING.format(problem=err))
        return None


def _hours(store: classroom.ClassStore) -> str:
    hours = store.ttl_s / 3600
    return f"{hours:.3g}"


def student_link(base: str, code: str) -> str:
    """The join link of a class (what the QR code holds)."""
    return f"{base.rstrip('/')}/?{urlencode({'page': 'teach', 'class': code})}"


def projector_link(base: str, code: str) -> str:
    """The projector view of a class (no secret in it: it shows nothing a student may not see)."""
    return f"{base.rstrip('/')}/?{urlencode({'page': 'teach', 'class': code, 'view': VIEW_TALLY})}"


def _groups(kb: knowledge.Knowledge) -> dict[str, str]:
    return {fid: f.group for fid, f in kb.findings.items()}


def stages_of(case: TeachingCase, kb: knowledge.Knowledge) -> tuple[Stage, ...]:
    """The stages a case is released in (classroom.stages)."""
    return classroom.case_stages(case.findings, _groups(kb))


def _style() -> None:
    bar = theme.PRIMARY
    st.html(
        f"""<style>
.lbln-code{{font-family:monospace;font-weight:900;letter-spacing:.12em;font-size:3.2rem;line-height:1.1;margin:0;}}
.lbln-class-meta{{font-size:1.05rem;font-weight:700;margin:.1rem 0 .4rem 0;color:{theme.TEXT};}}
.lbln-stage{{font-size:1.3rem;font-weight:800;margin:.2rem 0;color:{theme.PRIMARY};}}
.lbln-tally{{margin:0 0 .4rem 0;}}
.lbln-count{{font-size:1.5rem;font-weight:800;margin:.1rem 0 .3rem 0;}}
.lbln-bars{{list-style:none;margin:0 0 .5rem 0 !important;padding:0 !important;}}
.lbln-bars li{{display:grid;grid-template-columns:minmax(8rem,40%) 1fr max-content;gap:.5rem;align-items:center;
  margin:0 0 .25rem 0 !important;padding:0 !important;}}
.lbln-bar{{height:1.2rem;background:{theme.PANEL};border:1px solid {theme.MUTED};}}
.lbln-bar span{{display:block;height:100%;background:{bar};}}
.lbln-stage-table{{border-collapse:collapse;width:100%;font-size:1rem;}}
.lbln-stage-table th,.lbln-stage-table td{{border:1px solid {theme.MUTED};padding:.25rem .45rem;text-align:left;vertical-align:top;}}
.lbln-stage-table th{{background:{theme.PANEL};}}
.lbln-note{{color:{theme.TEXT};font-size:.95rem;margin:.2rem 0;}}
.lbln-new{{display:inline-block;border:2px solid {theme.PRIMARY};color:{theme.PRIMARY};border-radius:999px;padding:0 .5rem;
  margin-left:.4rem;font-size:.8em;font-weight:800;vertical-align:middle;line-height:1.35;}}
.lbln-qr-small img{{display:block;width:100%;max-width:12rem;height:auto;border:1px solid {theme.TEXT};}}
.st-key-class-projector .lbln-code{{font-size:4.2rem;}}
.st-key-class-projector .lbln-story{{font-size:1.6rem;line-height:1.4;}}
.st-key-class-projector .lbln-findings{{font-size:1.45rem;grid-template-columns:repeat(auto-fill,minmax(20rem,1fr));}}
.st-key-class-projector .lbln-stage{{font-size:1.9rem;}}
.st-key-class-projector .lbln-count{{font-size:2.1rem;}}
.st-key-class-projector .lbln-bars{{font-size:1.5rem;}}
.st-key-class-projector .lbln-bar{{height:1.8rem;}}
.st-key-class-projector .lbln-h{{font-size:1.7rem;}}
.st-key-class-projector .lbln-stage-table{{font-size:1.35rem;}}
.st-key-class-projector .lbln-answer{{font-size:1.45rem;}}
.st-key-class-projector .lbln-dx{{font-size:2rem;}}
.st-key-class-projector .lbln-note{{font-size:1.25rem;}}
.st-key-class-projector .lbln-link{{font-size:1.3rem;}}
</style>"""
    )


# --- pure HTML ---------------------------------------------------------------------------------------


def released_html(case: TeachingCase, kb: knowledge.Knowledge, ids: Sequence[str], heading: str = "") -> str:
    """These findings (one stage's), by group ('Label: value'); nothing of later stages. A group title that
    only repeats the stage's `heading` ('Results already to hand') is left out."""
    items: list[str] = []
    group = None
    chosen = set(ids)
    for fid, finding in kb.findings.items():
        if fid not in chosen:
            continue
        if finding.group != group:
            group = finding.group
            title = words.GROUP_TITLES.get(group, group.capitalize())
            if title.casefold() != heading.casefold():
                items.append(f'<li class="lbln-g">{escape(title)}</li>')
        items.append(f'<li data-finding="{escape(fid)}"><b>{escape(finding.label)}:</b> {escape(words.value_text(finding, case.findings[fid]))}</li>')
    return f'<ul class="lbln-findings" data-lbln="findings">{"".join(items)}</ul>'


def story_html(case: TeachingCase, kb: knowledge.Knowledge, stages: Sequence[Stage], upto: int, newest_first: bool = False) -> str:
    """The stages released so far, each headed by its own name: the first with the story, then each stage's
    findings ('The examination', 'Results already to hand'); the stage just released is tagged new. On the
    projector (`newest_first`) the stage just released comes first, where the room is looking."""
    blocks = []
    for i, stage in enumerate(stages[: upto + 1]):
        tag = f' <span class="lbln-new">{escape(ct.NEW_AT_STAGE)}</span>' if i == upto and i > 0 else ""
        parts = [f'<section data-lbln="stage-block" data-stage="{escape(stage.id)}">'
                 f'<p class="lbln-h" data-lbln="stage-title">{escape(stage.title)}{tag}</p>']
        if i == 0:
            parts.append(f'<p class="lbln-story" data-lbln="story">{escape(case.story)}</p>')
        if stage.findings:
            parts.append(released_html(case, kb, stage.findings, stage.title))
        parts.append("</section>")
        blocks.append("".join(parts))
    return "".join(reversed(blocks) if newest_first else blocks)


def _bars(rows: Sequence[tuple[str, int]], total: int, mark: str) -> str:
    items = []
    for label, n in rows:
        pct = round(100 * n / total) if total else 0
        items.append(
            f'<li data-value="{escape(label)}" data-count="{n}"><span>{escape(label)}</span>'
            f'<span class="lbln-bar" aria-hidden="true"><span style="width:{pct}%"></span></span><b>{n}</b></li>'
        )
    return f'<ul class="lbln-bars" data-lbln="{mark}">{"".join(items)}</ul>'


def tally_html(t: classroom.Tally, names: Mapping[str, str], show_under: bool) -> str:
    """The live tally: joined and answered, first-choice causes (top 5), triage chosen, under-triage when allowed."""
    head = (
        f'<p class="lbln-count" data-lbln="tally-counts"><span data-lbln="answered">{t.answered}</span> {ct.ANSWERED} · '
        f'<span data-lbln="joined">{t.joined}</span> {ct.JOINED}</p>'
    )
    if not t.answered:
        return f'<div class="lbln-tally" data-lbln="tally">{head}<p class="lbln-note">{ct.NO_ANSWERS}</p></div>'
    first = [(names.get(c, c), n) for c, n in t.first[:TOP_CAUSES]]
    triage = [(f"{theme.LEVELS[level].icon} {words.LEVEL_WORDS[level].capitalize()}", n) for level, n in t.triage]
    under = (
        f'<p class="lbln-count" data-lbln="under">{escape(ct.share(t.under or 0, t.answered))} {ct.UNDER_TRIAGED}</p>'
        if show_under and t.under is not None
        else f'<p class="lbln-note">{ct.UNDER_HIDDEN}</p>'
    )
    return (
        f'<div class="lbln-tally" data-lbln="tally">{head}'
        f'<p class="lbln-h">{ct.FIRST_CAUSES}</p>{_bars(first, t.answered, "tally-first")}'
        f'<p class="lbln-h">{ct.TRIAGE_CHOSEN}</p>{_bars(triage, t.answered, "tally-triage")}{under}</div>'
    )


def by_stage_html(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    """After the reveal: per stage, the class's answers beside the navigator's (findings released so far)."""
    columns = (ct.COL_STAGE, ct.COL_ANSWERED, ct.COL_CLASS_FIRST, ct.COL_NAMED, ct.COL_UNDER, ct.COL_NAVIGATOR, ct.COL_NAV_TRIAGE)
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in columns)
    body = []
    for r in rows:
        t: classroom.Tally = r["tally"]
        top = f"{names.get(t.first[0][0], t.first[0][0])} ({t.first[0][1]})" if t.first else "–"
        body.append(
            "<tr>"
            f"<th scope='row'>{escape(r['title'])}</th><td>{t.answered}</td><td>{escape(top)}</td>"
            f"<td>{escape(ct.share(t.named_expected or 0, t.answered)) if t.answered else '–'}</td>"
            f"<td>{escape(ct.share(t.under or 0, t.answered)) if t.answered else '–'}</td>"
            f"<td>{escape(names.get(r['nav_top'], r['nav_top']))} ({r['nav_pct']:.0f}%)</td>"
            f"<td>{escape(words.LEVEL_WORDS[r['nav_triage']])}</td>"
            "</tr>"
        )
    return (
        f'<p class="lbln-h">{ct.BY_STAGE_HEADING}</p><table class="lbln-stage-table" data-lbln="by-stage">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


# --- reading the store -------------------------------------------------------------------------------


def _tally(store: classroom.ClassStore, v: classroom.ClassView, stage: int, case: TeachingCase | None) -> classroom.Tally:
    answers = store.answers(v.code, v.round, stage)
    expected = case.answer if case is not None else None
    return classroom.tally(
        answers, store.joined(v.code), TRIAGE_ORDER,
        expected_triage=expected.triage if expected else None,
        expected_diagnosis=expected.diagnosis if expected else None,
    )


def stage_rows(store: classroom.ClassStore, v: classroom.ClassView, case: TeachingCase, kb: knowledge.Knowledge) -> list[dict[str, Any]]:
    """Per stage of the current round: its title, the class's tally, the navigator's top cause and triage."""
    stages = stages_of(case, kb)
    rows = []
    for i, stage in enumerate(stages[: v.stage + 1]):
        findings = {fid: case.findings[fid] for fid in released(stages, i)}
        a = knowledge.assess(findings, kb)
        best = max(range(len(a.cause_ids)), key=lambda j: a.probabilities[j])
        rows.append({"title": stage.title, "tally": _tally(store, v, i, case), "nav_top": a.cause_ids[best],
                     "nav_pct": 100 * a.probabilities[best], "nav_triage": a.triage})
    return rows


def csv_text(store: classroom.ClassStore, v: classroom.ClassView, library: CaseLibrary, kb: knowledge.Knowledge) -> str:
    """Every round's and stage's anonymous tally as CSV."""
    rows = []
    for round_, case_id in enumerate(v.cases, start=1):
        case = library.get(case_id)
        if case is None:
            continue
        stages = stages_of(case, kb)
        last = v.stage if round_ == v.round else len(stages) - 1
        for i, stage in enumerate(stages[: last + 1]):
            view = classroom.ClassView(v.code, case_id, round_, i, len(stages), False, True, v.created, v.expires)
            rows.append((round_, case_id, i, stage.title, _tally(store, view, i, case)))
    return classroom.tallies_csv(rows)


# --- the polling fragment --------------------------------------------------------------------------


def _moment(v: classroom.ClassView) -> tuple[Any, ...]:
    return (v.round, v.stage, v.stage_open, v.revealed, v.case_id)


def _lost() -> None:
    st.session_state[LOST] = True
    st.warning(ct.STORE_LOST, icon=":material/cloud_off:")


@st.fragment(run_every=POLL_S)
def _watch(code: str, seen: tuple[Any, ...] | None, tally_for: str | None = None) -> None:
    """Poll the class: redraw the page when it moved or the store came back; draw the tally when asked."""
    store = classroom.open_store()
    try:
        v = store.view(code)
        if seen is None or _moment(v) != seen or st.session_state.pop(LOST, False):
            st.rerun()
        if tally_for is not None:
            case = _library().get(v.case_id)
            t = _tally(store, v, v.stage, case)
            st.html(tally_html(t, page.short_names(), show_under=tally_for == "teacher" or v.revealed))
    except classroom.StoreUnavailable:
        _lost()
    except classroom.SessionGone:
        st.rerun()


def _library() -> CaseLibrary:
    from dashboard.teaching.page import case_library

    return case_library()


# --- entry -----------------------------------------------------------------------------------------


def render(base: str) -> None:
    """Draw the class screen the URL asks for (see the module docstring)."""
    _style()
    store = _store()
    if store is None:
        return
    join = _param("join")
    if join is not None and "class" not in st.query_params:
        code = classroom.normalise_code(join)
        if code is None:
            if join.strip():
                st.error(ct.BAD_CODE)
            join_box()
            return
        st.query_params.from_dict({"class": code})
    code = classroom.normalise_code(_param("class") or "")
    if code is None:
        st.error(ct.BAD_CODE)
        join_box()
        return
    if _param("class") != code:
        st.query_params["class"] = code
    try:
        v = store.view(code)
        teacher = _param("teacher")
        if teacher is not None:
            if not store.is_teacher(code, teacher):
                st.error(ct.FORGED_TEACHER.format(code=code))
                return
            _teacher(store, v, teacher, base)
        elif _param("view") == VIEW_TALLY:
            _projector(store, v, base)
        else:
            _student(store, v, base)
    except classroom.SessionGone:
        st.error(ct.GONE.format(code=code, hours=_hours(store)))
        join_box()
    except classroom.StoreUnavailable:
        _watch(code, None)
    except classroom.ClassFull as err:
        st.error(ct.CLASS_FULL.format(problem=err))


def join_box() -> None:
    """A code field and a Join button (the library shows it; so does a wrong code)."""
    st.html(f'<p class="lbln-h">{ct.JOIN_HEADING}</p>')
    with st.form("class-join", border=False, enter_to_submit=True):
        left, right = st.columns([0.7, 0.3], vertical_alignment="bottom")
        with left:
            st.text_input(ct.JOIN_LABEL, key=JOIN_KEY, max_chars=12, placeholder=ct.JOIN_PLACEHOLDER)
        with right:
            st.form_submit_button(ct.JOIN_BUTTON, on_click=_join, width="stretch")


def _join() -> None:
    typed = str(st.session_state.get(JOIN_KEY) or "")
    st.query_params.from_dict({"join": typed})


def start_class(case: TeachingCase) -> None:
    """Callback of the case page's button: start a class on this case and open the teacher's console."""
    store = _store()
    if store is None:
        return
    try:
        v, secret = store.create(case.id, len(stages_of(case, page.knowledge_base())))
    except classroom.StoreUnavailable:
        st.session_state[ACT_LOST] = True
        return
    st.query_params.from_dict({"class": v.code, "teacher": secret})


# --- the student --------------------------------------------------------------------------------------


def _case_of(v: classroom.ClassView) -> TeachingCase:
    case = _library().get(v.case_id)
    if case is None:  # a class started on a case a newer library no longer has
        msg = f"no class is running with the code {v.code}"
        raise classroom.SessionGone(msg)
    return case


def _header(case: TeachingCase, kb: knowledge.Knowledge, v: classroom.ClassView, stages: Sequence[Stage]) -> None:
    st.html(
        f'<p class="lbln-teach-title" data-lbln="case-title">{escape(case.title)}</p><div>{tp.chips_html(case, kb)}</div>'
        f'<p class="lbln-stage" data-lbln="stage">{escape(ct.stage_heading(v.stage + 1, v.stages))}</p>'
    )


def _story(case: TeachingCase, kb: knowledge.Knowledge, stages: Sequence[Stage], upto: int, newest_first: bool = False) -> None:
    st.html(story_html(case, kb, stages, upto, newest_first))


def _student(store: classroom.ClassStore, v: classroom.ClassView, base: str) -> None:
    me = _param("me")
    if not me or len(me) > 40 or not me.replace("-", "").replace("_", "").isalnum():
        me = classroom.new_student_id()
        st.query_params["me"] = me
    joined: set[tuple[str, str]] = st.session_state.setdefault(JOINED, set())
    if (v.code, me) not in joined:
        store.join(v.code, me)
        joined.add((v.code, me))
    kb, case = page.knowledge_base(), _case_of(v)
    stages = stages_of(case, kb)
    with st.container(key="class-student"):
        st.html(f'<p class="lbln-class-meta" data-lbln="class-intro">{escape(ct.STUDENT_INTRO.format(code=v.code))}</p>')
        _header(case, kb, v, stages)
        _story(case, kb, stages, v.stage)
        sent: dict[tuple[str, int, int], classroom.Answer] = st.session_state.setdefault(SENT, {})
        if v.revealed:
            _student_reveal(case, kb, v, sent, base)
        else:
            _answer_form(store, v, me, sent)
            st.html(f'<div class="lbln-hidden" data-lbln="answer-hidden">{escape(ct.WAITING_REVEAL)}</div>')
    _watch(v.code, _moment(v))


def _answer_text(a: classroom.Answer, names: Mapping[str, str]) -> str:
    return f"{', '.join(names.get(c, c) for c in a.causes)}; {words.LEVEL_WORDS[a.triage]}"


def _answer_form(store: classroom.ClassStore, v: classroom.ClassView, me: str, sent: dict[tuple[str, int, int], classroom.Answer]) -> None:
    names = page.short_names()
    mine = sent.get((v.code, v.round, v.stage))
    st.html(f'<p class="lbln-h">{ct.ANSWER_HEADING}</p>')
    if not v.stage_open:
        st.info(ct.STAGE_CLOSED if mine else ct.STAGE_CLOSED_NONE)
        if mine:
            st.html(f'<p class="lbln-note" data-lbln="my-answer">{escape(_answer_text(mine, names))}</p>')
        return
    gkey, tkey = f"class.causes.{v.round}.{v.stage}", f"class.triage.{v.round}.{v.stage}"
    if gkey not in st.session_state:  # start from the answer to the stage before
        before = sent.get((v.code, v.round, v.stage - 1))
        st.session_state[gkey] = list(before.causes) if before else []
        st.session_state[tkey] = before.triage if before else None
    causes = st.pills(ct.ANSWER_CAUSES, list(names), selection_mode="multi", format_func=lambda c: names.get(c, c), key=gkey, wrap=True)
    triage = st.segmented_control(
        ct.ANSWER_TRIAGE, TRIAGES, format_func=lambda t: f"{theme.LEVELS[t].icon} {words.LEVEL_WORDS[t].capitalize()}", key=tkey, wrap=True
    )
    too_many = len(causes or []) > classroom.store.MAX_CAUSES
    ready = bool(causes) and triage is not None and not too_many
    if too_many:
        st.warning(ct.TOO_MANY)
    elif not ready:
        st.caption(ct.NEED_BOTH)
    if st.button(ct.SEND_AGAIN if mine else ct.SEND, key="class.send", type="primary", disabled=not ready, width="stretch"):
        answer = classroom.Answer(tuple(causes or ()), str(triage))
        try:
            store.answer(v.code, me, v.round, v.stage, answer)
        except classroom.StageClosed:
            st.rerun()
        except classroom.StoreUnavailable:
            st.error(ct.NOT_SENT.format(problem=ct.STORE_LOST))
            return
        sent[(v.code, v.round, v.stage)] = answer
        st.rerun()  # drawn again, the button reads 'Change my answer' beside the confirmation
    if mine:
        st.success(ct.SENT.format(answer=_answer_text(mine, names)), icon=":material/check:")


def _student_reveal(
    case: TeachingCase, kb: knowledge.Knowledge, v: classroom.ClassView, sent: Mapping[tuple[str, int, int], classroom.Answer], base: str
) -> None:
    last = next(((s, sent[(v.code, v.round, s)]) for s in range(v.stage, -1, -1) if (v.code, v.round, s) in sent), None)
    grade = grade_guess(case, list(last[1].causes), last[1].triage) if last else None
    if last is None:
        st.info(ct.NO_ANSWER_GIVEN)
    else:
        st.html(f'<p class="lbln-note" data-lbln="compared-stage">{escape(ct.COMPARE_FINAL.format(stage=last[0] + 1))}</p>')
    _result(case, kb, grade, base, projector=False)


def _result(case: TeachingCase, kb: knowledge.Knowledge, grade: Mapping[str, Any] | None, base: str, projector: bool) -> None:
    """The expected answer, teaching points and the navigator's assessment (only ever after the reveal)."""
    if not case.engine_agrees:
        st.html(tp.misleads_html(case))
    assessment = knowledge.assess(dict(case.findings), kb)
    bedside = teach_links.bedside_link(base, case_url.encode(case.findings, kb))
    with st.container(key="teach-result"):
        answer_col, engine_col = st.columns([0.5, 0.5], gap="large")
        with answer_col:
            tp.expected(case, kb, grade, bedside)
        with engine_col:
            tp.engine(assessment, kb, page.short_names(), projector)


# --- the projector -----------------------------------------------------------------------------------


def qr_html(link: str, small: bool) -> str:
    """The join link's QR code (an inline SVG: no request)."""
    return (f'<div class="{"lbln-qr-small" if small else "lbln-qr"}" data-lbln="qr">'
            f'<img src="{escape(teach_links.qr_data_uri(link))}" alt="{escape(tp.tt.QR_ALT)}"></div>')


def _join_panel(base: str, code: str, small: bool) -> None:
    link = student_link(base, code)
    st.html(
        f'<p class="lbln-note">{ct.JOIN_CODE}</p><p class="lbln-code" data-lbln="join-code">{escape(code)}</p>'
        f"{qr_html(link, small)}"
        f'<p class="lbln-link" data-lbln="class-link">{escape(link)}</p>'
    )
    if teach_links.is_local(link):
        st.warning(tp.tt.LOCAL_LINK)


def _projector(store: classroom.ClassStore, v: classroom.ClassView, base: str) -> None:
    kb, case = page.knowledge_base(), _case_of(v)
    stages = stages_of(case, kb)
    names = page.short_names()
    with st.container(key="class-projector"):
        if v.revealed:
            top, side = st.columns([0.8, 0.2], gap="medium")
            with top:
                _header(case, kb, v, stages)
                answer, table = st.columns([0.36, 0.64], gap="medium")
                with answer:
                    st.html(tp.answer_html(case, kb))
                with table:
                    st.html(by_stage_html(stage_rows(store, v, case, kb), names))
            with side:
                _join_panel(base, v.code, small=True)
            points, engine = st.columns([0.4, 0.6], gap="large")
            with points:
                if not case.engine_agrees:
                    st.html(tp.misleads_html(case))
                st.html(tp.points_html(case))
                _story(case, kb, stages, v.stage)
            with engine:
                tp.engine(knowledge.assess(dict(case.findings), kb), kb, names, projector=True)
            _watch(v.code, _moment(v))
            return
        left, right = st.columns([0.6, 0.4], gap="large")
        with left:
            _header(case, kb, v, stages)
            _story(case, kb, stages, v.stage, newest_first=True)
        with right:
            code_col, qr_col = st.columns([0.55, 0.45], gap="small")
            with code_col:
                st.html(f'<p class="lbln-note">{ct.JOIN_CODE}</p><p class="lbln-code" data-lbln="join-code">{escape(v.code)}</p>'
                        f'<p class="lbln-stage">{escape(ct.STATE_OPEN if v.stage_open else ct.STATE_CLOSED)}</p>')
            with qr_col:
                link = student_link(base, v.code)
                st.html(qr_html(link, small=True))
            st.html(f'<p class="lbln-link" data-lbln="class-link">{escape(student_link(base, v.code))}</p>')
            if teach_links.is_local(base):
                st.caption(tp.tt.LOCAL_LINK)
            st.html(f'<p class="lbln-h">{ct.TALLY_HEADING}</p>')
            _watch(v.code, _moment(v), tally_for="projector")


# --- the teacher ---------------------------------------------------------------------------------------


def _act(action: str, code: str, secret: str, case_id: str | None = None) -> None:
    store = classroom.open_store()
    try:
        if action == "close":
            store.close_stage(code, secret)
        elif action == "next":
            store.next_stage(code, secret)
        elif action == "reveal":
            store.reveal(code, secret)
        elif action == "case" and case_id:
            case = _library().get(case_id)
            if case is not None:
                store.next_case(code, secret, case.id, len(stages_of(case, page.knowledge_base())))
    except classroom.StoreUnavailable:
        st.session_state[ACT_LOST] = True
    except classroom.StageClosed:
        pass  # a second tab already moved the class; the rerun shows where it is


def _teacher(store: classroom.ClassStore, v: classroom.ClassView, secret: str, base: str) -> None:
    kb, case, library = page.knowledge_base(), _case_of(v), _library()
    stages = stages_of(case, kb)
    if st.session_state.pop(ACT_LOST, False):
        st.warning(ct.STORE_LOST, icon=":material/cloud_off:")
    with st.container(key="class-teacher"):
        st.html(f'<p class="lbln-teach-title">{escape(ct.TEACHER_HEADING.format(code=v.code))}</p>'
                f'<p class="lbln-note">{escape(ct.TEACHER_WARNING)}</p>')
        left, right = st.columns([0.62, 0.38], gap="large")
        with left:
            _header(case, kb, v, stages)
            state = ct.STATE_REVEALED if v.revealed else (ct.STATE_OPEN if v.stage_open else ct.STATE_CLOSED)
            st.html(f'<p class="lbln-class-meta" data-lbln="class-state">{escape(state)}</p>')
            buttons = st.columns(3, gap="small")
            with buttons[0]:
                st.button(ct.CLOSE_STAGE, key="class.close", on_click=_act, args=("close", v.code, secret),
                          disabled=not v.stage_open or v.revealed, width="stretch")
            with buttons[1]:
                if v.last_stage or v.revealed:
                    st.caption(ct.ALREADY_LAST if not v.revealed else "")
                else:
                    nxt = stages[v.stage + 1]
                    st.button(ct.NEXT_STAGE.format(number=v.stage + 2, title=nxt.title), key="class.next",
                              on_click=_act, args=("next", v.code, secret), width="stretch")
            with buttons[2]:
                st.button(ct.REVEAL, key="class.reveal", type="primary", on_click=_act, args=("reveal", v.code, secret),
                          disabled=v.revealed, width="stretch")
            st.html(f'<p class="lbln-h">{ct.TALLY_HEADING}</p>')
            _watch(v.code, _moment(v), tally_for="teacher")
            with st.expander(ct.TEACHER_ANSWER):
                st.html(tp.answer_html(case, kb))
            _story(case, kb, stages, v.stage)
        with right:
            _join_panel(base, v.code, small=True)
            st.link_button(ct.OPEN_PROJECTOR, projector_link(base, v.code), icon=":material/open_in_new:", width="stretch")
            ids = [c.id for c in library.cases]
            titles = {c.id: c.title for c in library.cases}
            choice = st.selectbox(ct.NEXT_CASE_LABEL, ids, format_func=titles.__getitem__, key="class.next-case",
                                  index=(ids.index(case.id) + 1) % len(ids))
            st.button(ct.NEXT_CASE, key="class.next-case-go", on_click=_act, args=("case", v.code, secret, choice), width="stretch")
            st.download_button(ct.DOWNLOAD, csv_text(store, v, library, kb), file_name=f"class-{v.code}-tallies.csv",
                               mime="text/csv", key="class.csv", width="stretch", on_click="ignore")


def case_code_of(case: TeachingCase) -> str:
    """The case's link code (re-exported for the tests)."""
    return case_code(case.id)
