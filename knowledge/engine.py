"""The reasoning: ranking, red flags, triage, workup, explanation and next best question.

`assess(case)` is pure: no I/O, no Streamlit, no clock. It runs in well under a millisecond.

Ranking. log posterior(cause) = log prior(cause | age band) + sum over EXAMINED findings of
log P(value | cause), normalised to probabilities. A finding that was not examined contributes
nothing. Likelihoods never fall below 0.01 (see loader.FLOOR).

Explanation. For each cause and each entered finding, the likelihood ratio of that value under
the cause against under all other causes together (weighted by the age-band prior). Above 1 it
raised the cause, below 1 it lowered it.

Next best question: see knowledge/questions.py.

`assess` computes what the triage and the plan need (the ranking, red flags, workup). The views built
from it, the next questions, the explanation and the not-yet-asked safety search, are computed on first
use and kept on the Assessment, so a caller pays only for what it shows (`make bench` times both).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

import numpy as np

from knowledge.case import Case, parse_case
from knowledge.conditions import CANT_MISS, TOP, Context, Predicate
from knowledge.loader import Knowledge, load_knowledge
from knowledge.questions import next_questions
from knowledge.result import (
    LEVEL_RANK,
    TIMING_RANK,
    AlsoAsked,
    Contribution,
    DoNot,
    NumberRange,
    PlanStep,
    Question,
    RedFlag,
    SafetyEffect,
    SafetyQuestion,
    quick_init,
    waits_on_held_back,
)

TRIAGE_OF_RANK = {2: "emergency", 1: "urgent", 0: "routine"}
TRIAGE_LEVELS = tuple(TRIAGE_OF_RANK[rank] for rank in sorted(TRIAGE_OF_RANK))
"""The triage levels, lowest first (the one triage order of the project)."""
GROUPS = ("immediate", "urgent", "routine", "after_emergency")
"""The plan's groups, in the order they are shown and done."""
GROUP_RANK = {g: i for i, g in enumerate(GROUPS)}
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
    workup_rules_fired: tuple[str, ...]
    """Ids of the workup rules whose condition held (fallbacks only when they were used)."""
    _contrib_findings: tuple[str, ...] = field(repr=False)
    """The entered findings the ranking used, in the order of their rows in `_contrib`."""
    _rows: list[int] = field(repr=False)
    """Their rows in the stacked likelihood tables (`StateModel.row_start`)."""
    _row_weights: list[float] | None = field(repr=False)
    """Their weights when a correlated group damps them (None: all 1)."""
    _band: int = field(repr=False)
    """The row of `Knowledge.prior` used (the age band, or age not entered)."""
    _probs: np.ndarray = field(repr=False)
    """The causes' probabilities in knowledge order."""
    _knowledge: Knowledge = field(repr=False)
    _state_probs: np.ndarray = field(repr=False)
    """The posterior of every state column (knowledge order: `Knowledge.states`); summed by cause it is `_probs`."""
    _probs_by_id: Mapping[str, float] = field(repr=False, default_factory=dict)
    _memo: Mapping[str, bool] = field(repr=False, default_factory=dict)
    """The named conditions already evaluated for this case (the safety search reuses those an answer cannot change)."""

    # What follows is derived from the fields above on first use and then kept: `assess` computes what
    # triage and the plan need, and each view (the next questions, the explanation, the safety search)
    # costs its time only when something shows it.

    @functools.cached_property
    def next_questions(self) -> tuple[Question, ...]:
        """The best unexamined findings to ask next (knowledge/questions.py), best first."""
        return next_questions(self._knowledge, self._probs, self._state_mix, self.case.findings,
                              self._probs_by_id[CANT_MISS])

    @functools.cached_property
    def unknown_findings(self) -> tuple[str, ...]:
        """The findings not examined, in knowledge order."""
        values = self.case.findings
        return tuple([fid for fid in self._knowledge.findings if fid not in values])

    @functools.cached_property
    def _contrib(self) -> np.ndarray:
        """Log likelihood ratios, one row per entered finding, one column per cause (knowledge order):
        each entered value under the cause against under all the other causes together, weighted by the
        age band's prior (damped like the ranking when a correlated group damps it).

        A cause with states counts each value under its states in the shares the whole case gives them
        (the posterior), not in the states' shares across all ages: a case that is all one state is
        explained by that state's likelihoods (`_state_mix`)."""
        k = self._knowledge
        if not self._rows:
            return np.empty((0, len(k.cause_ids)))
        llrows = k.states.stacked.take(self._rows, axis=0)
        if self._row_weights is not None:
            llrows = np.array(self._row_weights)[:, None] * llrows
        mix = self._state_mix
        lin = np.exp(llrows) @ mix
        prior = k.prior[self._band]
        rest = ((lin @ prior)[:, None] - lin * prior) / (1 - prior)
        return np.log(lin) - np.log(rest)

    @functools.cached_property
    def _state_mix(self) -> np.ndarray:
        """Rows: the state columns; columns: the causes (knowledge order). Each state's share of its cause
        given the whole case (its posterior over its cause's), in its cause's column: P(value | cause, this
        case) is a row of state likelihoods times this matrix. A cause whose probability is zero to the
        machine's precision takes its states' shares in the age band's prior."""
        k = self._knowledge
        sm = k.states
        index = sm.cause_index
        n_causes = len(k.cause_ids)
        cause_p = self._probs[index]
        share = np.divide(self._state_probs, cause_p, out=np.zeros_like(cause_p), where=cause_p > 0)
        if not cause_p.all():
            band_p = np.exp(sm.log_prior[self._band])
            band_share = band_p / np.bincount(index, weights=band_p, minlength=n_causes)[index]
            share = np.where(cause_p > 0, share, band_share)
        mix = np.zeros((len(index), n_causes))
        mix[np.arange(len(index)), index] = share
        return mix

    @functools.cached_property
    def safety_questions(self) -> tuple[SafetyQuestion, ...]:
        """For each unexamined finding whose answer alone would fire an emergency or urgent rule, or
        clear one that counted it as possibly present: which rules, with which answer. Most decisive
        first. Computed on first use (it tries every answer), so `assess` itself stays fast."""
        fired_ids = frozenset(f.id for f in self.red_flags)
        return _safety_questions(self._knowledge, self.case.findings, self._probs_by_id, fired_ids, self._memo)

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
            state = self.state_of(cid)
            if state is not None:
                item["state"] = state[0]
                item["state_share"] = round(state[1], 4)
            out.append(item)
        return out

    def state_of(self, cause_id: str) -> tuple[str, float] | None:
        """For a cause with states (model.yaml): the name of the state that explains most of it and that
        state's share of the cause's probability; None for a cause without states."""
        sm = self._knowledge.states
        cols = sm.columns_of.get(cause_id)
        if cols is None:
            return None
        state_probs = self._state_probs_list
        part = [state_probs[c] for c in cols]
        total = sum(part)
        best = max(range(len(part)), key=part.__getitem__)  # the first of equal shares, as argmax
        share = part[best] / total if total > 0 else float(sm.weights[cols[best]])
        return sm.names[cols[best]], share

    @functools.cached_property
    def _state_probs_list(self) -> list[float]:
        return self._state_probs.tolist()

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


