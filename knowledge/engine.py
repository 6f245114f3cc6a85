"""The reasoning: ranking, red flags, triage, workup, explanation and next best question.

`assess(case)` is pure: no I/O, no Streamlit, no clock. It runs in well under a millisecond.

Ranking. log posterior(cause) = log prior(cause | age band) + sum over EXAMINED findings of
log P(value | cause), normalised to probabilities. A finding that was not examined contributes
nothing. Likelihoods never fall below 0.01 (see loader.FLOOR).

Explanation. For each cause and each entered finding, the likelihood ratio of that value under
the cause against under all other causes together (weighted by the age-band prior). Above 1 it
raised the cause, below 1 it lowered it.

Next best question: see knowledge/questions.py.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.case import Case, parse_case
from knowledge.conditions import CANT_MISS, Context
from knowledge.loader import Knowledge, load_knowledge
from knowledge.questions import next_questions
from knowledge.result import Contribution, DoNot, Group, PlanStep, Question, RedFlag, SafetyEffect, SafetyQuestion, quick_init

LEVEL_RANK = {"emergency": 2, "urgent": 1, "warning": 0}
TRIAGE_OF_RANK = {2: "emergency", 1: "urgent", 0: "routine"}
TRIAGE_LEVELS = tuple(TRIAGE_OF_RANK[rank] for rank in sorted(TRIAGE_OF_RANK))
"""The triage levels, lowest first (the one triage order of the project)."""
TIMING_RANK = {"immediate": 0, "urgent": 1, "routine": 2}
GROUPS = ("immediate", "urgent", "routine", "after_emergency")
"""The plan's groups, in the order they are shown and done."""
GROUP_RANK = {g: i for i, g in enumerate(GROUPS)}
DEFERRED_BECAUSE = ("An emergency flag has fired: this step would delay the emergency pathway. "
                    "Do it after the emergency is dealt with, if it is still needed.")
EXPLAIN_MIN_LR = 1.1
"""A finding whose likelihood ratio for a cause lies within [1/1.1, 1.1] is not listed as moving it."""
DISCLAIMER = (
    "Estimates for clinicians from a small published base, not a diagnosis. "
    "Red flags and workup follow the cited guidelines."
)


