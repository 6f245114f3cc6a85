"""The knowledge as reviewable tables: Knowledge in, pandas DataFrames out. No Streamlit here.

One builder per kind of entry (causes, findings, likelihoods, red-flag rules, workup steps,
named definitions, sources), each row carrying its source label, the source id, whether the
entry is the project's own `estimate`, and the note saying how it was made. The knowledge page
shows these tables; the tests check that they cover every entry of the knowledge.

Conditions are rendered in one readable line by the rule language's own `condition_text`
(knowledge/conditions.py), re-exported here for the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml

import knowledge
from dashboard.common.provenance import ESTIMATE, source_link
from knowledge import condition_text, condition_yaml, refs_used

BACKGROUND = "background"
"""Where a cause without its own entry for a finding takes its likelihoods from."""
OWN = "own entry"

SOURCE_COLUMNS = ("source", "estimate", "note", "source id")
"""The provenance columns of every table of sourced entries (the id comes last, for look-ups)."""

_LINK = re.compile(r"^https?://[^\s\"'<>]+$")


# --- small helpers ---------------------------------------------------------------------------------


def is_link(url: str) -> bool:
    """Whether a text is a well-formed http(s) link (no spaces, quotes or angle brackets)."""
    return bool(_LINK.match(url))


def _provenance(kb: knowledge.Knowledge, item: Any) -> dict[str, Any]:
    return {"source": kb.source_label(item.source), "estimate": item.source == ESTIMATE, "note": item.note}


def _value_label(finding: Any, category: str) -> str:
    if finding.type == "boolean":
        return "yes" if category == "true" else "no"
    if finding.type == "number":
        return next((b.label for b in finding.bins or () if b.id == category), category)
    return (finding.value_labels or {}).get(category, category.replace("_", " "))


def _values_text(finding: Any) -> str:
    if finding.type == "boolean":
        return "yes / no"
    if finding.type == "choice":
        labels = finding.value_labels or {}
        return "; ".join(
            f"{v} ({labels[v]})" if v in labels and labels[v] != v.replace("_", " ") else v for v in finding.values or ()
        )
    unit = f" {finding.unit}" if finding.unit else ""
    step = f", step {finding.step:g}" if finding.step else ""
    return f"{finding.min:g} to {finding.max:g}{unit}{step}"


_STEP_ORDER = ("step", "to", "when", "action", "timing", "within", "phase", "rationale", "source", "note")


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}


_RULE_ORDER = ("id", "level", "when", "with_referral_to", "message", "action", "within", "variants", "steps", "avoid",
               "fallback", "about", "source", "note")


def alarm_ids(kb: knowledge.Knowledge) -> list[str]:
    """The can't-miss alarms as the red flags they fire (`alarm_<cause>`), in knowledge order."""
    return [a.flag_id for a in kb.alarms]


def rule_yaml(kb: knowledge.Knowledge, rule_id: str) -> str:
    """A red-flag or workup rule, or a can't-miss alarm, as YAML, followed by every named definition its
    conditions use."""
    alarm = next((a for a in kb.alarms if a.flag_id == rule_id), None)
    if alarm is not None:
        return _alarm_yaml(kb, alarm)
    rule = next((c.rule for c in (*kb.red_flags, *kb.workup_rules) if c.rule.id == rule_id), None)
    if rule is None:
        raise KeyError(rule_id)
    data = rule.model_dump(mode="json", exclude_defaults=True)
    data = _ordered(data, _RULE_ORDER)
    for part in ("steps", "avoid", "variants"):
        if part in data:
            data[part] = [_ordered(s, _STEP_ORDER) for s in data[part]]
    out = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    # a workup step may carry its own condition (for example the age for a referral target), and a red
    # flag's action variant its own (for example a child's route)
    step_conditions = [s.when for s in getattr(rule, "steps", ()) if s.when is not None]
    step_conditions += [v.when for v in getattr(rule, "variants", ())]
    out += _definitions_used(kb, {"all": [rule.when, *step_conditions]} if step_conditions else rule.when)
    return out.strip()