def _workup(k: Knowledge, ctx: Context, do_not: dict[str, DoNot], emergency: bool, review_fits: bool,
            known_mask: int) -> tuple[tuple[PlanStep, ...], tuple[DoNot, ...], tuple[str, ...]]:
    """The plan in groups of urgency, the do-not list, and the ids of the workup rules that fired.

    `do_not` arrives with the red flags' and alarms' items; workup rules add theirs, then the steps held because
    several alarms' causes together reach the line (`_held_together`, 2026.11.147). A step on the do-not list
    never enters the plan, however many rules ask for it.

    One entry per (step, target): the most urgent (then earliest-phase) request wins; at the same timing
    and phase the one whose `within` is due sooner (workup.yaml's `within_hours`: a same-day MRI is not
    shown as one "within weeks"), else the earliest rule; a step asked for by any emergency pathway
    stays on the emergency path. A conditional step ("CT if the diagnosis is in doubt") is kept apart: it
    never stands in for another rule's unconditional request, and is dropped only when an unconditional
    one of the same step and target covers it (`_covers`: more urgent, or as urgent and due no later than
    the conditional asks); otherwise both show (an MRI "within 2 weeks" beside one "the same day if
    markers are raised"). Two conditional requests on different conditions both show (their `within` is
    part of the key). A rule with `with_referral_to` adds its steps only when the plan the other rules made
    refers to that target. The fallback rules (the review, the ultrasound of a lump the ranking leaves open)
    apply when the other rules added no step, or only blood tests (2026.11.134). The review-and-safety-net step
    (`observe`, the watchful waiting of a lump that is expected to settle) is left out of an emergency plan
    that has other steps (2026.11.91): "post-traumatic lumps usually resolve: review at 4-6 weeks" stood beside
    a necrotising infection and a cauda equina picture after an injury; the hospital owns the follow-up. An
    urgent plan keeps it only when every urgent card fired says so (`keeps_review`, 2026.11.95; `review_fits`
    is False otherwise): an anticoagulated haematoma's same-day checks are followed by the review at 4-6 weeks,
    but a lump after an injury with a suspected bone tumour, a pulsatile swelling or a cold abscess is not one
    to watch.
    """
    # key -> [timing rank, phase, rule order, prepared step, on an emergency path]
    chosen: dict[tuple[str, str | None, bool, str], list[Any]] = {}
    fallbacks = []
    companions = []
    fired: list[tuple[int, str]] = []
    rules = k.workup_rules
    for order in k.workup_scan(ctx, known_mask):
        compiled = rules[order]
        rule = compiled.rule
        if rule.fallback:
            fallbacks.append((order, compiled))
            continue
        if rule.with_referral_to is not None:
            companions.append((order, compiled))
            continue
        fired.append((order, rule.id))
        _add_steps(chosen, order, compiled, rule.emergency, ctx)
        for step, item in compiled.do_not_items:
            if step not in do_not:
                do_not[step] = item
    # A step that several can't-miss alarms forbid is held when their causes are, together, at or above the line,
    # though none is alone (2026.11.147): the danger the step carries is the sum of theirs. An estimate spread
    # between two of them had released the step (back pain not asked: spinal dysraphism 29.7% and a spinal tumour
    # 22.6%, and the sarcoma pathway's biopsy in the plan; answered either way, an alarm held it). Read last, so a
    # red flag's, an alarm's or a workup rule's own item for the step is shown instead.
    for step, line, members in k.alarm_steps:
        if step not in do_not:
            total = sum([ctx.p[cid] for cid, _ in members])
            if total >= line:
                do_not[step] = _held_together(k, members, ctx.p, total, line)
    kept = {key: v for key, v in chosen.items() if key[0] not in do_not} if do_not else chosen
    if companions:
        referred = {key[1] for key in kept if key[0] == "referral"}
        beside = [(order, compiled) for order, compiled in companions if compiled.rule.with_referral_to in referred]
        for order, compiled in beside:
            fired.append((order, compiled.rule.id))
            _add_steps(kept, order, compiled, compiled.rule.emergency, ctx, skip=do_not)
        if beside:
            fired.sort()
    fired_ids = [rule_id for _, rule_id in fired]
    # A blood test alone never says what a lump is (2026.11.134): a plan of blood tests only (myeloma bloods for
    # back pain at 60, a blood count for unexplained bruising) keeps the lump's own review and ultrasound.
    used_fallbacks = []
    if all(key[0] == "blood_tests" for key in kept):
        for order, compiled in fallbacks:
            used_fallbacks.append((order, compiled.rule.id))
            _add_steps(kept, order, compiled, compiled.rule.emergency, ctx, skip=do_not)
    if (emergency or not review_fits) and any(key[0] != "observe" for key in kept):
        for key in [key for key in kept if key[0] == "observe"]:
            del kept[key]
    if used_fallbacks:  # named as fired only while a step of theirs is in the plan (the review may have gone)
        orders = {entry[2] for entry in kept.values()}
        fired_ids.extend(rule_id for order, rule_id in used_fallbacks if order in orders)
    for key in [key for key in kept if key[2]]:
        plain = kept.get((key[0], key[1], False, ""))
        if plain is not None and _covers(plain, kept[key], ctx):
            covered = kept.pop(key)
            if key[0] != "referral":  # a test's reason stays among the covering step's others (2026.11.89)
                plain[5] = [*(plain[5] or ()), (covered[2], covered[3]), *(covered[5] or ())]
    held = _held_back(kept, do_not, k) if do_not else None
    ranked = []
    for key, (timing_rank, phase, order, prepared, on_emergency_path, others) in kept.items():
        if emergency and not on_emergency_path and timing_rank:  # not immediate: it waits
            rank, item = (_AFTER_EMERGENCY, phase, timing_rank, order), prepared.deferred
        else:
            rank, item = (_GROUP_OF_TIMING[timing_rank], phase, timing_rank, order), prepared.item
        changes: dict[str, Any] = {}
        if others:
            also = _also_asked(item, others, key[2])
            if also:
                changes["also"] = also
        if held and key in held:
            changes["waits_on_held_back"] = held[key]
        ranked.append((rank, replace(item, **changes) if changes else item))
    ranked.sort(key=_first)
    return tuple([item for _, item in ranked]), tuple(do_not.values()), tuple(fired_ids)


