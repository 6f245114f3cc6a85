"""Write the hand working for reference_cases.json (a helper for the knowledge owner, not a test).

The reference posteriors must not come from the engine or the loader, so this script reads the YAML
files with yaml.safe_load and does the documented arithmetic in plain Python: the age band's prior
weights (or, with no age, the bands' normalised priors weighted by their presentation_share), the
fill rule and floor of likelihoods.yaml, the background for a finding a cause does not list, a
cause's states (model.yaml: state weight x the state's likelihood where it has one, else the
cause's) summed back into the cause, a state's share by age band where model.yaml gives
weight_by_age (with no age, each band's share weighted as the band's prior is), and a correlated group's weight 1 / (1 + (m - 1) r) as a power
on each entered member's likelihood. It prints each case's expected posteriors and its working.

Run it after a reviewed change of the numbers, read the working, and paste what changed into
reference_cases.json:  .venv/bin/python tests/knowledge/hand_arithmetic.py
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parents[2] / "knowledge" / "data"
FLOOR = 0.01


def _load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


CAUSES = _load("causes.yaml")
LIKE = _load("likelihoods.yaml")
FINDINGS = _load("findings.yaml")["findings"]
MODEL = _load("model.yaml")
BANDS = CAUSES["age_bands"]
CAUSE_IDS = list(CAUSES["causes"])


def categories(fid: str) -> list[str]:
    f = FINDINGS[fid]
    if f["type"] == "boolean":
        return ["true", "false"]
    if f["type"] == "choice":
        return list(f["values"])
    return [b["id"] for b in f["bins"]]


def category_of(fid: str, value) -> str:
    f = FINDINGS[fid]
    if f["type"] == "boolean":
        return "true" if value else "false"
    if f["type"] == "choice":
        return value
    for b in f["bins"]:
        if b.get("below") is None or value < b["below"]:
            return b["id"]
    raise ValueError(fid)


def filled(fid: str, entry: dict) -> dict[str, float]:
    """The fill rule and floor of likelihoods.yaml's header, written out again."""
    cats = categories(fid)
    if "p" in entry:
        return {"true": entry["p"], "false": 1 - entry["p"]}
    given = dict(entry["values"])
    missing = [c for c in cats if c not in given]
    if missing:
        share = max(FLOOR, (1 - sum(given.values())) / len(missing))
        for c in missing:
            given[c] = share
    floored: set[str] = set()
    while True:
        free = {c: v for c, v in given.items() if c not in floored}
        scale = (1 - FLOOR * len(floored)) / sum(free.values())
        low = {c for c, v in free.items() if v * scale < FLOOR}
        if not low:
            return {c: (FLOOR if c in floored else v * scale) for c, v in given.items()}
        floored |= low


def likelihood(cause: str, state: str | None, fid: str, cat: str) -> float:
    if state is not None:
        s = MODEL["states"][cause][state].get("likelihoods", {})
        if fid in s:
            return filled(fid, s[fid])[cat]
    own = LIKE["causes"].get(cause, {})
    entry = own.get(fid, LIKE["background"].get(fid))
    return filled(fid, entry)[cat]


def prior(cause: str, age: float | None, share=lambda band: 1.0) -> tuple[float, str]:
    """The cause's prior (not yet normalised across causes when an age is given) and its working; with
    `share` (band id -> a state's share of the cause in that band), the state's prior: each band's prior
    times the band's share, so with no age the bands' shares are weighted as the bands' priors are."""
    if age is not None:
        band = next(b for b in BANDS if b["below_years"] is None or age < b["below_years"])
        return float(CAUSES["causes"][cause]["prior"][band["id"]]) * share(band["id"]), band["id"]
    total_share = sum(b["presentation_share"] for b in BANDS)
    p = 0.0
    for b in BANDS:
        band_sum = sum(CAUSES["causes"][c]["prior"][b["id"]] for c in CAUSE_IDS)
        p += b["presentation_share"] * CAUSES["causes"][cause]["prior"][b["id"]] / band_sum * share(b["id"])
    return p / total_share, "no age"


def state_weight(cause: str, state: str, band: str) -> float:
    """The state's share of its cause in an age band: weight_by_age where model.yaml gives it, else weight."""
    entry = MODEL["states"][cause][state]
    by_age = entry.get("weight_by_age")
    return float(by_age[band]) if by_age else float(entry["weight"])


def work(case: dict) -> tuple[dict[str, float], list[str]]:
    age = case.get("age_years")
    entered = [f for f in case if f != "age_years" and f in LIKE["background"]]
    weights = {}
    for g in MODEL["correlated_groups"].values():
        members = [f for f in entered if f in g["findings"]]
        if len(members) > 1:
            for f in members:
                weights[f] = 1 / (1 + (len(members) - 1) * g["correlation"])
    lines = []
    unnorm = {}
    for c in CAUSE_IDS:
        pr, _band = prior(c, age)
        states = list(MODEL["states"].get(c, {})) or [None]
        total = 0.0
        parts = []
        for st in states:
            by_age = bool(st and MODEL["states"][c][st].get("weight_by_age"))
            if by_age:
                prod = prior(c, age, lambda band, c=c, st=st: state_weight(c, st, band))[0]
                factors = [f"{prod:.10g} (prior x band share)"]
            else:
                w = MODEL["states"][c][st]["weight"] if st else 1.0
                prod = pr * w
                factors = [f"{pr:.10g}" + (f" x {w:g}" if st else "")]
            for f in entered:
                lik = likelihood(c, st, f, category_of(f, case[f]))
                e = weights.get(f, 1.0)
                prod *= lik ** e
                factors.append(f"{lik:.10g}" + (f"^{e:.6g}" if e != 1.0 else ""))
            total += prod
            parts.append((f"{st}: " if st else "") + " x ".join(factors) + f" = {prod:.10g}")
        unnorm[c] = total
        lines.append(f"{c} " + ("; ".join(parts)) + (f" (sum {total:.10g})" if len(states) > 1 else ""))
    z = sum(unnorm.values())
    return {c: v / z for c, v in unnorm.items()}, [*lines, f"Normaliser = sum = {z:.10g}"]


def main() -> None:
    ref = json.loads((Path(__file__).with_name("reference_cases.json")).read_text(encoding="utf-8"))
    for c in ref["cases"]:
        post, lines = work(c["case"])
        print(c["id"])
        print("  expected:", json.dumps({k: post[k] for k in c["expected"]}))
        print("  working:", " | ".join(lines))
        assert math.isclose(sum(post.values()), 1.0)


if __name__ == "__main__":
    main()