def _definitions_used(kb: knowledge.Knowledge, condition: Any) -> str:
    """The named definitions a condition uses, as YAML under a heading ('' when it uses none)."""
    refs = refs_used(condition, kb.definitions)
    if not refs:
        return ""
    used = {name: kb.definitions[name] for name in refs}
    return ("\n# named definitions used above (definitions.yaml)\n"
            + yaml.safe_dump(used, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100))


_ALARM_ORDER = ("threshold", "level", "min_odds_ratio", "action", "do_not", "variants", "source", "note")


def _alarm_yaml(kb: knowledge.Knowledge, entry: Any) -> str:
    """A can't-miss cause's alarm (`entry`, one of `kb.alarms`) as written under the cause in causes.yaml,
    with the named definitions its variants' conditions use (the alarm itself reads only the ranking)."""
    alarm = entry.alarm
    # the level and odds line are shown even where the knowledge leaves them at their defaults
    data = {"threshold": alarm.threshold, "level": alarm.level, "min_odds_ratio": alarm.min_odds_ratio,
            **alarm.model_dump(mode="json", exclude_defaults=True)}
    data = _ordered(data, _ALARM_ORDER)
    for part in ("do_not", "variants"):
        if part in data:
            data[part] = [_ordered(s, _STEP_ORDER) for s in data[part]]
    out = f"# causes.yaml, under the cause {entry.cause}\n"
    out += yaml.safe_dump({"alarm": data}, sort_keys=False, allow_unicode=True, width=100)
    if alarm.variants:
        out += _definitions_used(kb, {"any": [v.when for v in alarm.variants]})
    return out.strip()


# --- the tables ------------------------------------------------------------------------------------


def causes_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per cause: name, can't-miss and why, normalised prior % per age band, source and note."""
    rows = []
    for cid, cause in kb.causes.items():
        row: dict[str, Any] = {"cause": cause.name, "can't miss": cause.cant_miss}
        for band in kb.age_bands:
            row[f"prior % {band.label}"] = round(kb.prior_percent(band.id, cid), 1)
        row["prior % age not entered"] = round(kb.prior_percent(None, cid), 1)
        row.update(_provenance(kb, cause))
        row.update({"why can't miss": cause.cant_miss_why, "about": cause.about, "id": cid, "source id": cause.source})
        rows.append(row)
    return pd.DataFrame(rows)


def findings_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per finding: id, label, group, type, values or range, meaning, origin, why added, use."""
    ranked = set(kb.tables)
    readers: dict[str, list[str]] = {}
    for compiled in (*kb.red_flags, *kb.workup_rules):
        for fid in sorted(compiled.reads):
            readers.setdefault(fid, []).append(compiled.rule.id)
    rows = []
    for fid, f in kb.findings.items():
        rows.append({
            "label": f.label,
            "id": fid,
            "group": f.group,
            "type": f.type,
            "values or range": _values_text(f),
            "bins": " | ".join(b.label for b in f.bins or ()),
            "origin": f.origin,
            "why added": f.why_added,
            "meaning": f.meaning,
            "question": f.question,
            "used by ranking": fid in ranked or fid == "age_years",
            "read by rules": ", ".join(readers.get(fid, [])),
        })
    return pd.DataFrame(rows)


def likelihoods_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per (cause, finding, value): P(value | cause) as the engine uses it, and its entry.

    `from` says whether the cause has its own entry for the finding or inherits the background
    (the 'other' cause always does); `as written` says how the figure came from the entry:
    given, 1 − P(yes), or the share left over by the listed values (then scaled with the floor).
    """
    rows = []
    for fid, table in kb.tables.items():
        finding = kb.findings[fid]
        for cid in kb.cause_ids:
            entry, is_own = kb.entry_for(cid, fid)
            for category in table.categories:
                if entry.p is not None:
                    written = f"P(yes) = {entry.p:g}" if category == "true" else f"1 − P(yes) = {1 - entry.p:.4g}"
                elif entry.values and category in entry.values:
                    written = f"given {entry.values[category]:g}"
                else:
                    written = "share of the rest"
                rows.append({
                    "cause": kb.causes[cid].name,
                    "finding": finding.label,
                    "value": _value_label(finding, category),
                    "P(value | cause)": kb.likelihood(cid, fid, category),
                    "from": OWN if is_own else BACKGROUND,
                    "as written": written,
                    **_provenance(kb, entry),
                    "cause id": cid,
                    "finding id": fid,
                    "source id": entry.source,
                })
    return pd.DataFrame(rows)