_AFTER_EMERGENCY = GROUP_RANK["after_emergency"]
_GROUP_OF_TIMING = tuple(GROUP_RANK[t] for t in sorted(TIMING_RANK, key=TIMING_RANK.__getitem__))
"""A step's group rank, indexed by its timing rank (a step that does not wait is in its timing's group)."""


def _also_asked(item: PlanStep, others: list[Any], shown_conditional: bool) -> tuple[AlsoAsked, ...]:
    """The other rules' requests for a step the plan shows once (2026.11.88), in rule order, each reason once
    and none the shown one's: two rules asking for blood tests or an MRI ask for different tests or regions
    ("Blood cultures, lactate, FBC" beside "haemoglobin, clotting, group and save"; "MRI of the lumbosacral
    spine" beside "MRI of the mass with contrast"), and the plan had shown only the winning rule's reason.
    Since 2026.11.89 a conditional test or procedure the step covers (`_covers`) is among them, marked
    conditional, with its condition in `within`: "MRI if the spine or pelvis X-ray is normal" names a region
    the covering MRI may not, and "in a child, MRI with MR angiography" a sequence. A covered conditional
    referral is not: the referral is made anyway, to the same team. Beside a conditional step shown, the
    others share its condition and are not marked."""
    seen = {item.rationale}
    out = []
    for _, prepared in sorted(others, key=_first):
        other = prepared.item
        if other.rationale in seen:
            continue
        seen.add(other.rationale)
        out.append(AlsoAsked(other.rule, other.rationale, other.source, other.source_id, other.timing, other.within,
                             prepared.key[2] and not shown_conditional))
    return tuple(out)


