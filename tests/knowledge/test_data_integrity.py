"""Every entry of every knowledge file resolves: ids exist, sources exist, numbers are in range."""

from __future__ import annotations

import math

import numpy as np
import pytest

import knowledge
from knowledge.loader import FLOOR, OTHER
from knowledge.schema import ESTIMATE

KB = knowledge.load_knowledge()
SOURCED = (
    [(f"cause:{cid}", c.source, c.note) for cid, c in KB.causes.items()]
    + [(f"likelihood:{o}.{f}", like.source, like.note) for (o, f), like in KB.likelihoods.items()]
    + [(f"red_flag:{r.rule.id}", r.rule.source, r.rule.note) for r in KB.red_flags]
    + [(f"workup:{r.rule.id}:{s.step}", s.source, s.note) for r in KB.workup_rules for s in (*r.rule.steps, *r.rule.avoid)]
)


@pytest.mark.parametrize(("entry", "source", "note"), SOURCED, ids=[e for e, _, _ in SOURCED])
def test_source_resolves(entry, source, note):
    """Each prior, likelihood, rule and step names a source of sources.yaml, or is an estimate with a note."""
    if source == ESTIMATE:
        assert note.strip(), f"{entry} is an estimate without a note"
    else:
        assert source in KB.sources, f"{entry} cites unknown source {source}"


@pytest.mark.parametrize("fid", sorted(KB.tables))
def test_likelihood_table(fid):
    """A finding's likelihood table has a column per cause, each a distribution with every value at or above the floor."""
    table = KB.tables[fid]
    assert table.linear.shape == (len(table.categories), len(KB.cause_ids))
    assert np.allclose(table.linear.sum(axis=0), 1.0), f"{fid}: a column does not sum to 1"
    assert (table.linear >= FLOOR - 1e-12).all() and (table.linear <= 1).all()


@pytest.mark.parametrize("cid", sorted(KB.causes))
def test_cause_prior(cid):
    """Each cause has a positive prior in every age band, and a display name short enough for the chart."""
    col = KB.cause_ids.index(cid)
    assert (KB.prior[:, col] > 0).all()
    assert len(KB.causes[cid].short) <= 28


def test_priors_are_distributions():
    """Each age band's priors, and the 'age not entered' row, sum to 1."""
    assert np.allclose(KB.prior.sum(axis=1), 1.0)
    assert KB.prior.shape[0] == len(KB.age_bands) + 1


def test_other_cause_uses_background():
    """The 'other' cause takes the background distribution of every finding."""
    col = KB.cause_ids.index(OTHER)
    for fid, table in KB.tables.items():
        assert (OTHER, fid) not in KB.likelihoods
        bg = KB.likelihoods[("background", fid)]
        if bg.p is not None:
            assert math.isclose(table.linear[table.categories.index("true"), col], bg.p)


@pytest.mark.parametrize("sid", sorted(KB.sources))
def test_source_is_locatable(sid):
    """Every source record can be found again: a label, a title, and a DOI, PMID or URL."""
    src = KB.sources[sid]
    assert src.label and src.title
    assert src.doi or src.pmid or src.url


def test_every_rule_finding_exists():
    """Every finding a red-flag or workup rule reads is a finding of the vocabulary."""
    reads = set().union(*(r.reads for r in KB.red_flags), *(r.reads for r in KB.workup_rules))
    assert reads <= set(KB.findings)


def test_cant_miss_causes_explained():
    """Each can't-miss cause says why it must not be missed."""
    cant_miss = [cid for cid, c in KB.causes.items() if c.cant_miss]
    assert {"soft_tissue_sarcoma", "spinal_infection", "occult_spinal_dysraphism"} <= set(cant_miss)
    assert all(KB.causes[c].cant_miss_why for c in cant_miss)


def test_version_format():
    """The knowledge version is a dated version string shown with every result."""
    parts = KB.version.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