def likelihood_entries_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per likelihood entry as written in likelihoods.yaml (background entries included)."""
    rows = []
    for (owner, fid), like in kb.likelihoods.items():
        given = f"P(yes) = {like.p:g}" if like.p is not None else "; ".join(f"{k}: {v:g}" for k, v in (like.values or {}).items())
        rows.append({
            "owner": owner if owner == BACKGROUND else kb.causes[owner].name,
            "finding": kb.findings[fid].label,
            "given": given,
            **_provenance(kb, like),
            "owner id": owner,
            "finding id": fid,
            "source id": like.source,
        })
    return pd.DataFrame(rows)


def red_flags_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per red-flag rule, then one per can't-miss alarm: id, level, message, action, within, readable
    condition, what the card says instead for some patients, provenance."""
    rows = []
    for compiled in kb.red_flags:
        r = compiled.rule
        rows.append({
            "id": r.id,
            "level": r.level,
            "message": r.message,
            "condition": condition_text(r.when),
            "action": r.action,
            "within": r.within,
            "instead, for some patients": " · ".join(_variant_text(kb, v) for v in r.variants),
            **_provenance(kb, r),
            "reads": ", ".join(compiled.reads_sorted),
            "source id": r.source,
        })
    # the can't-miss alarms are red flags too (ids alarm_<cause>): the ranking, not a condition, fires them
    for a in kb.alarms:
        alarm = a.alarm
        rows.append({
            "id": a.flag_id,
            "level": alarm.level,
            "message": f"Can't-miss alarm: the ranking estimates {kb.causes[a.cause].name} at {alarm.threshold:.0%} or more.",
            "condition": (f"estimated probability of {a.cause} ≥ {alarm.threshold:g}, and the findings multiply its "
                          f"prior odds for the age band by at least {alarm.min_odds_ratio:g} (its do-not list holds from "
                          f"the threshold alone)"),
            "action": alarm.action,
            "within": "",
            "instead, for some patients": " · ".join(_variant_text(kb, v) for v in alarm.variants),
            **_provenance(kb, alarm),
            "reads": "the ranking",
            "source id": alarm.source,
        })
    return pd.DataFrame(rows)


def _variant_text(kb: knowledge.Knowledge, variant: Any) -> str:
    """A card's action variant in one line: when it applies, what the card then says, and its source."""
    within = f" Within: {variant.within}." if variant.within else ""
    return f"If {condition_text(variant.when)}: {variant.action}{within} ({kb.source_label(variant.source)})"


def workup_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per step (and per 'do not') of every workup rule, in the rule's order."""
    rows = []
    for compiled in kb.workup_rules:
        r = compiled.rule
        items = [("step", s) for s in r.steps] + [("do not", a) for a in r.avoid]
        for n, (kind, s) in enumerate(items, start=1):
            to = getattr(s, "to", None)
            phase = getattr(s, "phase", None)
            rows.append({
                "rule": r.id,
                "#": n,
                "kind": kind,
                "step": kb.step_labels.get(s.step, s.step),
                "to": kb.referral_targets.get(to, to) if to else "",
                "timing": getattr(s, "timing", ""),
                "within": getattr(s, "within", ""),
                "rationale": s.rationale,
                **_provenance(kb, s),
                "condition": condition_text(r.when) + (
                    f" · and the plan refers to {kb.referral_targets[r.with_referral_to]}" if r.with_referral_to else "") + (
                    f" · this step only if {condition_text(s.when)}" if getattr(s, "when", None) is not None else ""),
                "fallback": r.fallback,
                "phase": (phase if phase is not None else kb.step_phase[s.step]) if kind == "step" else None,
                "step id": s.step,
                "source id": s.source,
            })
    frame = pd.DataFrame(rows)
    frame["phase"] = frame["phase"].astype("Int64")
    return frame