def _held_back(kept: dict[tuple[str, str | None, bool, str], list[Any]], do_not: Mapping[str, DoNot],
               k: Knowledge) -> dict[tuple[str, str | None, bool, str], str]:
    """The conditional plan entries (as in `_workup`) whose condition waits on steps none of which is in the
    plan while the do-not list holds back one of them, each with the note the step shows (2026.11.86): "CT the
    same day if the ultrasound shows flow" beside "Do not: ultrasound" (a necrotising infection is explored
    without waiting for imaging) says that the ultrasound it waits on is held back, rather than reading as
    if the ultrasound were coming. An entry whose steps are absent without being held back is left as it is
    (a test keeps that from happening)."""
    planned = {key[0] for key in kept}
    out = {}
    for key, entry in kept.items():
        waits = entry[3].waits_on
        if not key[2] or not waits or waits & planned:
            continue
        blocked = sorted((step for step in waits if step in do_not), key=k.step_phase.__getitem__)
        if blocked:
            out[key] = waits_on_held_back([k.step_labels[step] for step in blocked])
    return out


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _covers(plain: list[Any], conditional: list[Any], ctx: Context) -> bool:
    """Whether an unconditional plan entry makes a conditional one of the same step and target redundant
    (entries as in `_workup`): it is more urgent; or it is as urgent and the conditional asks for no time
    of its own ("if the diagnosis is in doubt") or for none sooner than the unconditional's `within`. A
    conditional naming a time where the unconditional names none is kept (2026.11.75)."""
    if plain[0] != conditional[0]:
        return bool(plain[0] < conditional[0])
    asks, given = conditional[3].due, plain[3].due
    if asks is None:
        return True
    if given is None:
        return False
    return not _sooner(asks, given, ctx)