@quick_init
@dataclass(frozen=True)
class Assessment:  # frozen; cached_property writes its cache to __dict__, which frozen allows
    """The result of `assess`: ranking, red flags, triage, workup and the reasoning behind them."""

    knowledge_version: str
    case: Case
    age_band: str | None
    cause_ids: tuple[str, ...]
    probabilities: tuple[float, ...]
    """In `cause_ids` order, sorted most probable first."""
    triage: str
    red_flags: tuple[RedFlag, ...]
    """Most severe first."""
    workup: tuple[PlanStep, ...]
    """The plan, in the order to do it (its groups of urgency in order)."""
    avoid: tuple[DoNot, ...]
    """The do-not list: never in the plan."""
    next_questions: tuple[Question, ...]
    unknown_findings: tuple[str, ...]
    workup_rules_fired: tuple[str, ...]
    """Ids of the workup rules whose condition held (fallbacks only when they were used)."""
    _contrib_findings: tuple[str, ...] = field(repr=False)
    _contrib: np.ndarray = field(repr=False)
    """Log likelihood ratios, one row per entered finding, one column per cause (knowledge order)."""
    _knowledge: Knowledge = field(repr=False)
    _fired_ids: frozenset[str] = field(repr=False, default=frozenset())
    _probs_by_id: Mapping[str, float] = field(repr=False, default_factory=dict)
    _memo: Mapping[str, bool] = field(repr=False, default_factory=dict)
    """The named conditions already evaluated for this case (the safety search reuses those an answer cannot change)."""
    _state_probs: np.ndarray | None = field(repr=False, default=None)
    """The posterior of every state column (knowledge order: `Knowledge.states`)."""

    @functools.cached_property
    def safety_questions(self) -> tuple[SafetyQuestion, ...]:
        """For each unexamined finding whose answer alone would fire an emergency or urgent rule, or
        clear one that counted it as possibly present: which rules, with which answer. Most decisive
        first. Computed on first use (it tries every answer), so `assess` itself stays fast."""
        return _safety_questions(self._knowledge, self.case.findings, self._probs_by_id, self._fired_ids, self._memo)

    @property
    def unasked_red_flag_findings(self) -> tuple[str, ...]:
        """The findings of `safety_questions`, most decisive first."""
        return tuple(q.finding for q in self.safety_questions)

    @property
    def causes(self) -> list[dict[str, Any]]:
        """Every cause, most probable first, with its display name and can't-miss mark."""
        k = self._knowledge
        out = []
        for cid, p in zip(self.cause_ids, self.probabilities, strict=True):
            item: dict[str, Any] = {"id": cid, "name": k.causes[cid].name, "probability": round(p, 6),
                                    "cant_miss": k.causes[cid].cant_miss}
            state = self.state_of(cid) if cid in k.states.states else None
            if state is not None:
                item["state"] = state[0]
                item["state_share"] = round(state[1], 4)
            out.append(item)
        return out

    def state_of(self, cause_id: str) -> tuple[str, float] | None:
        """For a cause with states (model.yaml): the name of the state that explains most of it and that
        state's share of the cause's probability; None for a cause without states."""
        k = self._knowledge
        j = k.cause_ids.index(cause_id)
        cols = np.flatnonzero(k.states.cause_index == j)
        if len(cols) < 2 or self._state_probs is None:
            return None
        part = self._state_probs[cols]
        total = float(part.sum())
        best = int(np.argmax(part))
        share = float(part[best]) / total if total > 0 else float(k.states.weights[cols[best]])
        return k.states.names[int(cols[best])], share

    def probability(self, cause_id: str) -> float:
        """The estimated probability of one cause."""
        return self.probabilities[self.cause_ids.index(cause_id)]

    def _split(self, column: np.ndarray) -> tuple[list[int], list[int]]:
        """Strictly private: rows of a cause's (rounded) likelihood ratios that raised it and lowered it,
        strongest first."""
        up = sorted(np.flatnonzero(column >= EXPLAIN_MIN_LR).tolist(), key=lambda i: -column[i])
        down = sorted(np.flatnonzero(column <= 1 / EXPLAIN_MIN_LR).tolist(), key=lambda i: column[i])
        return up, down

    def _ratios(self) -> np.ndarray:
        """Strictly private: likelihood ratios (rows: entered findings; columns: knowledge causes), rounded."""
        return np.exp(self._contrib).round(3)

    def explanation(self, cause_id: str) -> dict[str, list[Contribution]]:
        """The entered findings that raised and lowered a cause, strongest first."""
        column = self._ratios()[:, self._knowledge.cause_ids.index(cause_id)]
        up, down = self._split(column)
        findings = self._contrib_findings

        def items(rows: list[int]) -> list[Contribution]:
            return [Contribution(findings[i], self.case[findings[i]], float(column[i])) for i in rows]

        return {"raised": items(up), "lowered": items(down)}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the spec's contract fields first, then the extra ones."""
        k = self._knowledge
        lrs = self._ratios()
        findings = self._contrib_findings
        case = self.case
        explanations = {}
        for cid in self.cause_ids:
            column = lrs[:, k.cause_ids.index(cid)]
            up, down = self._split(column)
            explanations[cid] = {
                "raised": [{"finding": findings[i], "value": case[findings[i]], "likelihood_ratio": float(column[i])} for i in up],
                "lowered": [{"finding": findings[i], "value": case[findings[i]], "likelihood_ratio": float(column[i])} for i in down],
            }
        return {
            "knowledge_version": self.knowledge_version,
            "causes": self.causes,
            "triage": self.triage,
            "red_flags": [f.to_dict() for f in self.red_flags],
            "workup": [w.to_dict() for w in self.workup],
            "avoid": [a.to_dict() for a in self.avoid],
            "age_band": self.age_band,
            "explanations": explanations,
            "next_questions": [q.to_dict() for q in self.next_questions],
            "unknown_findings": list(self.unknown_findings),
            "unasked_red_flag_findings": list(self.unasked_red_flag_findings),
            "safety_questions": [q.to_dict() for q in self.safety_questions],
            "do_not": [a.to_dict() for a in self.avoid],
            "workup_rules_fired": list(self.workup_rules_fired),
            "disclaimer": DISCLAIMER,
        }


