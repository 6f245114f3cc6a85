"""Streamlit renderers of an Assessment: triage banner, red flags, workup path, why, next question.

Text from the knowledge data is escaped before it goes into HTML. Each panel is one element where
it can be, to keep reruns light.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import streamlit as st

import knowledge
from dashboard.bedside import entry, inputs, note, summary, text
from dashboard.common import assessment_html, chart, theme, words
from dashboard.common.case_url import LinkProblem
from dashboard.common.markdown import code_span, md_inert

WHY_KEY = "why.cause"
UNKNOWN_KEY = "why.unknown_open"
"""Session state: whether the 'not yet examined' list is open (it is drawn, and sent, only then)."""
EXPORT_LABEL_KEY = "export.label"
"""The optional label of the case summary: in session state only, never in the URL."""
EXPORT_BUTTON_KEY = "export.download"
_EXPORT_HOLDER_KEY = "export.label_holder"
_HELD_ASSESSMENT = "assessment"
LABEL_SETTLE_S = 0.2
"""How long the summary waits, on click, for a label committed by that same tap to arrive."""
WHY_TOP = 6
"""The why-selector offers the top causes of the ranking plus every can't-miss cause."""

def header(version: str) -> None:
    """Title and intended use in one line, with 'How the numbers are made' beside them as a popover:
    it opens over the page, so it never pushes the banner out of view."""
    with st.container(key="lbln-head", horizontal=True, vertical_alignment="center", gap="small"):
        st.html(
            f'<p class="lbln-title">{escape(words.APP_TITLE)} · {escape(words.BEDSIDE_TITLE)}</p>'
            f'<p class="lbln-meta" style="margin:0">{escape(text.INTENDED_USE)} Knowledge {escape(version)}.</p>',
            width="stretch",
        )
        with st.popover(text.HOW_TITLE, width="content"):
            st.markdown(text.how_text(version))


def checks_html(checks: Sequence[entry.NumberCheck]) -> str:
    """The short lines of the number checks (pure; empty when there are none)."""
    return "".join(
        f'<p class="lbln-check" data-lbln="check" data-finding="{escape(c.finding)}">\u26a0 {escape(c.line)}</p>'
        for c in checks
    )


def read_as_html(line: str | None) -> str:
    """The age and size said back in words (`entry.read_as_line`), escaped, to sit at the banner's end
    (inside it, so it costs the results column no height); empty when there is none."""
    return f'<span class="lbln-readas" data-lbln="read-as">{escape(line)}</span>' if line else ""


def banner(assessment: knowledge.Assessment, checks: Sequence[entry.NumberCheck] = (), read_as: str | None = None) -> None:
    """The triage banner (level in words, icon and colour, the first action; at its end the age and size
    as the engine read them), the number checks (a slip or a gap that would change the answer: they sit
    here because the field may be scrolled away) and, right under them, the card of the highest flag the
    banner links to: one element, so a tap sends and draws one."""
    st.html(
        assessment_html.banner_html(assessment, after=read_as_html(read_as)) + checks_html(checks)
        + assessment_html.top_flag_html(assessment)
    )


def why_urgent(assessment: knowledge.Assessment, kb: knowledge.Knowledge, short_names: Mapping[str, str]) -> None:
    """The line reconciling a benign top cause with an urgent triage (one element, empty when not needed)."""
    st.html(assessment_html.why_urgent_html(assessment, kb, short_names))