def _sooner(due: tuple[float, float] | None, than: tuple[float, float] | None, ctx: Context) -> bool:
    """Whether a step due within `due` hours comes sooner than one due within `than` (each from
    workup.yaml's `within_hours`: hours under 25 or with no age entered, hours from 25); False when either
    gives no time, so the earlier rule keeps the step. With no age entered the sooner, young person's
    reading counts: unknown is not no."""
    if due is None or than is None:
        return False
    column = _due_column(ctx.v.get("age_years"))
    return due[column] < than[column]


def _due_column(age: Any) -> int:
    """The column of a `within_hours` entry for this age: 1 from 25, else 0 (under 25, or no age entered:
    the sooner reading, as unknown is not no)."""
    return 1 if age is not None and age >= 25 else 0


def _add_steps(chosen: dict, order: int, compiled: Any, emergency: bool, ctx: Context,
               skip: Mapping[str, Any] | None = None) -> None:
    """Add a rule's prepared steps to the plan entries (see `_workup`), leaving out the steps in `skip` and
    those whose own condition does not hold."""
    for prepared in compiled.plan:
        if skip is not None and prepared.key[0] in skip:
            continue
        if prepared.test is not None and not prepared.test(ctx):
            continue
        old = chosen.get(prepared.key)
        if old is None:
            chosen[prepared.key] = [prepared.timing_rank, prepared.phase, order, prepared, emergency, None]
            continue
        rank, previous = (prepared.timing_rank, prepared.phase), (old[0], old[1])
        others = old[5] if old[5] is not None else []
        if rank < previous or (rank == previous and _sooner(prepared.due, old[3].due, ctx)):
            others.append((old[2], old[3]))
            old[0], old[1], old[2], old[3] = prepared.timing_rank, prepared.phase, order, prepared
        else:
            others.append((order, prepared))
        old[5] = others
        if emergency:
            old[4] = True


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
        trial = dict(values)
        # named conditions that do not read this finding keep their value whatever the answer
        seed = dict(base)
        for name in k.refs_reading.get(fid, ()):
            seed.pop(name, None)
        f = k.findings[fid]
        answers = k.trial_values[fid]
        # the answers (as indices into `answers`) that change each rule: the first is enough for a yes/no
        # or a choice; for a number every trial point is tried, so that the ranges of answers can be told
        number = f.type == "number"
        hits: dict[str, list[int]] = {}
        for i, answer in enumerate(answers):
            trial[fid] = answer
            ctx = Context(trial, probs_by_id)
            ctx.memo = seed.copy()
            for compiled, is_fired in live:
                rid = compiled.rule.id
                if rid in hits and not number:
                    continue
                # with fid answered every needed finding is known (the `live` filter), so test directly
                if compiled.test(ctx) != is_fired:
                    hits.setdefault(rid, []).append(i)
        # in the order the rules first changed (answer, then rule), as the ranking's ties keep it
        live_by_id = {compiled.rule.id: (compiled, is_fired) for compiled, is_fired in live}
        effects: list[tuple[SafetyEffect, int]] = []
        for rid, idx in hits.items():
            compiled, is_fired = live_by_id[rid]
            effect = SafetyEffect(rid, compiled.rule.level, "clear" if is_fired else "fire", answers[idx[0]],
                                  number_ranges(answers, idx) if number else None)
            effects.append((effect, len(compiled.reads & known)))
        if effects:
            ranked = sorted(effects, key=lambda e: (_effect_rank(e[0]), -e[1]))
            best = _effect_rank(ranked[0][0])
            engaged = max(n for e, n in ranked if _effect_rank(e) == best)
            question = SafetyQuestion(fid, f.label, f.question or f.meaning, tuple(e for e, _ in ranked))
            found.append(((best, -engaged, -len(ranked), k.finding_order[fid]), question))
    # most decisive first: the strongest effect (emergency before urgent, firing before clearing),
    # then the rules most engaged with what is already entered, then how many rules it decides
    found.sort(key=lambda v: v[0])
    return tuple(q for _, q in found)


