"""Streamlit renderers of an Assessment: triage banner, red flags, workup path, why, next question.

Text from the knowledge data is escaped before it goes into HTML. Each panel is one element where
it can be, to keep reruns light.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import streamlit as st

import knowledge
from dashboard.bedside import summary, text
from dashboard.common import assessment_html, chart, theme, words
from dashboard.common.case_url import LinkProblem
from dashboard.common.markdown import code_span, md_inert

WHY_KEY = "why.cause"
EXPORT_LABEL_KEY = "export.label"
"""The optional label of the case summary: in session state only, never in the URL."""
EXPORT_BUTTON_KEY = "export.download"
_EXPORT_HOLDER_KEY = "export.label_holder"
LABEL_SETTLE_S = 0.2
"""How long the summary waits, on click, for a label committed by that same tap to arrive."""
WHY_TOP = 6
"""The why-selector offers the top causes of the ranking plus every can't-miss cause."""

def header(version: str) -> None:
    """Title and intended use in one line, with 'How the numbers are made' folded beside them."""
    title, how = st.columns([0.7, 0.3], gap="small", vertical_alignment="bottom")
    with title:
        st.html(
            f'<p class="lbln-title">{escape(words.APP_TITLE)} · {escape(words.BEDSIDE_TITLE)}</p>'
            f'<p class="lbln-meta" style="margin:0">{escape(text.INTENDED_USE)} Knowledge {escape(version)}.</p>'
        )
    with how, st.expander(text.HOW_TITLE):
        st.markdown(text.how_text(version))


def banner(assessment: knowledge.Assessment) -> None:
    """The triage banner: level in words, icon and colour, and how many red flags fired.

    An emergency or urgent banner sticks to the top of the screen while the findings are scrolled.
    """
    st.html(assessment_html.banner_html(assessment))