def flags_and_workup(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The other fired red flags as cards, the safety questions not yet asked, then the ordered workup
    path with timing, referral target, rationale and source and what not to do (one element)."""
    st.html(assessment_html.flags_html(assessment, kb, skip_top=True) + assessment_html.workup_html(assessment, kb))


def strip_html(assessment: knowledge.Assessment, short_names: Mapping[str, str],
               checks: Sequence[entry.NumberCheck] = ()) -> str:
    """The pinned strip of a portrait screen (pure): the triage and its first action, the top three
    causes as small bars, and a link to the full results. Fixed height, so it never moves the findings.
    On a routine triage the first number check takes the action's place: the routine answer rests on it."""
    style = assessment_html.banner_level(assessment)
    line = escape(assessment_html.triage_line(assessment))
    check = ""
    if checks and assessment.triage == "routine":
        line = f'<span class="lbln-strip-check">\u26a0 {escape(checks[0].line)}</span>'
        check = f' data-check="{escape(checks[0].finding)}"'
    head = (
        f"{words.TRIAGE}: {words.NOT_ASSESSED}" if style == "none"
        else f"{theme.LEVELS[style].icon} {words.TRIAGE}: {words.LEVEL_WORDS[assessment.triage]}"
    )
    bars: list[str] = []
    for cause, p in list(zip(assessment.causes, assessment.probabilities, strict=True))[:3]:
        cid = cause["id"]
        mark = f" {chart.CANT_MISS_MARK}" if cause["cant_miss"] else ""
        cls = "lbln-mini-bar lbln-mini-cm" if cause["cant_miss"] else "lbln-mini-bar"
        bars.append(
            f'<li><span class="lbln-mini-name">{escape(short_names.get(cid, cid))}{mark}</span>'
            f'<span class="lbln-mini-track"><span class="{cls}" style="width:{max(p, 0.01) * 100:.0f}%"></span></span>'
            f'<span class="lbln-mini-p">{escape(chart.percent(p))}</span></li>'
        )
    return (
        f'<div class="lbln-strip lbln-{escape(style)}" data-lbln="strip" data-level="{escape("none" if style == "none" else assessment.triage)}">'
        f'<p class="lbln-strip-line" data-lbln="strip-action"{check}><b>{escape(head)}</b> — {line}</p>'
        f'<div class="lbln-strip-row"><ol class="lbln-mini" data-lbln="strip-causes" aria-label="{escape(text.TOP_THREE)}">{"".join(bars)}</ol>'
        f'<a class="lbln-strip-link" href="#lbln-results">{escape(text.FULL_RESULTS)} \u2193</a></div></div>'
    )


def strip(assessment: knowledge.Assessment, short_names: Mapping[str, str], checks: Sequence[entry.NumberCheck] = ()) -> None:
    """The portrait pinned strip (hidden on a landscape screen by the style block; the page draws it
    inside its `lbln-strip` container)."""
    st.html(strip_html(assessment, short_names, checks))


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
        chart.cause_ranking(assessment, short_names, theme.CHART_BAR_PX_COMPACT, validate=False),
        config=chart.PLOTLY_CONFIG,
        theme=None,
        width=theme.CHART_MAX_WIDTH_PX,  # the column's width, up to a width that prints on A4/Letter
        key="ranking",
        alt=words.CHART_ALT,
    )


NEXT_KEY = "next.answer"


def _answer_next(kb: knowledge.Knowledge, fid: str) -> None:
    """Copy the in-place answer to the finding's own widget, then clear the in-place control."""
    value = st.session_state.get(NEXT_KEY)
    st.session_state[NEXT_KEY] = None
    if value is not None and fid in kb.findings:
        inputs.set_findings({fid: value}, kb)
        inputs.rerun_after_change(kb, [fid])  # the finding's own widget is redrawn with the answer