def number_ranges(points: tuple[float, ...], hits: list[int]) -> tuple[NumberRange, ...]:
    """The ranges of a number finding's answers that `hits` (indices into `points`, ascending) stand for.

    `points` are the finding's trial values: its bounds and every constant the rules compare it with
    (even indices), with one midpoint between each pair (odd indices). Every comparison has one truth
    value at each constant and on each open interval between two, so a run of hits from a constant is
    closed there and a run from a midpoint is open at the constant beside it; a run that reaches the
    finding's bound is open-ended on that side."""
    last = len(points) - 1
    runs: list[list[int]] = []
    for i in hits:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        i, j = run[0], run[-1]
        low, low_inc = (None, True) if i == 0 else (points[i], True) if i % 2 == 0 else (points[i - 1], False)
        high, high_inc = (None, True) if j == last else (points[j], True) if j % 2 == 0 else (points[j + 1], False)
        out.append(NumberRange(low, low_inc, high, high_inc))
    return tuple(out)


def _known_mask(k: Knowledge, values: Mapping[str, Any]) -> int:
    """The entered findings as bits of `Knowledge.finding_bit` (a rule runs when its `needs_mask` is inside)."""
    mask = 0
    bit = k.finding_bit
    for fid in values:
        mask |= bit[fid]
    return mask


def _effect_rank(e: SafetyEffect) -> int:
    return (0 if e.level == "emergency" else 2) + (0 if e.effect == "fire" else 1)


def _row_weights(grouped: Mapping[tuple[int, float], list[int]], n: int) -> list[float] | None:
    """The weight of each of the n entered findings' rows: 1 / (1 + (m - 1) r) for a finding of a correlated
    group with m entered findings and correlation r (model.yaml), 1 otherwise; None when no group has two
    entered findings (every weight 1). `grouped` maps each group (index, r) to its findings' positions."""
    weights = None
    for (_, r), members in grouped.items():
        if len(members) > 1:
            if weights is None:
                weights = [1.0] * n
            w = 1.0 / (1.0 + (len(members) - 1) * r)
            for i in members:
                weights[i] = w
    return weights


