"""The case summary a clinician can print or attach: one self-contained HTML file. No Streamlit here.

`case_summary_html(assessment, kb, now, label)` is pure: the clock (`now`) and the optional
label are passed in, every text is escaped, and the file loads nothing: the style is inline, there
is no script, no image and no font; the only addresses are plain `<a href>` links to the sources,
which the print style writes out after the link text so they survive on paper.

The summary holds no name or identifier unless the user typed one into the label.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from typing import Any

import knowledge
from dashboard.bedside import text
from dashboard.common import assessment_html, chart, theme, words
from dashboard.common.assessment_html import PAPER
from dashboard.common.provenance import ESTIMATE, source_link

LABEL_MAX = 60
"""The label is cut to this many characters (initials or a bed number, not a record)."""


def clean_label(value: object) -> str:
    """The label as kept and printed: text only, without control or format characters (a bidi
    override could reverse the printed text), trimmed, at most LABEL_MAX characters. Applied on the
    server to whatever the client sent, not only by the field's `max_chars`."""
    if not isinstance(value, str):
        return ""
    kept = "".join(ch for ch in value[: LABEL_MAX * 4] if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    return kept.strip()[:LABEL_MAX]


def summary_filename(now: datetime) -> str:
    """The download's file name: `lump-summary-YYYYMMDD.html`. The page draws the button once per case (on
    opening and on reset, not on each tap), so the name carries the day the case was started and no clock
    time that would be stale by the time of the click; the exact time is inside the file (`generated_text`)."""
    return f"lump-summary-{now:%Y%m%d}.html"


def generated_text(now: datetime) -> str:
    """'2026-11-25 14:32 CET (UTC+01:00)'; a naive time is printed as it is."""
    stamp = f"{now:%Y-%m-%d %H:%M}"
    offset = now.strftime("%z")
    if not offset:
        return stamp
    name = now.tzname() or ""
    utc = f"UTC{offset[:3]}:{offset[3:5]}"
    return f"{stamp} {name} ({utc})" if name and not name.startswith(("UTC", "+", "-")) else f"{stamp} ({utc})"


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _step_notes(kb: knowledge.Knowledge) -> dict[tuple[str, str, str | None, str], str]:
    """Each workup step's note by (rule, step, target, rationale): plan steps do not carry theirs (flags
    and do-not items do). The rationale is in the key because one rule may hold two steps of the same
    step and target, one for a child and one for an adult, each with its own note."""
    return {(c.rule.id, s.step, s.to, s.rationale): s.note for c in kb.workup_rules for s in c.rule.steps}


def _header(assessment: knowledge.Assessment, now: datetime, label: str) -> str:
    shown_label = clean_label(label)
    label_html = f'<p class="label">{_e(text.EXPORT_LABEL_SHORT)}: <b>{_e(shown_label)}</b></p>' if shown_label else ""
    return (
        f"<header><h1>{_e(words.APP_TITLE)}: {_e(text.EXPORT_TITLE)}</h1>"
        f"{label_html}"
        f'<p class="meta">{_e(text.EXPORT_GENERATED)} {_e(generated_text(now))} · '
        f"{_e(text.EXPORT_VERSION)} <b>{_e(assessment.knowledge_version)}</b></p>"
        f'<p class="disclaimer"><b>{_e(text.EXPORT_DISCLAIMER_HEAD)}</b> {_e(knowledge.DISCLAIMER)}</p></header>'
    )


def _triage(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    flags = assessment.red_flags
    out = [f"<section>{assessment_html.banner_html(assessment, PAPER)}"]
    if flags:
        out.append(f"<h2>{_e(text.EXPORT_FLAGS)}</h2>")
        cards = [assessment_html.flag_card_html(flag, PAPER, flag.note) for flag in flags]
        out.extend(assessment_html.wait_note_before_first_lower(list(flags), cards, PAPER))
    unasked = assessment_html.unasked_texts(assessment)
    if unasked:
        out.append(f'<p class="unasked"><b>{_e(words.NOT_YET_ASKED)} ({len(unasked)}):</b> {_e(", ".join(unasked))}.</p>')
    out.append("</section>")
    return "".join(out)


def _workup(assessment: knowledge.Assessment, kb: knowledge.Knowledge,
            step_notes: Mapping[tuple[str, str, str | None, str], str]) -> str:
    body = assessment_html.plan_groups_html(assessment, kb, PAPER, step_notes) or f"<p>{_e(text.EXPORT_NO_WORKUP)}</p>"
    do_not = assessment_html.do_not_html(assessment, kb, PAPER, with_notes=True)
    return f"<section><h2>{_e(words.WORKUP_HEADING)}</h2>{body}{do_not}</section>"


def _findings(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    values = assessment.case.findings
    entered = [fid for fid in kb.findings if fid in values]
    rows = []
    for group, fids in words.by_group(kb, entered).items():
        rows.append(f'<tr class="group"><th colspan="2">{_e(words.GROUP_TITLES.get(group, group))}</th></tr>')
        rows.extend(
            f'<tr data-finding="{_e(fid)}"><td>{_e(kb.findings[fid].label)}</td>'
            f"<td><b>{_e(words.value_text(kb.findings[fid], values[fid]))}</b></td></tr>"
            for fid in fids
        )
    table = f'<table class="findings">{"".join(rows)}</table>' if rows else f"<p>{_e(text.EXPORT_NOTHING_ENTERED)}</p>"
    unknown = words.by_group(kb, assessment.unknown_findings)
    lines = "".join(
        f"<p><b>{_e(words.GROUP_TITLES.get(g, g))}:</b> {_e(', '.join(kb.findings[f].label for f in fids))}</p>"
        for g, fids in unknown.items()
    )
    not_examined = (
        f'<h3>{_e(text.EXPORT_NOT_EXAMINED)} ({len(assessment.unknown_findings)})</h3>'
        f'<div class="unknown">{lines}</div>'
        if unknown else ""
    )
    return (
        f"<section><h2>{_e(text.EXPORT_FINDINGS)} ({len(entered)})</h2>"
        f'<p class="meta">{_e(text.EXPORT_UNKNOWN_NOTE)}</p>{table}{not_examined}</section>'
    )


def _ranking(assessment: knowledge.Assessment) -> str:
    rows = []
    for rank, cause in enumerate(assessment.causes, start=1):
        p = float(assessment.probabilities[rank - 1])
        mark = f' <span class="cm">{_e(chart.CANT_MISS_MARK)} {_e(words.CANT_MISS_TAG)}</span>' if cause["cant_miss"] else ""
        width = max(0.0, min(100.0, p * 100))
        rows.append(
            f'<tr data-cause="{_e(cause["id"])}"><td class="num">{rank}</td><td>{_e(cause["name"])}{mark}</td>'
            f'<td class="num">{_e(chart.percent(p))}</td>'
            f'<td class="barcell"><span class="bar{" barcm" if cause["cant_miss"] else ""}" style="width:{width:.1f}%"></span></td></tr>'
        )
    return (
        f"<section><h2>{_e(text.EXPORT_RANKING)}</h2>"
        f'<p class="meta">{_e(text.EXPORT_RANKING_NOTE)}</p>'
        f'<table class="ranking"><thead><tr><th>#</th><th>{_e(text.EXPORT_CAUSE)}</th>'
        f"<th>{_e(text.EXPORT_ESTIMATE)}</th><th></th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _source_items(kb: knowledge.Knowledge, ids: Iterable[str]) -> str:
    items = []
    for sid in ids:
        source = kb.sources[sid]
        link = source_link(source)
        year = f" ({source.year})" if source.year else ""
        title = f"{source.title}{year}"
        anchor = f'<a href="{_e(link)}">{_e(source.label)}</a>' if link else _e(source.label)
        items.append(f'<li data-source="{_e(sid)}">{anchor}. <span class="src">{_e(title)}</span></li>')
    return "".join(items)


def _sources(assessment: knowledge.Assessment, kb: knowledge.Knowledge) -> str:
    actions = list(dict.fromkeys(
        item["source_id"] for item in (*assessment.red_flags, *assessment.workup, *assessment.avoid)
    ))
    ranking: list[str] = [c.source for c in kb.causes.values()]
    entered = [fid for fid in assessment.case.findings if fid in kb.tables]
    for fid in entered:
        ranking.extend(kb.entry_for(cid, fid)[0].source for cid in kb.cause_ids)
    n_estimates = sum(1 for s in ranking if s == ESTIMATE)
    cited_actions = [s for s in actions if s != ESTIMATE]
    cited_ranking = [s for s in dict.fromkeys(ranking) if s != ESTIMATE and s not in cited_actions]
    parts = [f"<section><h2>{_e(text.EXPORT_SOURCES)}</h2>"]
    if cited_actions:
        parts.append(f'<h3>{_e(text.EXPORT_SOURCES_ACTIONS)}</h3><ol class="sources">{_source_items(kb, cited_actions)}</ol>')
    parts.append(f'<h3>{_e(text.EXPORT_SOURCES_RANKING)}</h3>')
    parts.append(f'<p class="meta">{_e(text.export_ranking_estimates(n_estimates, len(ranking)))}</p>')
    if cited_ranking:
        parts.append(f'<ol class="sources">{_source_items(kb, cited_ranking)}</ol>')
    parts.append("</section>")
    return "".join(parts)


def _style() -> str:
    levels = "".join(
        f".lvl-{name}.banner,.lvl-{name} .badge{{background:{s.solid};color:{s.on_solid};}}"
        f".flag.lvl-{name}{{background:{s.tint};border-left-color:{s.solid};}}"
        for name, s in theme.LEVELS.items()
    )
    return (
        "<style>"
        f"html{{color:{theme.TEXT};background:{theme.WHITE};}}"
        "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:11pt;line-height:1.4;"
        "max-width:190mm;margin:1.2rem auto;padding:0 1rem;}"
        "h1{font-size:16pt;margin:0 0 .2rem 0;}"
        f"h2{{font-size:13pt;margin:1rem 0 .3rem 0;border-bottom:1px solid {theme.PAPER_RULE};}}"
        "h3{font-size:11.5pt;margin:.6rem 0 .2rem 0;}p{margin:.2rem 0;}"
        f".meta,.src{{color:{theme.MUTED};font-size:9.5pt;}}"
        ".label{font-size:12pt;margin:.1rem 0;}"
        f".disclaimer{{border:2px solid {theme.PAPER_BOX};border-radius:4px;padding:.3rem .5rem;margin:.4rem 0;}}"
        ".banner{border-radius:4px;padding:.35rem .6rem;font-weight:700;font-size:12.5pt;margin:.6rem 0 .3rem 0;}"
        ".flag{border-left:7px solid;border-radius:3px;padding:.3rem .6rem;margin:0 0 .3rem 0;}"
        ".badge{display:inline-block;border-radius:3px;padding:0 .35rem;font-weight:800;letter-spacing:.03em;}"
        "table{border-collapse:collapse;width:100%;}td,th{text-align:left;vertical-align:top;padding:.12rem .4rem;"
        f"border-bottom:1px solid {theme.PAPER_LINE};}}tr.group th{{background:{theme.PAPER_GROUP};font-size:10pt;}}"
        ".findings td:first-child{width:55%;}.num{text-align:right;white-space:nowrap;width:1%;}"
        ".barcell{width:35%;}.bar{display:block;height:.8em;min-width:1px;"
        f"background:{theme.BAR};}}.barcm{{background:{theme.BAR_CANT_MISS};}}"
        f".cm{{color:{theme.BAR_CANT_MISS};font-weight:700;white-space:nowrap;}}"
        ".steps li,.avoid li,.sources li{margin-bottom:.3rem;}.avoid{list-style:none;padding-left:0;}"
        f".avoid li{{border:2px solid {theme.AVOID};border-radius:4px;padding:.25rem .5rem;}}"
        f".plan-group-title{{margin:.4rem 0 .1rem 0;}}.group-after_emergency{{border-left:3px dashed {theme.MUTED};padding-left:.5rem;}}"
        f".unknown p{{font-size:10pt;}}a{{color:{theme.PRIMARY};}}"
        f"{levels}"
        "@page{margin:14mm 12mm;}"
        "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt;}"
        "a{color:inherit;text-decoration:none;}a[href]::after{content:' <' attr(href) '>';font-size:8pt;"
        f"color:{theme.MUTED};word-break:break-all;}}"
        "tr,li,.flag,.banner,.disclaimer{break-inside:avoid;}h2,h3{break-after:avoid;}"
        "*{-webkit-print-color-adjust:exact;print-color-adjust:exact;}}"
        "</style>"
    )


def case_summary_html(assessment: knowledge.Assessment, kb: knowledge.Knowledge, now: datetime, label: str = "") -> str:
    """The case summary as one self-contained HTML document (inline style, no script, no resource)."""
    step_notes = _step_notes(kb)
    title = f"{words.APP_TITLE}: {text.EXPORT_TITLE}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title>{_style()}</head><body>"
        f"{_header(assessment, now, label)}"
        f"{_triage(assessment, kb)}"
        f"{_workup(assessment, kb, step_notes)}"
        f"{_findings(assessment, kb)}"
        f"{_ranking(assessment)}"
        f"{_sources(assessment, kb)}"
        f'<footer><p class="meta">{_e(text.EXPORT_FOOTER)} {_e(text.EXPORT_VERSION)} {_e(assessment.knowledge_version)}.</p></footer>'
        "</body></html>"
    )