def next_question(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> None:
    """The next best question, prominent, answerable in place (yes/no or its values), then the two to
    four after it. A number is answered in its own field (its group is named)."""
    questions = assessment.next_questions
    if not questions:
        return
    first = questions[0]
    then = " · ".join(escape(q["label"]) for q in questions[1:5])
    more = f'<br><span class="lbln-meta">{text.THEN_ASK}: {then}</span>' if then else ""
    finding = kb.findings.get(first["finding"])
    with st.container(key="lbln-next"):
        st.html(
            f'<div class="lbln-next" data-lbln="next"><b>{text.EXAMINE_NEXT}:</b> {escape(first["question"])}'
            f' <span class="lbln-meta">({escape(first["label"])})</span>{more}</div>'
        )
        if finding is not None and finding.type != "number":
            if finding.type == "boolean":
                options: list[object] = [True, False]
                fmt = lambda v: words.YES if v is True else words.NO  # noqa: E731
            else:
                labels = finding.value_labels or {}
                options = list(finding.values or ())
                fmt = lambda v: labels.get(v, str(v).replace("_", " "))  # noqa: E731
            st.segmented_control(
                f"{text.ANSWER_HERE}: {finding.label}", options, format_func=fmt, key=NEXT_KEY,
                on_change=_answer_next, args=(kb, first["finding"]), label_visibility="collapsed",
            )


def _lr(lr: float) -> str:
    return words.lr_mark(lr)


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
        short = short_names.get(cause_id, kb.causes[cause_id].name)
        entries = "".join(
            f"<li>{escape(kb.findings[c.finding].label if c.finding in kb.findings else c.finding)}: "
            f"{escape(words.value_text(kb.findings.get(c.finding), c.value))} "
            f"{escape(words.lr_phrase(c.likelihood_ratio, short))} <b>({_lr(c.likelihood_ratio)})</b></li>"
            for c in items
        )
        rows.append(f'<li><b>{heading}:</b><ul class="lbln-why-list">{entries}</ul></li>')
    legend = f'<p class="lbln-meta lbln-legend" data-lbln="why-legend">{escape(words.WHY_LEGEND)}</p>'
    body = (
        f'<ul style="margin:0 0 .3rem 1.1rem;padding:0">{"".join(rows)}</ul>{legend}' if rows
        else f"<p>{escape(text.NOTHING_ENTERED)}</p>"
    )
    tag = f" ({words.CANT_MISS_TAG})" if cause.cant_miss else ""
    title = text.why_title(f"{cause.name}{tag}", chart.percent(p), cause_id == assessment.cause_ids[0])
    state = assessment.state_of(cause_id)
    state_html = (f'<p class="lbln-meta" data-lbln="why-state" style="margin:0 0 .2rem 0">'
                  f'{escape(text.state_line(*state))}</p>' if state is not None else "")
    st.html(f'<div data-lbln="why"><p style="margin:.1rem 0"><b>{escape(title)}</b></p>{state_html}{body}</div>')

    # The list is drawn only while open: closed, it would resend ~2 kB on every tap for a panel
    # most taps never open (the chips' heading already counts the examined findings).
    with st.expander(text.UNKNOWN_HEADING, key=UNKNOWN_KEY, on_change="rerun") as box:
        if box.open:
            st.html(
                f"<p style='margin:0 0 .2rem 0'>{escape(text.unknown_count(len(assessment.unknown_findings)))}</p>"
                + "".join(
                    f"<p style='margin:0 0 .2rem 0'><b>{escape(words.GROUP_TITLES.get(g, g))}:</b> "
                    f"{escape(', '.join(kb.findings[fid].label for fid in fids))}</p>"
                    for g, fids in words.by_group(kb, assessment.unknown_findings).items()
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
def _label_field(holder: dict[str, Any]) -> None:
    """The optional label: a fragment, so committing it reruns the field alone, never the page."""
    _cap_label_state()
    holder["label"] = summary.clean_label(st.text_input(
        text.EXPORT_LABEL, key=EXPORT_LABEL_KEY, max_chars=summary.LABEL_MAX, help=text.EXPORT_LABEL_HELP,
        autocomplete="off", on_change=_keep_label,
    ))


def hold_for_export(assessment: knowledge.Assessment) -> None:
    """Keep the assessment on the page for the download button, which builds the summary from it on click."""
    st.session_state.setdefault(_EXPORT_HOLDER_KEY, {})[_HELD_ASSESSMENT] = assessment


def summary_download(kb: knowledge.Knowledge) -> None:
    """An optional label and the 'Download case summary' button, drawn once by the page (not by a tap).

    The HTML is built only when the button is pressed (a callable `data`, which Streamlit runs on
    click, off the script thread), from the assessment the results column last drew
    (`hold_for_export`) and the clock at that moment, so a tap neither reruns nor resends the two
    widgets.

    The label is typed and then, usually, the button tapped at once: the tap takes the focus from
    the field, which commits the label in a rerun racing the click. Streamlit drops a click on a
    download button that a finished rerun has replaced, so the label field is a fragment of its
    own: its rerun leaves the button (and the click) alone. The button reads the label at click
    time from a holder of this session, which the field's callback fills first thing in that
    rerun; the click waits LABEL_SETTLE_S for it (and so for a tap's results run just before).
    """
    zone = _browser_zone()
    holder: dict[str, Any] = st.session_state.setdefault(_EXPORT_HOLDER_KEY, {})
    label_col, button_col = st.columns(2, gap="small", vertical_alignment="bottom")
    with label_col:
        _label_field(holder)

    def build() -> str:
        time.sleep(LABEL_SETTLE_S)  # off the script thread: the page does not wait
        # the results column, drawn before this button in every run that draws it, has always held one
        return summary.case_summary_html(holder[_HELD_ASSESSMENT], kb, _now(zone), holder.get("label", ""))

    with button_col:
        st.download_button(
            text.EXPORT_BUTTON, data=build, file_name=summary.summary_filename(_now(zone)),
            mime="text/html", on_click="ignore", key=EXPORT_BUTTON_KEY, help=text.EXPORT_BUTTON_HELP,
            width="stretch", wrap=True,
        )


_COPY_JS = """<script>
if (!window.__lblnCopy) {
  window.__lblnCopy = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const what = button.getAttribute('data-copy');
    const text = what === 'link' ? window.location.href : (document.getElementById('lbln-note-text') || {}).textContent || '';
    const done = button.getAttribute('data-done'), failed = button.getAttribute('data-failed');
    const status = document.getElementById('lbln-copy-status');
    const say = (msg) => { if (status) status.textContent = msg; };
    if (!navigator.clipboard) { say(failed); return; }
    navigator.clipboard.writeText(text).then(() => say(done + ': ' + button.textContent.trim()), () => say(failed));
  });
}
</script>"""


def copy_buttons_html(note_text: str) -> str:
    """'Copy link' and 'Copy to note' buttons with the note's plain text held beside them (pure).
    The copying is a click handler in the page (the browser allows the clipboard only on a tap). The note
    is held off screen and printed with the page (findings entered and not examined, and the date)."""
    return (
        f'<div class="lbln-copy" data-lbln="copy">'
        f'<button type="button" class="lbln-copy-btn" data-copy="link" data-done="{escape(text.COPIED)}" '
        f'data-failed="{escape(text.COPY_FAILED)}">{escape(text.COPY_LINK)}</button>'
        f'<button type="button" class="lbln-copy-btn" data-copy="note" data-done="{escape(text.COPIED)}" '
        f'data-failed="{escape(text.COPY_FAILED)}">{escape(text.COPY_NOTE)}</button>'
        f'<span id="lbln-copy-status" class="lbln-meta" role="status" aria-live="polite"></span>'
        f'<pre id="lbln-note-text" class="lbln-note-text" aria-label="{escape(text.NOTE_PREVIEW)}">'
        f"{escape(note_text)}</pre></div>"
    )


def copy_buttons(assessment: knowledge.Assessment, kb: knowledge.Knowledge, short_names: Mapping[str, str]) -> None:
    """Copy the link, or a plain-text note for the patient record (time in the browser's zone)."""
    st.html(copy_buttons_html(note.note_text(assessment, kb, _now(_browser_zone()), short_names)))


def copy_script() -> None:
    """The copy buttons' click handler, drawn once by the page outside the fragments (it listens on the
    document, so the buttons a tap redraws keep working without sending the script again)."""
    st.html(_COPY_JS, unsafe_allow_javascript=True)