def assess(case: Case | Mapping[str, Any], knowledge: Knowledge | None = None) -> Assessment:
    """Assess one case: rank the causes, fire red flags, set triage, build the workup path.

    Raises CaseError (listing every problem) if the case breaks the vocabulary.
    """
    k = knowledge or load_knowledge()
    case = parse_case(case, k)
    values = case.findings

    band = k.band_index(values.get("age_years"))
    sm = k.states
    # one row of the stacked tables per entered finding; a correlated group's rows are damped (model.yaml)
    value_row, number_rows, group_of = sm.value_row, sm.number_rows, k.group_of
    entered: list[str] = []
    rows: list[int] = []
    grouped: dict[tuple[int, float], list[int]] = {}  # correlated group -> positions of its findings in `entered`
    bit = k.finding_bit
    known_mask = 0  # the entered findings as bits (a rule runs only when its needed findings' bits are in)
    for fid, value in values.items():
        known_mask |= bit[fid]
        row = value_row.get((fid, value))
        if row is None:
            if fid not in number_rows:
                continue  # a finding the ranking does not use
            start, bounds = number_rows[fid]
            row = start + bisect.bisect_right(bounds, value)
        group = group_of.get(fid)
        if group is not None:
            if group in grouped:
                grouped[group].append(len(rows))
            else:
                grouped[group] = [len(rows)]
        entered.append(fid)
        rows.append(row)
    weights = _row_weights(grouped, len(rows)) if grouped else None
    # (ufuncs called directly: the array methods .sum() and .max() add a Python-level call each)
    if weights is not None:
        logpost = sm.log_prior[band] + np.array(weights) @ sm.stacked.take(rows, axis=0)
    elif rows:
        logpost = sm.log_prior[band] + np.add.reduce(sm.stacked.take(rows, axis=0))
    else:
        logpost = sm.log_prior[band].copy()
    logpost -= np.maximum.reduce(logpost)
    state_probs = np.exp(logpost, out=logpost)
    state_probs /= np.add.reduce(state_probs)
    probs = np.bincount(sm.cause_index, weights=state_probs, minlength=len(k.cause_ids))

    probs_list = probs.tolist()
    probs_by_id = dict(zip(k.cause_ids, probs_list, strict=True))
    probs_by_id[CANT_MISS] = sum([probs_list[j] for j in k.cant_miss_index])
    probs_by_id[TOP] = max(probs_list)

    # red flags and triage
    ctx = Context(values, probs_by_id)
    fired: list[RedFlag] = []
    do_not: dict[str, DoNot] = {}
    top = 0
    review_fits = True  # no urgent card that rules out watching the lump (2026.11.95)
    red_flags = k.red_flags
    for i in k.red_flag_scan(ctx, known_mask):
        compiled = red_flags[i]
        flag = compiled.flag  # set on every red-flag rule (loader._prepared_flags)
        if compiled.variant_flags:
            flag = _first_that_holds(compiled.variant_flags, ctx, flag)
        fired.append(cast(RedFlag, flag))
        if compiled.level_rank > top:
            top = compiled.level_rank
        if compiled.level_rank == _URGENT and not compiled.rule.keeps_review:
            review_fits = False
        for step, item in compiled.do_not_items:
            if step not in do_not:
                do_not[step] = item
    # the ranking feeds safety: a can't-miss cause at or above its threshold raises its own flag
    prior_row = k.prior[band]
    alarmed: list[str] = []
    for j, cid, flag_id, alarm, alarm_do_not, source_label, words, variants in k.alarms:
        p = probs_list[j]
        if p < alarm.threshold:
            continue
        # its do-not list holds from the threshold: a cause this likely is not needled, cut or incised
        # blind, even when the age band alone makes it so and the card below stays quiet (2026.11.43)
        for step, item in alarm_do_not:
            if step not in do_not:
                do_not[step] = item
        p0 = float(prior_row[j])
        if p < 1 and (p / (1 - p)) < alarm.min_odds_ratio * (p0 / (1 - p0)):
            continue  # the age band, not the findings, makes it likely: the marker rules own that case
        name = k.causes[cid].name
        if variants:
            words = _first_that_holds(variants, ctx, words)
        fired.append(RedFlag(flag_id, alarm.level,
                             f"The ranking estimates {name} at {p:.0%} (alarm threshold {alarm.threshold:.0%}): "
                             "a can't-miss cause this likely needs acting on.",
                             words.action, words.within, source_label, alarm.source, words.note, cid, round(p, 4),
                             alarm.threshold, words.action_source, words.action_source_id))
        top = max(top, LEVEL_RANK[alarm.level])
        if alarm.level == "urgent":
            review_fits = False  # a can't-miss cause this likely is not a lump to watch
        alarmed.append(cid)
    if len(fired) > 1:
        fired.sort(key=_card_order(k.within_due, values.get("age_years")))
    if alarmed:
        ctx.a = frozenset(alarmed)  # the workup rules that carry out a fired alarm's action read it

    workup, avoid, workup_fired = _workup(k, ctx, do_not, top == _EMERGENCY, review_fits, known_mask)

    # most probable first; equal estimates keep the knowledge's order (Python's sort is stable)
    order = sorted(range(len(probs_list)), key=probs_list.__getitem__, reverse=True)
    cause_ids = k.cause_ids
    return Assessment(
        knowledge_version=k.version,
        case=case,
        age_band=k.age_bands[band].id if band < len(k.age_bands) else None,
        cause_ids=tuple([cause_ids[i] for i in order]),
        probabilities=tuple([probs_list[i] for i in order]),
        triage=TRIAGE_OF_RANK[top],
        red_flags=tuple(fired),
        workup=workup,
        avoid=avoid,
        workup_rules_fired=workup_fired,
        _contrib_findings=tuple(entered),
        _rows=rows,
        _row_weights=weights,
        _band=band,
        _probs=probs,
        _knowledge=k,
        _probs_by_id=probs_by_id,
        _memo=ctx.memo,
        _state_probs=state_probs,
    )