def _do_not_item(k: Knowledge, a: Any, origin: str, kind: Any) -> DoNot:
    return DoNot(a.step, a.rationale, k.source_label(a.source), a.source, origin, kind, a.note)


def _workup(k: Knowledge, ctx: Context, do_not: dict[str, DoNot], emergency: bool, known_mask: int,
            ) -> tuple[tuple[PlanStep, ...], tuple[DoNot, ...], tuple[str, ...]]:
    """The plan in groups of urgency, the do-not list, and the ids of the workup rules that fired.

    `do_not` arrives with the red flags' and alarms' items; workup rules add theirs. A step on the
    do-not list never enters the plan, however many rules ask for it.
    """
    chosen: dict[tuple[str, str | None], list[Any]] = {}
    fallbacks = []
    fired: list[str] = []
    for order, compiled in enumerate(k.workup_rules):
        need = compiled.needs_mask
        if need & known_mask != need or not compiled.test(ctx):
            continue
        rule = compiled.rule
        if rule.fallback:
            fallbacks.append((order, rule))
            continue
        fired.append(rule.id)
        for s in rule.steps:
            _add_step(k, chosen, order, rule, s)
        for a in rule.avoid:
            do_not.setdefault(a.step, _do_not_item(k, a, rule.id, "workup"))
    kept = {key: v for key, v in chosen.items() if key[0] not in do_not}
    if not kept:
        for order, rule in fallbacks:
            fired.append(rule.id)
            for s in rule.steps:
                if s.step not in do_not:
                    _add_step(k, kept, order, rule, s)
    ranked = []
    for (timing_rank, phase, order), (s, rule_id), on_emergency_path in kept.values():
        deferred = emergency and not on_emergency_path and s.timing != "immediate"
        group: Group = "after_emergency" if deferred else s.timing
        item = PlanStep(s.step, s.timing, s.within, s.rationale, k.source_label(s.source), s.source, rule_id, group,
                        s.to, DEFERRED_BECAUSE if deferred else None)
        ranked.append(((GROUP_RANK[group], phase, timing_rank, order), item))
    ranked.sort(key=lambda v: v[0])
    return tuple(item for _, item in ranked), tuple(do_not.values()), tuple(fired)


def _add_step(k: Knowledge, chosen: dict, order: int, rule: Any, s: Any) -> None:
    """Keep one entry per (step, target): the most urgent (then earliest-phase) request wins; a step
    asked for by any emergency pathway stays on the emergency path."""
    phase = s.phase if s.phase is not None else k.step_phase[s.step]
    key = (s.step, s.to)
    rank = (TIMING_RANK[s.timing], phase, order)
    item = (s, rule.id)
    old = chosen.get(key)
    if old is None:
        chosen[key] = [rank, item, rule.emergency]
        return
    if rank[:2] < old[0][:2]:
        old[0], old[1] = rank, item
    old[2] = old[2] or rule.emergency