def definitions_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per named condition of definitions.yaml: readable form, YAML, and who uses it."""
    users: dict[str, list[str]] = {}
    for name, cond in kb.definitions.items():
        for ref in refs_used(cond, {}):
            users.setdefault(ref, []).append(f"[{name}]")
    for compiled in (*kb.red_flags, *kb.workup_rules):
        for ref in refs_used(compiled.rule.when, {}):
            users.setdefault(ref, []).append(compiled.rule.id)
    rows = [
        {
            "name": name,
            "condition": condition_text(cond),
            "used by": ", ".join(users.get(name, [])),
            "yaml": condition_yaml(cond).replace("\n", " "),
        }
        for name, cond in kb.definitions.items()
    ]
    return pd.DataFrame(rows)


def _citations(kb: knowledge.Knowledge) -> dict[str, int]:
    count: dict[str, int] = {}

    def cite(items: Iterable[Any]) -> None:
        for item in items:
            count[item.source] = count.get(item.source, 0) + 1

    cite(kb.causes.values())
    cite(kb.likelihoods.values())
    cite(c.rule for c in kb.red_flags)
    for c in kb.workup_rules:
        cite(c.rule.steps)
        cite(c.rule.avoid)
    return count


def sources_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per source of the registry: label, authors or publisher, title, year, kind, link, use."""
    cited = _citations(kb)
    rows = []
    for sid, s in kb.sources.items():
        rows.append({
            "label": s.label,
            "link": source_link(s),
            "year": str(s.year) if s.year else "",  # text: a missing year shows blank, not NaN
            "kind": s.kind.replace("_", " "),
            "authors / publisher": s.authors or s.publisher,
            "title": s.title,
            "read note": s.read_note,
            "brief ref": s.brief_ref,
            "cited by": cited.get(sid, 0),
            "doi": s.doi or "",
            "pmid": s.pmid or "",
            "id": sid,
        })
    return pd.DataFrame(rows)


def group_weight(m: int, r: float) -> float:
    """The weight each of m entered findings of a correlated group counts with: 1 / (1 + (m - 1) r)."""
    return 1.0 / (1.0 + (m - 1) * r)


GROUP_WEIGHTS = "each counts (m entered: weight)"
"""The column of a group's weights by how many of its findings are entered."""


def group_weights_text(size: int, r: float) -> str:
    """Each finding's weight for 1 to `size` findings entered: '1: 1 · 2: 0.67 · 3: 0.5'."""
    return " · ".join(f"{m}: {group_weight(m, r):.2g}" for m in range(1, size + 1))


STATE_BY_AGE = "share by age"
"""The column of a state's share of its cause in each age band (model.yaml `weight_by_age`)."""


def _shares_by_age(kb: knowledge.Knowledge, by_age: dict[str, float] | None) -> str:
    """'under 1 year 0.1% · ... · 60 years and over 3%', or 'the same at every age'."""
    if by_age is None:
        return "the same at every age"
    return " · ".join(f"{band.label} {100 * by_age[band.id]:g}%" for band in kb.age_bands)


def states_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per state of every cause that is a mixture of states (model.yaml): the cause, the
    state's name and share of the cause (across all ages, and by age band where it changes with age),
    the findings where its likelihoods differ from the cause's
    own entries, and the state's source and note."""
    rows = []
    for cid, states in kb.states.states.items():
        for sid, state in states:
            rows.append({
                "cause": kb.causes[cid].name,
                "state": state.name,
                "share %": round(100 * state.weight, 2),
                STATE_BY_AGE: _shares_by_age(kb, state.weight_by_age),
                **_provenance(kb, state),
                "differs on": ", ".join(kb.findings[fid].label for fid in state.likelihoods) or "nothing: the cause's own entries",
                "cause id": cid,
                "state id": sid,
                "source id": state.source,
            })
    return pd.DataFrame(rows, columns=["cause", "state", "share %", STATE_BY_AGE, *SOURCE_COLUMNS[:3], "differs on",
                                       "cause id", "state id", "source id"])