def flags(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """Every fired red flag as a card, then the safety questions not yet asked (one element)."""
    st.html(assessment_html.flags_html(assessment, kb))


def _problem_line(p: LinkProblem) -> str:
    """One unusable parameter as a markdown list item: its name and value(s) as capped code spans,
    the problem as inert text (a validator's message may quote the value)."""
    if p.values:
        shown = ", ".join(code_span(v) for v in p.values[: text.REPEATED_SHOWN])
        more = f" {words.and_more(len(p.values) - text.REPEATED_SHOWN)}" if len(p.values) > text.REPEATED_SHOWN else ""
        return f"- {code_span(p.param)} ({shown}{more}): {md_inert(p.problem)}"
    return f"- {code_span(p.param + '=' + p.text)}: {md_inert(p.problem)}"


def link_problems_markdown(problems: list[LinkProblem]) -> str:
    """The markdown of the link's error box (pure): no text from the link outside a code span or inert escapes."""
    whole = [p for p in problems if p.whole]
    if whole:
        return "\n\n".join(md_inert(p.problem, limit=1000) for p in whole)
    lines = [text.link_problems_heading(len(problems)), ""]
    lines += [_problem_line(p) for p in problems]
    return "\n".join(lines)


def link_problems(problems: list[LinkProblem]) -> None:
    """A clear error naming each unusable parameter of the opening link and what is wrong."""
    if problems:
        st.error(link_problems_markdown(problems))


def ranking(assessment: knowledge.Assessment, short_names: Mapping[str, str]) -> None:
    """The live ranking chart."""
    st.plotly_chart(
        chart.cause_ranking(assessment, short_names),
        config=chart.PLOTLY_CONFIG,
        theme=None,
        width=theme.CHART_MAX_WIDTH_PX,  # the column's width, up to a width that prints on A4/Letter
        key="ranking",
        alt=words.CHART_ALT,
    )


def next_question(assessment: knowledge.Assessment) -> None:
    """The next best question, prominent, then the two to four after it."""
    questions = assessment.next_questions
    if not questions:
        return
    first = questions[0]
    then = " · ".join(escape(q["label"]) for q in questions[1:5])
    more = f'<br><span class="lbln-meta">{text.THEN_ASK}: {then}</span>' if then else ""
    st.html(
        f'<div class="lbln-next" data-lbln="next"><b>{text.EXAMINE_NEXT}:</b> {escape(first["question"])}'
        f' <span class="lbln-meta">({escape(first["label"])})</span>{more}</div>'
    )


def workup(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The ordered workup path with timing, referral target, rationale and source; then what not to do."""
    st.html(assessment_html.workup_html(assessment, kb))


def _lr(lr: float) -> str:
    if lr >= 10:
        return f"×{lr:.0f}"
    if lr >= 1:
        return f"×{lr:.1f}"
    return f"×{lr:.2f}"


def why(assessment: knowledge.Assessment, kb: knowledge.Knowledge, short_names: Mapping[str, str]) -> None:
    """For a chosen cause (the top one unless picked): what raised and lowered it, and what is unknown."""
    st.html(f'<h4 style="margin:.4rem 0 0 0">{text.WHY_HEADING}</h4>')
    # The choice: the top of the ranking, every can't-miss cause, and whatever was picked before
    # (so a pick is never lost when the ranking moves). With a key, changing options keeps the pick.
    before = st.session_state.get(WHY_KEY)
    offered = [
        cid for i, cid in enumerate(assessment.cause_ids)
        if i < WHY_TOP or kb.causes[cid].cant_miss or cid == before
    ]
    picked = st.pills(
        text.WHY_PICK,
        offered,
        format_func=lambda cid: short_names.get(cid, cid),
        key=WHY_KEY,
        wrap=True,
    )
    cause_id = picked or assessment.cause_ids[0]
    cause = kb.causes[cause_id]
    p = assessment.probability(cause_id)
    explanation = assessment.explanation(cause_id)
    rows = []
    for heading, items in ((text.RAISED, explanation["raised"]), (text.LOWERED, explanation["lowered"])):
        if not items:
            continue
        entries = ", ".join(
            f"<b>{_lr(c.likelihood_ratio)}</b> {escape(kb.findings[c.finding].label)}: "
            f"{escape(words.value_text(kb.findings.get(c.finding), c.value))}"
            for c in items
        )
        rows.append(f"<li><b>{heading}:</b> {entries}</li>")
    body = f'<ul style="margin:0 0 .3rem 1.1rem;padding:0">{"".join(rows)}</ul>' if rows else f"<p>{escape(text.NOTHING_ENTERED)}</p>"
    tag = f" ({words.CANT_MISS_TAG})" if cause.cant_miss else ""
    title = text.why_title(f"{cause.name}{tag}", chart.percent(p), cause_id == assessment.cause_ids[0])
    st.html(f'<div data-lbln="why"><p style="margin:.1rem 0"><b>{escape(title)}</b></p>{body}</div>')

    by_group: dict[str, list[str]] = {}
    for fid in assessment.unknown_findings:
        by_group.setdefault(kb.findings[fid].group, []).append(kb.findings[fid].label)
    with st.expander(text.UNKNOWN_HEADING):
        st.html(
            f"<p style='margin:0 0 .2rem 0'>{escape(text.unknown_count(len(assessment.unknown_findings)))}</p>"
            + "".join(
                f"<p style='margin:0 0 .2rem 0'><b>{escape(words.GROUP_TITLES.get(g, g))}:</b> {escape(', '.join(labels))}</p>"
                for g, labels in by_group.items()
            )
        )


ZONE_NAME_MAX = 64
"""The longest time-zone name accepted from a browser (the IANA names are under 40 characters)."""


@functools.lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def browser_zone(name: object) -> tzinfo | None:
    """The time zone a browser says it is in (pure apart from the zone files): None when it sends
    none (the server's zone is used), UTC when what it sends is not a known IANA zone name.

    The name is client-supplied: 'America' (a directory), a 100,000-character string or a path must
    never reach the file system unchecked (review D14), so it is checked against the known names first.
    """
    if name is None or name == "":
        return None
    if not isinstance(name, str) or len(name) > ZONE_NAME_MAX or name not in _zone_names():
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _browser_zone() -> tzinfo | None:
    """The time zone of the user's browser (None, meaning the server's, when it is not known)."""
    return browser_zone(st.context.timezone)


def _now(zone: tzinfo | None) -> datetime:
    """Now, in the browser's zone if known, else the server's local zone (always zone-aware)."""
    return datetime.now(zone).astimezone(zone)


def _cap_label_state() -> None:
    """Cut the label in session state to LABEL_MAX characters. `max_chars` binds only the browser's
    field: a client can send a widget value of any size (review D10), which must not stay held."""
    raw = st.session_state.get(EXPORT_LABEL_KEY)
    if raw is not None and (not isinstance(raw, str) or len(raw) > summary.LABEL_MAX):
        st.session_state[EXPORT_LABEL_KEY] = summary.clean_label(raw)


def _keep_label() -> None:
    """Copy a newly committed label into this session's holder, first thing in the rerun."""
    _cap_label_state()
    st.session_state.setdefault(_EXPORT_HOLDER_KEY, {})["label"] = summary.clean_label(st.session_state.get(EXPORT_LABEL_KEY, ""))


@st.fragment
def _label_field(holder: dict[str, str]) -> None:
    """The optional label: a fragment, so committing it reruns the field alone, never the page."""
    _cap_label_state()
    holder["label"] = summary.clean_label(st.text_input(
        text.EXPORT_LABEL, key=EXPORT_LABEL_KEY, max_chars=summary.LABEL_MAX, help=text.EXPORT_LABEL_HELP,
        autocomplete="off", on_change=_keep_label,
    ))


def summary_download(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """An optional label and the 'Download case summary' button.

    The HTML is built only when the button is pressed (a callable `data`, which Streamlit runs on
    click, off the script thread), so a rerun pays for the two widgets only; the clock is read at
    that moment too.

    The label is typed and then, usually, the button tapped at once: the tap takes the focus from
    the field, which commits the label in a rerun racing the click. Streamlit drops a click on a
    download button that a finished rerun has replaced, so the label field is a fragment of its
    own: its rerun leaves the button (and the click) alone. The button reads the label at click
    time from a holder of this session, which the field's callback fills first thing in that
    rerun; the click waits LABEL_SETTLE_S for it.
    """
    zone = _browser_zone()
    holder: dict[str, str] = st.session_state.setdefault(_EXPORT_HOLDER_KEY, {})
    label_col, button_col = st.columns(2, gap="small", vertical_alignment="bottom")
    with label_col:
        _label_field(holder)

    def build() -> str:
        time.sleep(LABEL_SETTLE_S)  # off the script thread: the page does not wait
        return summary.case_summary_html(assessment, kb, _now(zone), holder.get("label", ""))

    with button_col:
        st.download_button(
            text.EXPORT_BUTTON, data=build, file_name=summary.summary_filename(_now(zone)),
            mime="text/html", on_click="ignore", key=EXPORT_BUTTON_KEY, help=text.EXPORT_BUTTON_HELP,
            width="stretch", wrap=True,
        )