T = TypeVar("T")


HELD_TOGETHER = "cant_miss_together"
"""The `rule` of a do-not item held because several can't-miss causes whose alarms forbid the step are, together,
at or above the alarm line (its `note` names them); no card of that id fires."""


def _held_together(k: Knowledge, members: tuple[tuple[str, DoNot], ...], probs: Mapping[str, float],
                   together: float, line: float) -> DoNot:
    """The do-not item of a step held because the causes whose alarms forbid it are, together, at or above the
    line: the likeliest one's rationale and source, with a note naming the estimates that add up."""
    ranked = sorted(members, key=lambda m: probs[m[0]], reverse=True)
    item = ranked[0][1]
    named = [f"{k.causes[cid].short.lower()} {probs[cid]:.1%}" for cid, _ in ranked if probs[cid] >= 0.005]
    parts = " and ".join(named) if len(named) < 3 else f"{', '.join(named[:-1])} and {named[-1]}"
    note = f"the ranking's estimates of {parts}, together {together:.1%}, over the {line:.0%} line though each is below it"
    return DoNot(item.step, item.rationale, item.source, item.source_id, HELD_TOGETHER, item.origin, note)


def _first_that_holds(variants: tuple[tuple[Predicate, T], ...], ctx: Context, default: T) -> T:
    """What a card shows for this patient: the first action variant whose condition holds, else its own."""
    for test, shown in variants:
        if test(ctx):
            return shown
    return default


_NO_TIME = float("inf")
_EMERGENCY = LEVEL_RANK["emergency"]
_URGENT = LEVEL_RANK["urgent"]


def _card_order(due: Mapping[str, tuple[float, float] | None], age: Any) -> Any:
    """The sort key of the fired cards (2026.11.87): highest level first; within the urgent and warning
    levels the card due soonest (its `within` in workup.yaml's `within_hours`, the age column as in
    `_sooner`), a card naming no time after those that do; on ties, and among emergencies (each is acted on
    now; their `within` names a test's time, "MRI within 4 hours", not when to act), the knowledge's order
    (the sort is stable). The bedside banner speaks for the first card: a baby's growing midline lump showed
    "MRI within weeks" above NG12's "ultrasound within 48 hours"."""
    column = _due_column(age)

    def key(flag: RedFlag) -> tuple[int, float]:
        rank = LEVEL_RANK[flag.level]
        if rank == _EMERGENCY:
            return -rank, 0.0
        hours = due.get(flag.within) if flag.within else None
        return -rank, _NO_TIME if hours is None else hours[column]
    return key