def _safety_questions(k: Knowledge, values: Mapping[str, Any], probs_by_id: Mapping[str, float],
                      fired_ids: frozenset[str], base_memo: Mapping[str, bool] | None = None) -> tuple[SafetyQuestion, ...]:
    """Unexamined findings whose answer alone would fire an emergency or urgent rule that has not
    fired, or clear one that has (a rule that counts an unknown as possibly present), found by
    trying each answer. Most decisive first: emergency before urgent, fire before clear.

    One trial context per (finding, answer) serves every safety rule that reads the finding, so the
    named conditions they share are evaluated once per trial."""
    found: list[tuple[tuple[int, int, int, int], SafetyQuestion]] = []
    known = values.keys()
    bit = k.finding_bit
    unknown_mask = ~_known_mask(k, values)
    base = base_memo or {}
    for fid, rules in k.safety_rules_by_finding.items():
        if fid in values:
            continue
        live = []
        own = bit[fid]
        for compiled in rules:
            missing = compiled.needs_mask & unknown_mask
            if not missing or missing == own:
                live.append((compiled, compiled.rule.id in fired_ids))
        if not live:
            continue
        effects: dict[str, tuple[SafetyEffect, int]] = {}
        trial = dict(values)
        # named conditions that do not read this finding keep their value whatever the answer
        seed = dict(base)
        for name in k.refs_reading.get(fid, ()):
            seed.pop(name, None)
        for answer in k.trial_values[fid]:
            trial[fid] = answer
            ctx = Context(trial, probs_by_id)
            ctx.memo = seed.copy()
            for compiled, is_fired in live:
                rid = compiled.rule.id
                if rid in effects:
                    continue
                # with fid answered every needed finding is known (the `live` filter), so test directly
                now = compiled.test(ctx)
                if now != is_fired:
                    effect = SafetyEffect(rid, compiled.rule.level, "clear" if is_fired else "fire", answer)
                    effects[rid] = (effect, len(compiled.reads & known))
        if effects:
            f = k.findings[fid]
            ranked = sorted(effects.values(), key=lambda e: (_effect_rank(e[0]), -e[1]))
            best = _effect_rank(ranked[0][0])
            engaged = max(n for e, n in ranked if _effect_rank(e) == best)
            question = SafetyQuestion(fid, f.label, f.question or f.meaning, tuple(e for e, _ in ranked))
            found.append(((best, -engaged, -len(ranked), k.finding_order[fid]), question))
    # most decisive first: the strongest effect (emergency before urgent, firing before clearing),
    # then the rules most engaged with what is already entered, then how many rules it decides
    found.sort(key=lambda v: v[0])
    return tuple(q for _, q in found)


def _known_mask(k: Knowledge, values: Mapping[str, Any]) -> int:
    """The entered findings as bits of `Knowledge.finding_bit` (a rule runs when its `needs_mask` is inside)."""
    mask = 0
    bit = k.finding_bit
    for fid in values:
        mask |= bit[fid]
    return mask


def _effect_rank(e: SafetyEffect) -> int:
    return (0 if e.level == "emergency" else 2) + (0 if e.effect == "fire" else 1)


def _group_weights(group_of: Mapping[str, tuple[int, float]], entered: list[str]) -> dict[str, float]:
    """The weight of each entered finding of a correlated group: 1 / (1 + (m - 1) r) with m the group's
    entered findings and r its correlation (model.yaml); findings outside groups are left out (weight 1)."""
    if not group_of:
        return {}
    members: dict[int, list[str]] = {}
    corr: dict[int, float] = {}
    for fid in entered:
        g = group_of.get(fid)
        if g is not None:
            members.setdefault(g[0], []).append(fid)
            corr[g[0]] = g[1]
    out: dict[str, float] = {}
    for gi, fids in members.items():
        if len(fids) > 1:
            w = 1.0 / (1.0 + (len(fids) - 1) * corr[gi])
            for fid in fids:
                out[fid] = w
    return out