def groups_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """One row per group of correlated findings (model.yaml): its findings, the assumed pairwise
    correlation r, each finding's weight by how many of the group are entered, source and note."""
    rows = []
    for gid, group in kb.groups.items():
        rows.append({
            "group": gid.replace("_", " "),
            "findings": ", ".join(kb.findings[fid].label for fid in group.findings),
            "r": group.correlation,
            GROUP_WEIGHTS: group_weights_text(len(group.findings), group.correlation),
            **_provenance(kb, group),
            "finding ids": ", ".join(group.findings),
            "id": gid,
            "source id": group.source,
        })
    columns = ["group", "findings", "r", GROUP_WEIGHTS, *SOURCE_COLUMNS[:3], "finding ids", "id", "source id"]
    return pd.DataFrame(rows, columns=columns)


def counts_table(kb: knowledge.Knowledge) -> pd.DataFrame:
    """How many entries of each kind there are, and how many are the project's estimates."""
    def row(kind: str, items: list[Any]) -> dict[str, Any]:
        estimates = sum(1 for i in items if i.source == ESTIMATE)
        return {"entries": kind, "count": len(items), "estimates": estimates,
                "estimates %": round(100 * estimates / len(items)) if items else 0}

    steps = [s for c in kb.workup_rules for s in (*c.rule.steps, *c.rule.avoid)]
    states = [state for pairs in kb.states.states.values() for _, state in pairs]
    return pd.DataFrame([
        row("cause priors", list(kb.causes.values())),
        row("likelihood entries", list(kb.likelihoods.values())),
        row("cause states (their shares)", states),
        row("state likelihood entries", [x for state in states for x in state.likelihoods.values()]),
        row("correlated groups", list(kb.groups.values())),
        row("red-flag rules", [c.rule for c in kb.red_flags]),
        row("can't-miss alarms", [a.alarm for a in kb.alarms]),
        row(f"workup steps and 'do not's ({len(kb.workup_rules)} rules)", steps),
    ])


@dataclass(frozen=True)
class Tables:
    """Every table of the knowledge page, built once per knowledge version."""

    version: str
    counts: pd.DataFrame
    causes: pd.DataFrame
    findings: pd.DataFrame
    likelihoods: pd.DataFrame
    likelihood_entries: pd.DataFrame
    red_flags: pd.DataFrame
    workup: pd.DataFrame
    definitions: pd.DataFrame
    sources: pd.DataFrame
    states: pd.DataFrame
    groups: pd.DataFrame


def build_all(kb: knowledge.Knowledge) -> Tables:
    """All the tables of one knowledge."""
    return Tables(
        version=kb.version,
        counts=counts_table(kb),
        causes=causes_table(kb),
        findings=findings_table(kb),
        likelihoods=likelihoods_table(kb),
        likelihood_entries=likelihood_entries_table(kb),
        red_flags=red_flags_table(kb),
        workup=workup_table(kb),
        definitions=definitions_table(kb),
        sources=sources_table(kb),
        states=states_table(kb),
        groups=groups_table(kb),
    )


# --- filtering -------------------------------------------------------------------------------------


def filter_rows(frame: pd.DataFrame, text: str = "", *, only_estimates: bool = False) -> pd.DataFrame:
    """The rows holding `text` (any text column, case-insensitive); only estimates if asked.

    A table without an `estimate` column (findings, definitions, sources) holds no estimates, so
    it is empty when only estimates are asked for.
    """
    out = frame
    if only_estimates:
        out = out[out["estimate"]] if "estimate" in out.columns else out.iloc[0:0]
    needle = text.strip()
    if needle and len(out):
        text_cols = [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
        mask = pd.Series(False, index=out.index)
        for col in text_cols:
            mask |= out[col].astype(str).str.contains(needle, case=False, regex=False, na=False)
        out = out[mask]
    return out
