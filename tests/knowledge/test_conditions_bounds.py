"""The static bounds the engine uses to skip rules: what `one_of_findings` returns for each operator."""

from __future__ import annotations

import pytest

from knowledge.conditions import one_of_findings

DEFS = {
    "inflamed": {"any": [{"erythema": True}, {"warmth": True}]},
    "ill": {"not": {"fever": False}},
}


@pytest.mark.parametrize(("cond", "expected"), [
    ({"fever": True}, {"fever"}),
    ({"size_cm": {">=": 5}}, {"size_cm"}),
    ({"known": "depth"}, {"depth"}),
    ({"unknown": "depth"}, None),
    ({"not": {"fever": True}}, None),
    ({"probability": {"cause": "cant_miss", ">=": 0.2}}, None),
    ({"probability": {"cause": "top", "<": 0.6}}, None),
    ({"alarm": "soft_tissue_sarcoma"}, None),
    ({"all": [{"alarm": "soft_tissue_sarcoma"}, {"fever": True}]}, {"fever"}),
    ({}, None),
    ({"any": [{"fever": True}, {"erythema": True}]}, {"fever", "erythema"}),
    ({"any": [{"fever": True}, {"unknown": "depth"}]}, None),
    ({"at_least": {"n": 2, "of": [{"fever": True}, {"erythema": True}, {"warmth": True}]}}, {"fever", "erythema", "warmth"}),
    ({"at_least": {"n": 1, "of": [{"fever": True}, {"not": {"warmth": True}}]}}, None),
    ({"all": [{"any": [{"fever": True}, {"erythema": True}]}, {"warmth": True}]}, {"warmth"}),
    ({"all": [{"unknown": "depth"}, {"any": [{"fever": True}, {"erythema": True}]}]}, {"fever", "erythema"}),
    ({"fever": True, "not": {"warmth": True}}, {"fever"}),
    ({"ref": "inflamed"}, {"erythema", "warmth"}),
    ({"ref": "ill"}, None),
    ({"any": [{"ref": "inflamed"}, {"fever": True}]}, {"erythema", "warmth", "fever"}),
])
def test_one_of_findings(cond, expected):
    """A set at least one of which must be examined for the condition to hold; None when it can hold with
    nothing examined (`not`, `unknown`, `probability`, `alarm`, an empty condition) or a part of an `any` can."""
    got = one_of_findings(cond, DEFS)
    assert (None if got is None else set(got)) == expected