def assess(case: Case | Mapping[str, Any], knowledge: Knowledge | None = None) -> Assessment:
    """Assess one case: rank the causes, fire red flags, set triage, build the workup path.

    Raises CaseError (listing every problem) if the case breaks the vocabulary.
    """
    k = knowledge or load_knowledge()
    case = parse_case(case, k)
    values = case.findings

    age = values.get("age_years")
    band = k.band_index(age)
    sm = k.states
    tables = k.tables
    start = sm.row_start
    entered = [fid for fid in values if fid in start]
    # one row of the stacked tables per entered finding; a correlated group's rows are damped (model.yaml)
    rows = [start[fid] + tables[fid].row_of(values[fid]) for fid in entered]
    weights = _group_weights(k.group_of, entered)
    if weights:
        w = np.array([weights.get(fid, 1.0) for fid in entered])
        logpost = sm.log_prior[band] + w @ sm.stacked[rows]
        llrows = w[:, None] * sm.cause_stacked[rows]
    elif rows:
        logpost = sm.log_prior[band] + sm.stacked[rows].sum(axis=0)
        llrows = sm.cause_stacked[rows]
    else:
        logpost = sm.log_prior[band].copy()
        llrows = None
    logpost -= logpost.max()
    state_probs = np.exp(logpost)
    state_probs /= state_probs.sum()
    probs = np.bincount(sm.cause_index, weights=state_probs, minlength=len(k.cause_ids))

    probs_list = probs.tolist()
    probs_by_id = dict(zip(k.cause_ids, probs_list, strict=True))
    probs_by_id[CANT_MISS] = float(probs[k.cant_miss].sum())

    # explanation: LR of each entered value for each cause against the prior-weighted rest
    if llrows is not None:
        lin = np.exp(llrows)
        prior = k.prior[band]
        rest = ((lin @ prior)[:, None] - lin * prior) / (1 - prior)
        contrib = llrows - np.log(rest)
    else:
        contrib = np.empty((0, len(k.cause_ids)))

    # red flags and triage
    ctx = Context(values, probs_by_id)
    fired: list[RedFlag] = []
    do_not: dict[str, DoNot] = {}
    top = 0
    known_mask = _known_mask(k, values)
    for compiled in k.red_flags:
        need = compiled.needs_mask
        if need & known_mask == need and compiled.test(ctx):
            r = compiled.rule
            fired.append(RedFlag(r.id, r.level, r.message, r.action, r.within, k.source_label(r.source), r.source, r.note))
            top = max(top, LEVEL_RANK[r.level])
            for a in r.do_not:
                do_not.setdefault(a.step, _do_not_item(k, a, r.id, "red_flag"))
    # the ranking feeds safety: a can't-miss cause at or above its threshold raises its own flag
    prior_row = k.prior[band]
    for j, cid, alarm in k.alarms:
        p = probs_list[j]
        if p < alarm.threshold:
            continue
        p0 = float(prior_row[j])
        if p < 1 and (p / (1 - p)) < alarm.min_odds_ratio * (p0 / (1 - p0)):
            continue  # the age band, not the findings, makes it likely: the marker rules own that case
        name = k.causes[cid].name
        fired.append(RedFlag(f"alarm_{cid}", alarm.level,
                             f"The ranking estimates {name} at {p:.0%} (alarm threshold {alarm.threshold:.0%}): "
                             "a can't-miss cause this likely needs acting on.",
                             alarm.action, "", k.source_label(alarm.source), alarm.source, alarm.note,
                             cid, round(p, 4), alarm.threshold))
        top = max(top, LEVEL_RANK[alarm.level])
        for a in alarm.do_not:
            do_not.setdefault(a.step, _do_not_item(k, a, f"alarm_{cid}", "cant_miss"))
    fired.sort(key=lambda f: -LEVEL_RANK[f.level])
    fired_ids = frozenset(f.id for f in fired)

    workup, avoid, workup_fired = _workup(k, ctx, do_not, top == LEVEL_RANK["emergency"], known_mask)

    # most probable first; equal estimates keep the knowledge's order (Python's sort is stable)
    order = sorted(range(len(probs_list)), key=probs_list.__getitem__, reverse=True)
    return Assessment(
        knowledge_version=k.version,
        case=case,
        age_band=k.age_bands[band].id if band < len(k.age_bands) else None,
        cause_ids=tuple([k.cause_ids[i] for i in order]),
        probabilities=tuple([probs_list[i] for i in order]),
        triage=TRIAGE_OF_RANK[top],
        red_flags=tuple(fired),
        workup=workup,
        avoid=avoid,
        next_questions=next_questions(k, probs, values),
        unknown_findings=tuple([fid for fid in k.findings if fid not in values]),
        _fired_ids=fired_ids,
        _probs_by_id=probs_by_id,
        _memo=ctx.memo,
        workup_rules_fired=workup_fired,
        _contrib_findings=tuple(entered),
        _contrib=contrib,
        _knowledge=k,
        _state_probs=state_probs,
    )
