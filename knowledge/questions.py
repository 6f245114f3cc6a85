"""The next best question: which unexamined finding's answer would change the picture most.

For each finding not yet examined: the expected information gain of its answer (bits) plus
CANT_MISS_WEIGHT times the expected absolute change in the total probability of the can't-miss
causes. The answer's probabilities come from the current ranking: for a cause with states (model.yaml),
P(answer | cause) mixes its states in the shares the case gives them, which is exact Bayes for the
state model (the findings are independent given the state), not in their shares across all ages. The
state tables the search needs are stacked once when the knowledge loads (`question_matrices`) and kept
beside this code, not on the public model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge.result import Question

if TYPE_CHECKING:
    from knowledge.loader import Knowledge
    from knowledge.schema import Finding

CANT_MISS_WEIGHT = 3.0
"""Weight of the expected change in can't-miss probability against information gain (estimate)."""
N_QUESTIONS = 5
_LN2 = float(np.log(2))


@dataclass(frozen=True)
class QuestionMatrices:
    """Every askable finding's state likelihood table stacked (rows: its categories)."""

    rows: np.ndarray
    """S[v, s] = P(category v | state s), all askable findings stacked (a cause without states is one
    state column; `StateModel`)."""
    cant_miss: np.ndarray
    """1.0 for a can't-miss cause, else 0.0 (knowledge order)."""
    starts: np.ndarray
    """Row where each finding's block starts."""
    findings: tuple[str, ...]
    texts: tuple[tuple[str, str, str], ...]
    """For each finding: (id, label, the question asked at the bedside)."""


def question_matrices(state_tables: Mapping[str, np.ndarray], findings: Mapping[str, Finding],
                      cant_miss: np.ndarray, n_states: int) -> QuestionMatrices:
    """Build the matrices once from the state model's log tables (`StateModel.log_tables`). Results (an
    ultrasound already done, blood tests) are investigations, not bedside questions, so they are not
    suggested."""
    q_findings = tuple(fid for fid in state_tables if findings[fid].group != "results")
    blocks: list[np.ndarray] = []
    starts: list[int] = []
    for fid in q_findings:
        starts.append(sum(len(b) for b in blocks))
        blocks.append(np.exp(state_tables[fid]))
    rows = np.ascontiguousarray(np.vstack(blocks)) if blocks else np.empty((0, n_states))

    def frozen(a: np.ndarray) -> np.ndarray:
        a.setflags(write=False)
        return a

    return QuestionMatrices(
        rows=frozen(rows),
        cant_miss=frozen(np.asarray(cant_miss, dtype=float)),
        starts=frozen(np.array(starts, dtype=np.intp)),
        findings=q_findings,
        texts=tuple((fid, findings[fid].label, findings[fid].question or findings[fid].meaning) for fid in q_findings),
    )


def next_questions(k: Knowledge, probs: np.ndarray, state_mix: np.ndarray, known: Mapping[str, Any],
                   cant_miss_now: float) -> tuple[Question, ...]:
    """The N_QUESTIONS best unexamined findings to ask next, best first. `state_mix` holds each state's
    share of its cause given the case (rows: states, columns: causes; `Assessment._state_mix`);
    `cant_miss_now` is the current total probability of the can't-miss causes (the engine has it)."""
    # For every category v of every finding (rows stacked), with Q[v, c] = P(v | cause c, this case)
    # (the state rows mixed in the case's shares):
    #   P(v) = sum_c Q[v,c] p_c, and the expected entropy after the answer, per finding, is
    #   sum_v P(v) H(cause | v) = -sum_{v,c} Q[v,c] p_c (log Q[v,c] + log p_c) + sum_v P(v) log P(v)
    # The expected change in can't-miss probability is
    #   sum_v P(v) |P(cm | v) - P(cm)| = sum_v |sum_{c cm} Q[v,c] p_c - P(cm) P(v)|.
    m = k._questions
    q = m.rows @ state_mix
    plogp = probs * np.log(np.maximum(probs, 1e-300))
    p_answer = q @ probs
    terms = np.empty((len(q), 2))
    terms[:, 0] = p_answer * np.log(p_answer) - ((q * np.log(q)) @ probs + q @ plogp)
    terms[:, 1] = np.abs(q @ (probs * m.cant_miss) - cant_miss_now * p_answer)
    per_finding = np.add.reduceat(terms, m.starts)
    per_finding[:, 0] *= -1 / _LN2
    per_finding[:, 0] -= float(plogp.sum()) / _LN2  # gain: the entropy now minus the expected entropy after
    gain_list, cm_list = per_finding.T.tolist()
    score_list = [g + CANT_MISS_WEIGHT * c for g, c in zip(gain_list, cm_list, strict=True)]
    # best first; equal scores keep the knowledge's order (a stable sort), so the list is reproducible
    order = sorted(range(len(score_list)), key=score_list.__getitem__, reverse=True)
    out = []
    texts = m.texts
    for i in order:
        fid, label, question = texts[i]
        if fid in known:
            continue
        out.append(Question(fid, label, question, round(score_list[i], 4), round(gain_list[i], 4), round(cm_list[i], 4)))
        if len(out) == N_QUESTIONS:
            break
    return tuple(out)
